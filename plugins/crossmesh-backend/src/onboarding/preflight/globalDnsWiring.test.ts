import { ensureGlobalServerBlock } from '../../exposure/dns/corefile';
import { ensureGlobalStubDomain } from '../../exposure/dns/stubDomains';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';
import { isGlobalDnsWired } from './globalDnsWiring';

const IP = '10.96.12.34';
const kubeadm = loadFixtures().find(f => f.file === 'kubeadm.yaml')!.data!;

describe('isGlobalDnsWired', () => {
  it('reads a kubeadm Corefile as unwired until crossmesh added its block, and wired after', () => {
    expect(
      isGlobalDnsWired({
        flavour: 'coredns',
        configMapData: kubeadm,
        istiocorednsIp: IP,
      }),
    ).toBe(false);
    const wired = ensureGlobalServerBlock(kubeadm.Corefile, IP).corefile;
    expect(
      isGlobalDnsWired({
        flavour: 'coredns',
        configMapData: { Corefile: wired },
        istiocorednsIp: IP,
      }),
    ).toBe(true);
    // istiocoredns moved: the block forwards to the old address.
    expect(
      isGlobalDnsWired({
        flavour: 'coredns',
        configMapData: { Corefile: wired },
        istiocorednsIp: '10.96.99.99',
      }),
    ).toBe(false);
  });

  it('counts a hand-written block that forwards to istiocoredns as wired, and refuses one that forwards elsewhere', () => {
    const handWritten = `${kubeadm.Corefile}\nglobal:53 {\n    forward . ${IP}:53\n}\n`;
    expect(
      isGlobalDnsWired({
        flavour: 'coredns',
        configMapData: { Corefile: handWritten },
        istiocorednsIp: IP,
      }),
    ).toBe(true);
    expect(() =>
      isGlobalDnsWired({
        flavour: 'coredns',
        configMapData: {
          Corefile: handWritten.replace(`${IP}:53`, '10.0.0.53'),
        },
        istiocorednsIp: IP,
      }),
    ).toThrow('that crossmesh did not write');
  });

  it('reads kube-dns stub domains and a missing coredns-custom ConfigMap', () => {
    const stub = ensureGlobalStubDomain({}, IP).data;
    expect(
      isGlobalDnsWired({
        flavour: 'kube-dns',
        configMapData: stub,
        istiocorednsIp: IP,
      }),
    ).toBe(true);
    expect(
      isGlobalDnsWired({
        flavour: 'kube-dns',
        configMapData: {},
        istiocorednsIp: IP,
      }),
    ).toBe(false);
    expect(
      isGlobalDnsWired({
        flavour: 'coredns-custom',
        configMapData: undefined,
        istiocorednsIp: IP,
      }),
    ).toBe(false);
  });
});
