import { TestCluster } from '@crossmesh/test-bed';
import { remoteSecretName } from '../remoteSecrets';
import {
  DesiredServiceSettings,
  editServiceSettings,
} from '../exposure/meshConfig/serviceSettings';
import { clusterAdmin } from '../__testUtils__/clusterAdmin';
import {
  createNamespace,
  createReadyEndpoint,
  createServices,
} from './__testUtils__/clusterServices';
import {
  joinWithRemoteSecrets,
  sidecarReceives,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.svc.cluster.local';
const SVC2_CLUSTER = `outbound|8000||${SVC2}`;
/** svc-2's one endpoint, in cluster-2 (no kubelet runs: the EndpointSlice is written by hand). */
const SVC2_ENDPOINT = '10.2.0.5';

/**
 * Global by approval only (multi-primary), as istiod reads the mesh config crossmesh's editor
 * writes: every Service is shared mesh-wide until `serviceSettings` makes
 * `*.svc.cluster.local` cluster-local, and an approved host, more specific than the
 * wildcard, is shared again.
 */
describe('serviceSettings as crossmesh writes them, judged by a real istiod', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let cluster1: TestCluster;
  let cluster2: TestCluster;
  let installedMesh: string;

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2'], istiod: true },
      crossmesh: { remoteSecrets: { enabled: true } },
    });
    [cluster1, cluster2] = loop.bed.clusters;
    for (const cluster of loop.bed.clusters) {
      await createNamespace(cluster, 'foo');
    }
    await createServices(cluster2, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
    ]);
    await createReadyEndpoint(
      cluster2,
      { namespace: 'bar', name: 'svc-2' },
      { address: SVC2_ENDPOINT, port: { name: 'http', port: 8000 } },
    );
    // The mesh config the bed installs with istiod, before crossmesh edits it.
    installedMesh = (
      await (
        await clusterAdmin(cluster1)
      ).core.readNamespacedConfigMap({
        name: 'istio',
        namespace: 'istio-system',
      })
    ).data!.mesh;
    await joinWithRemoteSecrets(loop, ['network-1', 'network-1']);
    await (
      await clusterAdmin(cluster1)
    ).core.readNamespacedSecret({
      name: remoteSecretName(cluster2.name),
      namespace: 'istio-system',
    });
  });
  afterAll(async () => {
    await loop?.stop();
  });

  /** Writes cluster-1's mesh config as crossmesh's editor leaves it for `desired`. */
  async function meshConfigFor(
    desired: DesiredServiceSettings,
    text = installedMesh,
  ) {
    const admin1 = await clusterAdmin(cluster1);
    const edit = editServiceSettings(text, desired);
    await admin1.core.patchNamespacedConfigMap(
      {
        name: 'istio',
        namespace: 'istio-system',
        body: { data: { mesh: edit.text } },
      },
      admin1.mergePatch,
    );
    return edit.text;
  }

  const sidecarOfCluster1Gets = (expected: string[], why: string) =>
    sidecarReceives(cluster1, SVC2_CLUSTER, expected, why);

  it('shares every Service mesh-wide until the mesh config says otherwise (multi-primary default)', async () => {
    expect(
      await sidecarOfCluster1Gets(
        [`${SVC2_ENDPOINT}:8000`],
        'no serviceSettings',
      ),
    ).toHaveLength(1);
  });

  it('keeps services in their cluster by default, and shares an approved host again: the specific host wins over the wildcard', async () => {
    await meshConfigFor({ clusterLocal: ['*.svc.cluster.local'], global: [] });
    await sidecarOfCluster1Gets([], 'cluster-local by default');

    const approved = await meshConfigFor({
      clusterLocal: ['*.svc.cluster.local'],
      global: [SVC2],
    });
    await sidecarOfCluster1Gets(
      [`${SVC2_ENDPOINT}:8000`],
      'approved: the specific host is global',
    );

    // A hand-written, more specific wildcard beside crossmesh's entries: the exact host
    // still wins.
    const text = approved.replace(
      '  # crossmesh:end\n',
      '  # crossmesh:end\n  - settings:\n      clusterLocal: true\n    hosts:\n      - "*.bar.svc.cluster.local"\n',
    );
    await meshConfigFor(
      { clusterLocal: ['*.svc.cluster.local'], global: [SVC2] },
      text,
    );
    await sidecarOfCluster1Gets(
      [`${SVC2_ENDPOINT}:8000`],
      `${SVC2} over a hand-written *.bar.svc.cluster.local`,
    );

    // Revoked: the host leaves crossmesh's entries, and svc-2 is cluster-local again.
    await meshConfigFor({ clusterLocal: ['*.svc.cluster.local'], global: [] });
    expect(await sidecarOfCluster1Gets([], 'revoked')).toEqual([]);
  });
});
