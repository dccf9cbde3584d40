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
  hasSynced,
  joinWithRemoteSecrets,
  revokeExposure,
  serviceComponent,
  sidecarReceives,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.svc.cluster.local';
const SVC2_ENDPOINT = '10.2.0.5';
const REVISION = '1-24';

/**
 * A canary upgrade: every cluster has the default revision's mesh config and revision
 * 1-24's (`istio-1-24`, as `istioctl install --revision 1-24` leaves it), and the istiods
 * that run are revision 1-24's. crossmesh, told of both revisions, keeps its serviceSettings
 * in both, every other byte of each kept; the 1-24 istiods are the judge.
 */
describe('multi-primary with revision-tagged istiods, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let consumer: TestCluster;
  let exporter: TestCluster;
  /** The installer's mesh config per cluster and ConfigMap. */
  const installed = new Map<string, string>();

  const meshConfigOf = async (cluster: TestCluster, name: string) =>
    (
      await (
        await clusterAdmin(cluster)
      ).core.readNamespacedConfigMap({ name, namespace: 'istio-system' })
    ).data!.mesh;

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: {
        clusters: ['cluster-1', 'cluster-2'],
        istiod: { env: { REVISION } },
      },
      crossmesh: {
        strategy: 'multi-primary',
        multiPrimary: { revisions: ['default', REVISION] },
        remoteSecrets: { enabled: true },
      },
      entities: [serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000')],
      beforeCrossmesh: async bed => {
        for (const cluster of bed.clusters) {
          const defaultMesh = await meshConfigOf(cluster, 'istio');
          // What the revision's installer writes: its own header, 4-space lists.
          const revisionMesh = `# Istio revision ${REVISION}\n${defaultMesh.replace(
            /^( +)- /gm,
            '$1  - ',
          )}`;
          await (
            await clusterAdmin(cluster)
          ).core.createNamespacedConfigMap({
            namespace: 'istio-system',
            body: {
              metadata: {
                name: `istio-${REVISION}`,
                labels: { 'istio.io/rev': REVISION },
              },
              data: { mesh: revisionMesh },
            },
          });
          installed.set(`${cluster.name}/istio`, defaultMesh);
          installed.set(`${cluster.name}/istio-${REVISION}`, revisionMesh);
        }
      },
    });
    [consumer, exporter] = loop.bed.clusters;
    await createNamespace(consumer, 'foo');
    await createServices(exporter, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
    ]);
    await createReadyEndpoint(
      exporter,
      { namespace: 'bar', name: 'svc-2' },
      { address: SVC2_ENDPOINT, port: { name: 'http', port: 8000 } },
    );
    await joinWithRemoteSecrets(loop, ['network-1', 'network-1']);
    await hasSynced(consumer, exporter);
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const REVISIONS = ['istio', `istio-${REVISION}`];
  const consumerMeshConfigs = () =>
    Promise.all(REVISIONS.map(name => meshConfigOf(consumer, name)));
  /** Each of the consumer's mesh configs as its installer wrote it plus crossmesh's entries. */
  const installedPlus = (global: string[]) =>
    REVISIONS.map(
      name =>
        editServiceSettings(installed.get(`${consumer.name}/${name}`)!, {
          clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
          global,
        }).text,
    );

  const sidecarGets = (expected: string[], why: string) =>
    sidecarReceives(consumer, `outbound|8000||${SVC2}`, expected, why);

  it("keeps crossmesh's entries in both revisions' mesh configs; the revision's istiod keeps svc-2 in its cluster", async () => {
    await loop.reconcilePass();
    expect(await consumerMeshConfigs()).toEqual(installedPlus([]));
    expect(
      await sidecarGets([], 'cluster-local by default, read from istio-1-24'),
    ).toEqual([]);
  });

  it("after approval, revision 1-24's istiod sends svc-2's endpoint; after revoke, none", async () => {
    const request = await exposeAndApply(loop, {
      service: 'svc-2',
      consumerClusters: [consumer.name],
      reason: 'sleep in cluster-1 calls svc-2',
    });
    expect(await consumerMeshConfigs()).toEqual(installedPlus([SVC2]));
    expect(await sidecarGets([`${SVC2_ENDPOINT}:8000`], 'approved')).toEqual([
      `${SVC2_ENDPOINT}:8000`,
    ]);

    await revokeExposure(loop, request.id);
    expect(await consumerMeshConfigs()).toEqual(installedPlus([]));
    expect(await sidecarGets([], 'revoked')).toEqual([]);
  });
});
