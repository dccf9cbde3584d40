import {
  CROSSMESH_CUSTOM_SERVER_KEY,
  ensureGlobalCustomServer,
  removeGlobalCustomServer,
} from './corednsCustom';
import { CROSSMESH_BLOCK_MARKER } from './corefile';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';

const IP = '10.96.12.34';
const block = (ip: string) =>
  `${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    errors\n    cache 30\n    forward . ${ip}:53\n}\n`;

const custom = loadFixtures().find(f => f.file === 'aks-coredns-custom.yaml')!;

describe.each([
  ['aks-coredns-custom.yaml', custom.data],
  ['an empty coredns-custom (as AKS creates it)', undefined],
])('coredns-custom: %s', (_name, data) => {
  it('adds its own key and leaves the others byte for byte', () => {
    const added = ensureGlobalCustomServer(data, IP);
    expect(added).toMatchObject({ changed: true, action: 'added' });
    expect(added.data).toEqual({
      ...data,
      [CROSSMESH_CUSTOM_SERVER_KEY]: block(IP),
    });
    expect(ensureGlobalCustomServer(added.data, IP)).toEqual({
      data: added.data,
      changed: false,
      action: 'unchanged',
    });
    expect(removeGlobalCustomServer(added.data)).toEqual({
      data: data ?? {},
      changed: true,
    });
    expect(removeGlobalCustomServer(data)).toEqual({
      data: data ?? {},
      changed: false,
    });
  });

  it('updates only the address', () => {
    const added = ensureGlobalCustomServer(data, IP).data;
    const updated = ensureGlobalCustomServer(added, '10.96.0.99');
    expect(updated.action).toBe('updated');
    expect(updated.data[CROSSMESH_CUSTOM_SERVER_KEY]).toBe(block('10.96.0.99'));
  });
});

describe('coredns-custom with hand-written global blocks', () => {
  it('adopts one with the right address', () => {
    const data = {
      'istio.server': `global:53 {\n    errors\n    cache 30\n    forward . ${IP}\n}\n`,
      [CROSSMESH_CUSTOM_SERVER_KEY]: block(IP),
    };
    expect(ensureGlobalCustomServer(data, IP)).toEqual({
      data: { 'istio.server': data['istio.server'] },
      changed: true,
      action: 'adopted',
    });
  });

  it('refuses one that forwards elsewhere', () => {
    const data = {
      'istio.server': 'global:53 {\n    forward . 10.0.0.9\n}\n',
    };
    expect(() => ensureGlobalCustomServer(data, IP)).toThrow(
      /^ConfigMap kube-system\/coredns-custom key "istio\.server" already has a server block for global:53 at line 1 that crossmesh did not write; it forwards to 10\.0\.0\.9, not to istiocoredns at 10\.96\.12\.34:53/,
    );
    expect(() =>
      ensureGlobalCustomServer(
        { 'istio.server': `global:53 {\n    proxy . ${IP}\n}\n` },
        IP,
      ),
    ).toThrow(
      /key "istio\.server" .* its line 2 is "proxy \. 10\.96\.12\.34", and the proxy plugin was removed in CoreDNS 1\.5\.0/,
    );
  });

  it('ignores .override keys and refuses bad addresses', () => {
    const data = { 'log.override': 'log\n' };
    expect(ensureGlobalCustomServer(data, IP).data['log.override']).toBe(
      'log\n',
    );
    expect(() => ensureGlobalCustomServer(data, '1.2.3.4 }')).toThrow(
      /is not an IPv4 or IPv6 address/,
    );
  });
});
