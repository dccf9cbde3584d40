import { TestCluster } from '@crossmesh/test-bed';
import {
  CLUSTER_LOCAL_BY_DEFAULT,
  editServiceSettings,
} from '../exposure/meshConfig/serviceSettings';
import { clusterAdmin } from '../__testUtils__/clusterAdmin';
import {
  createNamespace,
  createReadyEndpoint,
  createServices,
} from './__testUtils__/clusterServices';
import {
  exposeAndApply,
  revokeExposure,
  hasSynced,
  joinWithRemoteSecrets,
  serviceComponent,
  sidecarReceives,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.svc.cluster.local';
const SVC2_CLUSTER = `outbound|8000||${SVC2}`;
/** svc-2's one endpoint, in cluster-2. */
const SVC2_ENDPOINT = '10.2.0.5';

/**
 * The multi-primary strategy end to end: crossmesh keeps remote secrets so each istiod reads
 * the other clusters, keeps every Service cluster-local, and an approved exposure makes the
 * Service's own name global in the consumer clusters' mesh configs only, judged by what real
 * istiods send a sidecar.
 */
describe('multi-primary exposures, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let consumer: TestCluster;
  let exporter: TestCluster;
  let bystander: TestCluster;
  const installedMesh = new Map<string, string>();

  const meshConfigOf = async (cluster: TestCluster) =>
    (
      await (
        await clusterAdmin(cluster)
      ).core.readNamespacedConfigMap({
        name: 'istio',
        namespace: 'istio-system',
      })
    ).data!.mesh;

  /** The clusters whose mesh config crossmesh has changed so far, one entry per write. */
  const meshConfigWrites = async (): Promise<string[]> =>
    (
      await loop
        .as('carol')
        .get('/audit-events?action=cluster.mesh-config-changed&limit=100')
    ).body.items
      .map((e: { clusterName: string }) => e.clusterName)
      .sort();

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2', 'cluster-3'], istiod: true },
      crossmesh: {
        strategy: 'multi-primary',
        remoteSecrets: { enabled: true },
      },
      entities: [serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000')],
      // crossmesh's first pass writes the mesh configs at once.
      beforeCrossmesh: async bed => {
        for (const cluster of bed.clusters) {
          installedMesh.set(cluster.name, await meshConfigOf(cluster));
        }
      },
    });
    [consumer, exporter, bystander] = loop.bed.clusters;
    for (const cluster of loop.bed.clusters) {
      await createNamespace(cluster, 'foo');
    }
    await createServices(exporter, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
    ]);
    await createReadyEndpoint(
      exporter,
      { namespace: 'bar', name: 'svc-2' },
      { address: SVC2_ENDPOINT, port: { name: 'http', port: 8000 } },
    );
    await joinWithRemoteSecrets(loop, ['network-1', 'network-1', 'network-1']);
    await Promise.all(
      [consumer, bystander].map(cluster => hasSynced(cluster, exporter)),
    );
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const sidecarGets = (cluster: TestCluster, expected: string[], why: string) =>
    sidecarReceives(cluster, SVC2_CLUSTER, expected, why);

  it('before any approval, a sidecar of another cluster receives none of svc-2, and the mesh configs keep every other byte', async () => {
    await loop.reconcilePass();
    expect(await meshConfigWrites()).toEqual([
      'cluster-1',
      'cluster-2',
      'cluster-3',
    ]);
    for (const cluster of loop.bed.clusters) {
      expect(await meshConfigOf(cluster)).toBe(
        editServiceSettings(installedMesh.get(cluster.name)!, {
          clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
          global: [],
        }).text,
      );
    }
    await sidecarGets(consumer, [], 'cluster-local by default');
    await sidecarGets(bystander, [], 'cluster-local by default');
    // A second pass finds nothing to write.
    await loop.reconcilePass();
    expect(await meshConfigWrites()).toHaveLength(3);
  });

  let request: { id: string };

  it("after approval, the consumer cluster's sidecar receives svc-2's endpoint in cluster-2, and a cluster not approved still receives none", async () => {
    request = await exposeAndApply(loop, {
      service: 'svc-2',
      consumerClusters: [consumer.name],
      reason: 'sleep in cluster-1 calls svc-2',
    });
    expect(await meshConfigOf(consumer)).toBe(
      editServiceSettings(installedMesh.get(consumer.name)!, {
        clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
        global: [SVC2],
      }).text,
    );
    // What the approver was shown is what the consumer's mesh config holds, and no Istio
    // object is rendered for any cluster.
    const preview = await loop
      .as('carol')
      .get(`/exposures/${request.id}/preview`);
    expect(preview.body.clusters).toEqual([
      {
        cluster: consumer.name,
        role: 'consumer',
        yaml: '',
        meshConfig: `- settings:\n    clusterLocal: false\n  hosts:\n    - "${SVC2}"\n`,
      },
    ]);
    const indented = preview.body.clusters[0].meshConfig
      .trimEnd()
      .split('\n')
      .map((line: string) => `  ${line}`)
      .join('\n');
    expect(await meshConfigOf(consumer)).toContain(indented);
    await sidecarGets(consumer, [`${SVC2_ENDPOINT}:8000`], 'approved');
    await sidecarGets(bystander, [], 'not a consumer');
    // Only the consumer's mesh config changed for it.
    expect(await meshConfigWrites()).toEqual([
      'cluster-1',
      'cluster-1',
      'cluster-2',
      'cluster-3',
    ]);
  });

  it("after revoke, svc-2 is cluster-local in the consumer's mesh config again and its sidecar receives none", async () => {
    await revokeExposure(loop, request.id);
    expect(await meshConfigOf(consumer)).toBe(
      editServiceSettings(installedMesh.get(consumer.name)!, {
        clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
        global: [],
      }).text,
    );
    await sidecarGets(consumer, [], 'revoked');
  });

  it('refuses to contradict a hand-written entry, naming its line and the fix, and the request does not turn active', async () => {
    const admin1 = await clusterAdmin(consumer);
    const text = `${installedMesh.get(
      consumer.name,
    )}serviceSettings:\n  - settings:\n      clusterLocal: true\n    hosts:\n      - ${SVC2}\n`;
    await admin1.core.patchNamespacedConfigMap(
      {
        name: 'istio',
        namespace: 'istio-system',
        body: { data: { mesh: text } },
      },
      admin1.mergePatch,
    );
    const created = await loop.as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: [consumer.name],
      consumerNamespaces: ['foo'],
      reason: 'again',
    });
    expect(created.status).toBe(201);
    await loop.as('carol').post(`/exposures/${created.body.id}/approve`);
    await loop.reconcilePass();
    // The refused pass left the mesh config as it was.
    expect(await meshConfigOf(consumer)).toBe(text);
    const line = text.split('\n').indexOf(`      - ${SVC2}`) + 1;
    const status = (await loop.as('carol').get('/reconcile/status')).body
      .items as Array<{ cluster: string; ok: boolean; error: string | null }>;
    const ofConsumer = status.find(s => s.cluster === consumer.name)!;
    expect(ofConsumer.ok).toBe(false);
    expect(ofConsumer.error).toContain(
      `ConfigMap istio-system/istio in cluster-1: The mesh config sets ${SVC2} clusterLocal: true by hand on line ${line}`,
    );
    expect(ofConsumer.error).toMatch(/remove .* from that entry/);
    expect(status.find(s => s.cluster === exporter.name)!.ok).toBe(true);
    const after = await loop.as('bob').get(`/exposures/${created.body.id}`);
    expect(after.body.state).toBe('applying');
  });
});
