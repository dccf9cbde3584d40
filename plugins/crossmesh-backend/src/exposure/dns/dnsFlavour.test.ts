import { detectDnsFlavour } from './dnsFlavour';
import { FixtureConfigMap, loadFixtures } from './__testUtils__/fixtures';

const fixtures = new Map<string, FixtureConfigMap>(
  loadFixtures().map(f => [f.file, f]),
);
const get = (file: string) => fixtures.get(file)!;

describe('detectDnsFlavour', () => {
  it.each(['kubeadm.yaml', 'kind.yaml', 'minikube.yaml', 'eks.yaml'])(
    '%s → coredns',
    file => {
      const result = detectDnsFlavour({
        corednsConfigMap: get(file),
        corednsDeploymentPresent: true,
      });
      expect(result.flavour).toBe('coredns');
      expect(result.reason).toMatch(/global:53 server block/);
    },
  );

  it('k3s without the k3s deploy-controller label → coredns', () => {
    expect(
      detectDnsFlavour({ corednsConfigMap: get('k3s.yaml') }).flavour,
    ).toBe('coredns');
  });

  it('AKS → coredns-custom', () => {
    const result = detectDnsFlavour({
      corednsConfigMap: get('aks-coredns.yaml'),
      corednsCustomConfigMap: get('aks-coredns-custom.yaml'),
      corednsDeploymentPresent: true,
    });
    expect(result.flavour).toBe('coredns-custom');
    expect(result.reason).toMatch(
      /addonmanager\.kubernetes\.io\/mode: Reconcile/,
    );
  });

  it('AKS before coredns-custom exists → coredns-custom (created)', () => {
    const result = detectDnsFlavour({
      corednsConfigMap: get('aks-coredns.yaml'),
    });
    expect(result.flavour).toBe('coredns-custom');
    expect(result.reason).toMatch(
      /creates ConfigMap kube-system\/coredns-custom/,
    );
  });

  it('a reconciled Corefile without imports → unknown', () => {
    const cm = get('kubeadm.yaml');
    const result = detectDnsFlavour({
      corednsConfigMap: {
        ...cm,
        metadata: {
          labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' },
        },
      },
    });
    expect(result.flavour).toBe('unknown');
    expect(result.reason).toMatch(/reverted/);
  });

  it('GKE → kube-dns', () => {
    expect(
      detectDnsFlavour({
        kubeDnsConfigMap: get('gke-kube-dns.yaml'),
        kubeDnsDeploymentPresent: true,
      }).flavour,
    ).toBe('kube-dns');
    expect(
      detectDnsFlavour({ kubeDnsConfigMap: get('kube-dns-stubdomains.yaml') })
        .flavour,
    ).toBe('kube-dns');
  });

  it('kube-dns running beside a leftover coredns ConfigMap → kube-dns', () => {
    expect(
      detectDnsFlavour({
        corednsConfigMap: get('kubeadm.yaml'),
        kubeDnsDeploymentPresent: true,
        corednsDeploymentPresent: false,
      }).flavour,
    ).toBe('kube-dns');
  });

  it('nothing recognisable → unknown', () => {
    expect(detectDnsFlavour({}).flavour).toBe('unknown');
    expect(detectDnsFlavour({ corednsConfigMap: { data: {} } }).reason).toMatch(
      /no Corefile key/,
    );
  });
});
