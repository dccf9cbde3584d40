import { detectDnsFlavour } from './dnsFlavour';
import {
  FixtureConfigMap,
  loadFixtures,
} from '../../__testUtils__/dnsFixtures';

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

  describe('k3s, which re-applies its CoreDNS manifest on every restart', () => {
    const NOT_RECONCILED = /not reconciled by an addon manager/;

    it('is recognised by its Corefile’s import /etc/coredns/custom/*.server alone → coredns-custom (created)', () => {
      const result = detectDnsFlavour({
        corednsConfigMap: get('k3s.yaml'),
        corednsDeploymentPresent: true,
      });
      expect(result).toEqual({
        flavour: 'coredns-custom',
        reason:
          "k3s (its Corefile imports /etc/coredns/custom/*.server, as k3s's manifest does): k3s re-applies ConfigMap kube-system/coredns from its manifest on every restart, so an edit there would be lost. crossmesh creates ConfigMap kube-system/coredns-custom with its own *.server key, which that import reads.",
      });
    });

    it.each([
      [
        'the coredns Deployment’s coredns-custom volume',
        { corednsDeploymentConfigMaps: ['coredns', 'coredns-custom'] },
        'Deployment kube-system/coredns mounts ConfigMap coredns-custom',
      ],
      [
        'its node labels',
        {
          nodes: [
            {
              name: 'server-0',
              labels: { 'node.kubernetes.io/instance-type': 'k3s' },
            },
          ],
        },
        'node server-0 is labelled node.kubernetes.io/instance-type=k3s',
      ],
      [
        'its kubelet version',
        { nodes: [{ name: 'agent-1', kubeletVersion: 'v1.30.6+k3s1' }] },
        'node agent-1 runs kubelet v1.30.6+k3s1',
      ],
      [
        'the k3s deploy controller’s label',
        { labels: { 'objectset.rio.cattle.io/hash': 'ab12' } },
        'ConfigMap kube-system/coredns carries objectset.rio.cattle.io/hash, the label of the k3s deploy controller',
      ],
      [
        'k3s’s %{...}% placeholders',
        { placeholders: true },
        "its Corefile holds %{CLUSTER_DOMAIN}%, a placeholder of k3s's manifest",
      ],
    ])(
      'with a Corefile that imports no custom files, is recognised by %s → unknown, saying why',
      (_label, signs, evidence) => {
        const old = get('k3s-coredns-1.8.3.yaml');
        const { labels, placeholders, ...rest } = signs as {
          labels?: Record<string, string>;
          placeholders?: boolean;
        };
        const corefile = placeholders
          ? old.data!.Corefile.replace('cluster.local', '%{CLUSTER_DOMAIN}%')
          : old.data!.Corefile;
        const result = detectDnsFlavour({
          corednsConfigMap: {
            metadata: { labels },
            data: { Corefile: corefile },
          },
          corednsDeploymentPresent: true,
          ...rest,
        });
        expect(result.flavour).toBe('unknown');
        expect(result.reason).toBe(
          `k3s (${evidence}): k3s re-applies ConfigMap kube-system/coredns from its manifest on every restart, so an edit there would be lost, and this Corefile imports no custom *.server files to write to instead (current k3s imports /etc/coredns/custom/*.server). Upgrade k3s, wire .global DNS by hand, or use the dns-proxy strategy.`,
        );
        expect(result.reason).not.toMatch(NOT_RECONCILED);
      },
    );

    it('with several signs, names them all, and writes to an existing coredns-custom', () => {
      const result = detectDnsFlavour({
        corednsConfigMap: get('k3s.yaml'),
        corednsCustomConfigMap: { data: { 'mine.server': 'x:53 {\n}\n' } },
        corednsDeploymentPresent: true,
        corednsDeploymentConfigMaps: ['coredns', 'coredns-custom'],
        nodes: [{ name: 'server-0', kubeletVersion: 'v1.31.1+k3s1' }],
      });
      expect(result.flavour).toBe('coredns-custom');
      expect(result.reason).toMatch(
        /^k3s \(its Corefile imports \/etc\/coredns\/custom\/\*\.server, as k3s's manifest does; Deployment kube-system\/coredns mounts ConfigMap coredns-custom; node server-0 runs kubelet v1\.31\.1\+k3s1\): .* crossmesh writes its own \*\.server key in ConfigMap kube-system\/coredns-custom, which that import reads\.$/,
      );
    });

    it('a plain kubeadm cluster says what it looked for', () => {
      const result = detectDnsFlavour({
        corednsConfigMap: get('kubeadm.yaml'),
        corednsDeploymentPresent: true,
        corednsDeploymentConfigMaps: ['coredns'],
        nodes: [{ name: 'cp-0', kubeletVersion: 'v1.36.3' }],
      });
      expect(result).toEqual({
        flavour: 'coredns',
        reason:
          'ConfigMap kube-system/coredns holds a Corefile that nothing re-applies (no addonmanager.kubernetes.io/mode: Reconcile label, and no sign of k3s: no /etc/coredns/custom import, coredns-custom volume, %{...}% placeholder, deploy-controller label or k3s node): crossmesh adds its own global:53 server block to it.',
      });
    });
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
