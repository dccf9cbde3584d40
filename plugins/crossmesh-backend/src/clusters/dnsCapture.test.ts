import { parseDnsCapture } from './dnsCapture';

describe('parseDnsCapture', () => {
  it('reads capture as enabled from the quoted string Istio documents', () => {
    const reading = parseDnsCapture(`
accessLogFile: /dev/stdout
defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
    ISTIO_META_DNS_AUTO_ALLOCATE: "true"
rootNamespace: istio-system
`);
    expect(reading.dnsCapture).toBe('enabled');
    expect(reading.dnsCaptureDetail).toContain('DNS capture is on');
  });

  it('accepts an unquoted boolean and any case', () => {
    expect(
      parseDnsCapture(
        'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: true\n',
      ).dnsCapture,
    ).toBe('enabled');
    expect(
      parseDnsCapture(
        'defaultConfig: {proxyMetadata: {ISTIO_META_DNS_CAPTURE: "True"}}',
      ).dnsCapture,
    ).toBe('enabled');
  });

  it('is disabled when set to something else, naming the value and the fix', () => {
    const reading = parseDnsCapture(
      'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "false"\n',
    );
    expect(reading.dnsCapture).toBe('disabled');
    expect(reading.dnsCaptureDetail).toContain('is "false"');
    expect(reading.dnsCaptureDetail).toContain(
      'meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE=true',
    );
  });

  it.each([
    ['an empty mesh config', ''],
    ['no defaultConfig', 'rootNamespace: istio-system\n'],
    ['no proxyMetadata', 'defaultConfig:\n  concurrency: 2\n'],
    ['proxyMetadata without the key', 'defaultConfig:\n  proxyMetadata: {}\n'],
    ['a null defaultConfig', 'defaultConfig:\n'],
  ])('is disabled (not set) with %s', (_, yaml) => {
    const reading = parseDnsCapture(yaml);
    expect(reading.dnsCapture).toBe('disabled');
    expect(reading.dnsCaptureDetail).toContain('is not set');
  });

  it('is unknown when the mesh key is missing', () => {
    expect(parseDnsCapture(undefined)).toEqual({
      dnsCapture: 'unknown',
      dnsCaptureDetail: expect.stringContaining("has no 'mesh' key"),
    });
  });

  it('is unknown for bad YAML or YAML that is not a mapping', () => {
    const bad = parseDnsCapture('defaultConfig: [unclosed\n  proxyMetadata: {');
    expect(bad.dnsCapture).toBe('unknown');
    expect(bad.dnsCaptureDetail).toContain('is not valid YAML');
    expect(bad.dnsCaptureDetail).not.toContain('\n');

    expect(parseDnsCapture('- a\n- b\n')).toMatchObject({
      dnsCapture: 'unknown',
      dnsCaptureDetail: expect.stringContaining('not a YAML mapping'),
    });
  });
});
