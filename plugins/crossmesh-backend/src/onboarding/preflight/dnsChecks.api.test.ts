import { PreflightCheck } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
  usersWithDefaultOnPlatformTeam,
} from '../../__testUtils__/testBackend';
import { adminApis } from '../../__testUtils__/trustTestKit';

jest.setTimeout(180_000);

const k3sCorefile = loadFixtures().find(f => f.file === 'k3s.yaml')!.data!
  .Corefile;

describe('preflight of a k3s cluster’s DNS (real API server)', () => {
  let bed: TestBed;
  let call: CrossmeshTestBackend['call'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    const started = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
    });
    call = started.call;
    stop = started.stop;

    // k3s as it runs: its Corefile (no deploy-controller label on the ConfigMap), its
    // coredns Deployment with the optional coredns-custom volume, and a k3s node.
    const { core, apps } = await adminApis(bed.clusters[0]);
    const coredns = await core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });
    await core.replaceNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
      body: { ...coredns, data: { Corefile: k3sCorefile } },
    });
    await apps.createNamespacedDeployment({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'coredns' },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-dns' } },
            spec: {
              containers: [{ name: 'coredns', image: 'coredns:1.11.3' }],
              volumes: [
                { name: 'config-volume', configMap: { name: 'coredns' } },
                {
                  name: 'custom-config-volume',
                  configMap: { name: 'coredns-custom', optional: true },
                },
              ],
            },
          },
        },
      },
    });
    await core.createNode({
      body: {
        metadata: {
          name: 'k3s-server-0',
          labels: { 'node.kubernetes.io/instance-type': 'k3s' },
        },
      },
    });
  });
  afterAll(async () => {
    await stop?.();
    await bed?.stop();
  });

  const checks = async () => {
    const response = await call('get', '/clusters/cluster-1/preflight');
    expect(response.status).toBe(200);
    return Object.fromEntries(
      (response.body.checks as PreflightCheck[]).map(c => [c.id, c]),
    );
  };

  it('says it is k3s and why, wires coredns-custom, and never calls it unreconciled', async () => {
    const before = await checks();
    expect(before['dns-flavour']).toMatchObject({
      status: 'pass',
      detail:
        "coredns-custom: k3s (its Corefile imports /etc/coredns/custom/*.server, as k3s's manifest does; Deployment kube-system/coredns mounts ConfigMap coredns-custom; node k3s-server-0 is labelled node.kubernetes.io/instance-type=k3s): k3s re-applies ConfigMap kube-system/coredns from its manifest on every restart, so an edit there would be lost. crossmesh creates ConfigMap kube-system/coredns-custom with its own *.server key, which that import reads.",
    });
    expect(before['dns-wiring']).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(
        'ConfigMap kube-system/coredns-custom does not forward .global names',
      ),
    });

    expect(
      (
        await call('put', '/clusters/cluster-1/membership', {
          network: 'network-1',
        })
      ).status,
    ).toBe(201);
    expect((await call('post', '/clusters/cluster-1/dns')).status).toBe(200);

    const after = await checks();
    expect(after['dns-flavour'].detail).toMatch(
      /^coredns-custom: k3s \(.*\): .* crossmesh writes its own \*\.server key in ConfigMap kube-system\/coredns-custom, which that import reads\.$/,
    );
    expect(after['dns-wiring']).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(
        /^ConfigMap kube-system\/coredns-custom forwards \.global names to istiocoredns at /,
      ),
    });
    for (const check of Object.values(after)) {
      expect(check.detail).not.toMatch(/not reconciled by an addon manager/);
    }
    const { core } = await adminApis(bed.clusters[0]);
    expect(
      (
        await core.readNamespacedConfigMap({
          name: 'coredns',
          namespace: 'kube-system',
        })
      ).data,
    ).toEqual({ Corefile: k3sCorefile });
  });
});
