import { leaseTestBed, TestBed, TestCluster } from '@crossmesh/test-bed';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ClusterConnection } from '../../../clusters/clusterConnections';
import { KubernetesClients } from '../../../clusters/KubernetesClients';
import { adminApis, connectionsOf } from '../../../__testUtils__/trustTestKit';
import { CROSSMESH_BLOCK_MARKER } from '../corefile';
import { ClusterDnsWiring, ConfigMapWriteInfo } from './ClusterDnsWiring';

jest.setTimeout(120_000);

async function readConfigMapAsAdmin(
  cluster: TestCluster,
  name: string,
): Promise<V1ConfigMap> {
  const { core } = await adminApis(cluster);
  return core.readNamespacedConfigMap({ name, namespace: 'kube-system' });
}

async function readConfigMapIfAny(
  cluster: TestCluster,
  name: string,
): Promise<V1ConfigMap | undefined> {
  try {
    return await readConfigMapAsAdmin(cluster, name);
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Sets data keys of a kube-system ConfigMap the way `kubectl edit` would. */
async function editAsAdmin(
  cluster: TestCluster,
  name: string,
  change: (cm: V1ConfigMap) => V1ConfigMap,
): Promise<V1ConfigMap> {
  const { core } = await adminApis(cluster);
  const current = await readConfigMapAsAdmin(cluster, name);
  return core.replaceNamespacedConfigMap({
    name,
    namespace: 'kube-system',
    fieldManager: 'kubectl-edit',
    body: change(current),
  });
}

async function istiocorednsIpAsAdmin(cluster: TestCluster): Promise<string> {
  const { core } = await adminApis(cluster);
  const service = await core.readNamespacedService({
    name: 'istiocoredns',
    namespace: 'istio-system',
  });
  return service.spec!.clusterIP!;
}

function crossmeshBlock(ip: string): string {
  return `${CROSSMESH_BLOCK_MARKER}
global:53 {
    errors
    cache 30
    forward . ${ip}:53
}
`;
}

describe('ClusterDnsWiring against real API servers', () => {
  let bed: TestBed;
  let connections: ClusterConnection[];
  let wiring: ClusterDnsWiring;
  let original: string;
  let ip: string;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    connections = connectionsOf(bed);
    wiring = new ClusterDnsWiring(new KubernetesClients());
    original = (await readConfigMapAsAdmin(bed.clusters[0], 'coredns')).data!
      .Corefile;
    ip = await istiocorednsIpAsAdmin(bed.clusters[0]);
  });

  afterAll(async () => {
    await bed?.stop();
  });

  afterEach(async () => {
    if (!bed) return;
    await editAsAdmin(bed.clusters[0], 'coredns', cm => ({
      ...cm,
      data: { Corefile: original },
    }));
  });

  it('adds exactly crossmesh block forwarding to istiocoredns, keeping every other byte', async () => {
    expect(original).toMatch(/^\.:53 \{\n/);
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const result = await wiring.wire(connections[0]);

    expect(result).toEqual({
      cluster: 'cluster-1',
      flavour: 'coredns',
      changed: true,
      action: 'added',
      configMap: 'coredns',
      reason: expect.stringContaining('global:53 server block'),
    });
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.data).toEqual({
      Corefile: `${original}\n${crossmeshBlock(ip)}`,
    });
    expect(
      after.metadata?.managedFields?.some(f => f.manager === 'crossmesh'),
    ).toBe(true);
  });

  it('writes nothing when wired already', async () => {
    await wiring.wire(connections[0]);
    const before = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');

    const again = await wiring.wire(connections[0]);

    expect(again).toEqual({
      cluster: 'cluster-1',
      flavour: 'coredns',
      changed: false,
      action: 'unchanged',
      configMap: 'coredns',
      reason: expect.any(String),
    });
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
  });

  it('unwire gives back the original bytes, and then has nothing to do', async () => {
    await wiring.wire(connections[0]);

    const result = await wiring.unwire(connections[0]);

    expect(result).toEqual({
      cluster: 'cluster-1',
      changed: true,
      configMaps: ['coredns'],
    });
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.data).toEqual({ Corefile: original });

    expect(await wiring.unwire(connections[0])).toEqual({
      cluster: 'cluster-1',
      changed: false,
    });
    const still = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(still.metadata?.resourceVersion).toBe(
      after.metadata?.resourceVersion,
    );
  });

  it('keeps an edit made between its read and its write (409, read again, edit again)', async () => {
    const adminCorefile = original.replace('    reload\n', '    reload 10s\n');
    expect(adminCorefile).not.toBe(original);
    const writes: ConfigMapWriteInfo[] = [];
    const racing = new ClusterDnsWiring(new KubernetesClients(), {
      beforeWrite: async info => {
        writes.push(info);
        if (info.attempt === 1) {
          await editAsAdmin(bed.clusters[0], 'coredns', cm => ({
            ...cm,
            data: { ...cm.data, Corefile: adminCorefile, note: 'by admin' },
          }));
        }
      },
    });

    const result = await racing.wire(connections[0]);

    expect(result).toMatchObject({ changed: true, action: 'added' });
    expect(result.error).toBeUndefined();
    expect(writes).toEqual([
      {
        cluster: 'cluster-1',
        namespace: 'kube-system',
        name: 'coredns',
        attempt: 1,
      },
      {
        cluster: 'cluster-1',
        namespace: 'kube-system',
        name: 'coredns',
        attempt: 2,
      },
    ]);
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.data).toEqual({
      Corefile: `${adminCorefile}\n${crossmeshBlock(ip)}`,
      note: 'by admin',
    });
  });

  it('gives up after a bounded number of conflicts, in words', async () => {
    let n = 0;
    const racing = new ClusterDnsWiring(new KubernetesClients(), {
      writeAttempts: 2,
      beforeWrite: () =>
        editAsAdmin(bed.clusters[0], 'coredns', cm => ({
          ...cm,
          data: { ...cm.data, note: `edit ${++n}` },
        })).then(() => undefined),
    });

    const result = await racing.wire(connections[0]);

    expect(result.changed).toBe(false);
    expect(result.error).toMatch(
      /^crossmesh did not wire \.global DNS in cluster 'cluster-1': ConfigMap kube-system\/coredns changed under crossmesh on each of 2 tries/,
    );
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.data).toEqual({ Corefile: original, note: 'edit 2' });
  });

  it('refuses to touch a hand-written global:53 block that forwards elsewhere', async () => {
    const handWritten = `${original}\nglobal:53 {\n    forward . 10.99.0.53\n}\n`;
    const before = await editAsAdmin(bed.clusters[0], 'coredns', cm => ({
      ...cm,
      data: { Corefile: handWritten },
    }));

    const result = await wiring.wire(connections[0]);

    expect(result).toMatchObject({
      cluster: 'cluster-1',
      flavour: 'coredns',
      changed: false,
      action: 'none',
    });
    expect(result.error).toMatch(
      /^crossmesh did not wire \.global DNS in cluster 'cluster-1'; ConfigMap kube-system\/coredns was left as it is: Corefile already has a server block for global:53 at line \d+ that crossmesh did not write; it forwards to 10\.99\.0\.53/,
    );
    const after = await readConfigMapAsAdmin(bed.clusters[0], 'coredns');
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );

    // unwire leaves the hand-written block alone too.
    expect(await wiring.unwire(connections[0])).toEqual({
      cluster: 'cluster-1',
      changed: false,
    });
  });

  it('writes its own *.server key in coredns-custom on AKS-style clusters, leaving coredns alone', async () => {
    const cluster = bed.clusters[1];
    const { core } = await adminApis(cluster);
    const original2 = (await readConfigMapAsAdmin(cluster, 'coredns')).data!
      .Corefile;
    const coredns = await editAsAdmin(cluster, 'coredns', cm => ({
      ...cm,
      metadata: {
        ...cm.metadata,
        labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' },
      },
      data: {
        Corefile: `${original2}import custom/*.server\n`,
      },
    }));
    await core.createNamespacedConfigMap({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'coredns-custom', namespace: 'kube-system' },
        data: { 'log.override': 'log\n' },
      },
    });
    const ip2 = await istiocorednsIpAsAdmin(cluster);

    try {
      const result = await wiring.wire(connections[1]);

      expect(result).toMatchObject({
        cluster: 'cluster-2',
        flavour: 'coredns-custom',
        changed: true,
        action: 'added',
        configMap: 'coredns-custom',
      });
      expect(result.error).toBeUndefined();
      const custom = await readConfigMapAsAdmin(cluster, 'coredns-custom');
      expect(custom.data).toEqual({
        'log.override': 'log\n',
        'crossmesh-global.server': crossmeshBlock(ip2),
      });
      const corednsAfter = await readConfigMapAsAdmin(cluster, 'coredns');
      expect(corednsAfter.metadata?.resourceVersion).toBe(
        coredns.metadata?.resourceVersion,
      );

      expect(await wiring.unwire(connections[1])).toEqual({
        cluster: 'cluster-2',
        changed: true,
        configMaps: ['coredns-custom'],
      });
      expect(
        (await readConfigMapAsAdmin(cluster, 'coredns-custom')).data,
      ).toEqual({ 'log.override': 'log\n' });
    } finally {
      await core.deleteNamespacedConfigMap({
        name: 'coredns-custom',
        namespace: 'kube-system',
      });
      await editAsAdmin(cluster, 'coredns', cm => ({
        ...cm,
        metadata: { ...cm.metadata, labels: {} },
        data: { Corefile: original2 },
      }));
    }
  });

  it('adds stub domain "global" to kube-dns on GKE-style clusters, creating the ConfigMap', async () => {
    const cluster = bed.clusters[1];
    const { apps, core } = await adminApis(cluster);
    await apps.createNamespacedDeployment({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'kube-dns', namespace: 'kube-system' },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-dns' } },
            spec: { containers: [{ name: 'kubedns', image: 'kube-dns' }] },
          },
        },
      },
    });
    const ip2 = await istiocorednsIpAsAdmin(cluster);

    try {
      const result = await wiring.wire(connections[1]);

      expect(result).toMatchObject({
        cluster: 'cluster-2',
        flavour: 'kube-dns',
        changed: true,
        action: 'added',
        configMap: 'kube-dns',
      });
      expect(result.error).toBeUndefined();
      const kubeDns = await readConfigMapAsAdmin(cluster, 'kube-dns');
      expect(kubeDns.data).toEqual({ stubDomains: `{"global": ["${ip2}"]}` });

      expect(await wiring.wire(connections[1])).toMatchObject({
        changed: false,
        action: 'unchanged',
      });

      expect(await wiring.unwire(connections[1])).toEqual({
        cluster: 'cluster-2',
        changed: true,
        configMaps: ['kube-dns'],
      });
      // It created the ConfigMap, so it deletes it again.
      expect(await readConfigMapIfAny(cluster, 'kube-dns')).toBeUndefined();
    } finally {
      await apps.deleteNamespacedDeployment({
        name: 'kube-dns',
        namespace: 'kube-system',
      });
      if (await readConfigMapIfAny(cluster, 'kube-dns')) {
        await core.deleteNamespacedConfigMap({
          name: 'kube-dns',
          namespace: 'kube-system',
        });
      }
    }
  });

  it('says legacy-global needs istiocoredns when the Service is missing, and writes nothing', async () => {
    const cluster = bed.clusters[1];
    const { core } = await adminApis(cluster);
    const before = await readConfigMapAsAdmin(cluster, 'coredns');
    await core.deleteNamespacedService({
      name: 'istiocoredns',
      namespace: 'istio-system',
    });

    const result = await wiring.wire(connections[1]);

    expect(result).toEqual({
      cluster: 'cluster-2',
      flavour: 'unknown',
      changed: false,
      action: 'none',
      error:
        "crossmesh did not wire .global DNS in cluster 'cluster-2': the legacy-global DNS strategy needs the istiocoredns Service in namespace istio-system, and cluster 'cluster-2' has none; install Istio's istiocoredns addon there, or mesh this cluster with the dns-proxy strategy (Istio 1.8 and later)",
    });
    const after = await readConfigMapAsAdmin(cluster, 'coredns');
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
    expect(await readConfigMapIfAny(cluster, 'kube-dns')).toBeUndefined();
  });

  it('reports a stopped cluster as an error result', async () => {
    await bed.stopCluster('cluster-2');
    try {
      const [up, down, downUnwire] = await Promise.all([
        wiring.wire(connections[0]),
        wiring.wire(connections[1]),
        wiring.unwire(connections[1]),
      ]);

      expect(up).toMatchObject({ changed: true, action: 'added' });
      expect(down).toMatchObject({
        cluster: 'cluster-2',
        flavour: 'unknown',
        changed: false,
        action: 'none',
      });
      expect(down.error).toMatch(
        /^crossmesh did not wire \.global DNS in cluster 'cluster-2': cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
      expect(downUnwire.changed).toBe(false);
      expect(downUnwire.error).toMatch(
        /^crossmesh did not finish removing its \.global DNS wiring from cluster 'cluster-2': cannot reach the API server/,
      );
    } finally {
      await bed.startCluster('cluster-2');
    }
  });
});
