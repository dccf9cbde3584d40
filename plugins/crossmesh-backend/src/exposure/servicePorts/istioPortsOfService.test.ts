import {
  istioPortsOfService,
  protocolOfAppProtocol,
} from './istioPortsOfService';

describe('istioPortsOfService', () => {
  it('keeps port names Istio reads a protocol from', () => {
    expect(
      istioPortsOfService([
        { name: 'http', port: 8000 },
        { name: 'grpc-api', port: 9090, protocol: 'TCP' },
        { name: 'tcp-db', port: 5432 },
      ]),
    ).toEqual([
      { name: 'http', number: 8000 },
      { name: 'grpc-api', number: 9090 },
      { name: 'tcp-db', number: 5432 },
    ]);
  });

  it('names a port from its appProtocol when the name carries no protocol, and lets appProtocol win as Istio does', () => {
    expect(
      istioPortsOfService([
        { name: 'web', port: 8080, appProtocol: 'HTTP' },
        { port: 8443, appProtocol: 'https' },
        { name: 'h2', port: 8081, appProtocol: 'kubernetes.io/h2c' },
        { name: 'http-admin', port: 9000, appProtocol: 'grpc' },
      ]),
    ).toEqual([
      { name: 'http-web', number: 8080 },
      { name: 'https', number: 8443 },
      { name: 'http2-h2', number: 8081 },
      { name: 'grpc-http-admin', number: 9000 },
    ]);
  });

  it('falls back to tcp-<port> for names and appProtocols Istio does not know', () => {
    expect(
      istioPortsOfService([
        { name: 'metrics', port: 9102 },
        { port: 7000, appProtocol: 'example.com/custom' },
        { name: 'Bad_Name', port: 81 },
      ]),
    ).toEqual([
      { name: 'tcp-9102', number: 9102 },
      { name: 'tcp-7000', number: 7000 },
      { name: 'tcp-81', number: 81 },
    ]);
  });

  it('leaves out UDP and SCTP ports and keeps names unique', () => {
    expect(
      istioPortsOfService([
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'sctp', port: 9999, protocol: 'SCTP' },
        { port: 8080, appProtocol: 'http' },
        { port: 8081, appProtocol: 'http' },
      ]),
    ).toEqual([
      { name: 'http', number: 8080 },
      { name: 'http-8081', number: 8081 },
    ]);
  });

  it('maps appProtocol values case-insensitively and ignores look-alikes', () => {
    expect(protocolOfAppProtocol('GRPC-Web')).toBe('grpc-web');
    expect(protocolOfAppProtocol('kubernetes.io/ws')).toBe('http');
    expect(protocolOfAppProtocol('\u212Acp')).toBeUndefined();
    expect(protocolOfAppProtocol(undefined)).toBeUndefined();
  });
});
