import {
  DataPlane,
  RunningWorkload,
  TestCluster,
  seedWorkloads,
} from '@crossmesh/test-bed';
import { eventually } from '../../__testUtils__/eventually';
import { exposeAndApply, serviceComponent, startIstioLoop } from './istioLoop';

/** The seed's check, as the multicluster guide ends: from sleep, svc-2 by its `.global` name. */
export const SEED_URL = 'http://svc-2.bar.global:8000/';
export const SLEEP_IDENTITY = 'spiffe://cluster.local/ns/foo/sa/sleep';

/** What curl did: its exit code (6: could not resolve the host, 7: could not connect), output and error. */
export interface CurlResult {
  exitCode: number;
  status?: number;
  body: string;
  stderr: string;
}

/** curl run in a workload's node, as `kubectl exec sleep -- curl` would. */
export async function curlFrom(
  dataPlane: DataPlane,
  from: RunningWorkload,
  url: string,
  extraArgs: string[] = [],
): Promise<CurlResult> {
  const result = await dataPlane.exec(from, 'curl', [
    '-sS',
    '--max-time',
    '10',
    '-w',
    '\n%{http_code}',
    ...extraArgs,
    url,
  ]);
  const lines = result.stdout.split('\n');
  const status = Number(lines.pop());
  return {
    exitCode: result.code,
    status: status || undefined,
    body: lines.join('\n'),
    stderr: result.stderr.trim(),
  };
}

/**
 * A bed with a data plane (network, DNS, gateways; workloads come later, as a team deploys
 * them after the platform team set the mesh up) and the real crossmesh backend over it.
 */
export async function startDataPlaneLoop(
  clusters: string[],
  proxyEnv: Record<string, string> = {},
  crossmesh?: Parameters<typeof startIstioLoop>[0]['crossmesh'],
) {
  const loop = await startIstioLoop({
    bed: { clusters, dataPlane: { workloads: [], proxyEnv } },
    entities: [serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000')],
    crossmesh,
  });
  return { ...loop, dataPlane: loop.bed.dataPlane! };
}

export type DataPlaneLoop = Awaited<ReturnType<typeof startDataPlaneLoop>>;

/**
 * The platform team's set-up through crossmesh: each cluster joins, one root, an intermediate
 * per cluster (crossmesh writes cacerts and restarts istiod and the gateway).
 */
export async function joinMesh(loop: DataPlaneLoop, clusters: TestCluster[]) {
  for (const [index, cluster] of clusters.entries()) {
    const member = await loop
      .as('carol')
      .put(`/clusters/${cluster.name}/membership`, {
        network: `network-${index + 1}`,
      });
    expect([200, 201]).toContain(member.status);
  }
  const root = await loop
    .as('carol')
    .post('/trust/root', { keyType: 'ecdsa-p256' });
  expect(root.status).toBe(201);
  for (const cluster of clusters) {
    const issued = await loop
      .as('carol')
      .post(`/trust/clusters/${cluster.name}/intermediate`);
    expect(issued.status).toBe(201);
  }
  for (const cluster of clusters) {
    await loop.dataPlane.gateway(cluster.name).settled();
  }
  return root.body as { certPem: string; fingerprintSha256: string };
}

/** The seed's workloads (sleep in foo on cluster-1, svc-2 in bar on cluster-2), started. */
export async function deploySeedWorkloads(loop: DataPlaneLoop) {
  const [sleep, svc2] = await Promise.all(
    seedWorkloads.map(w => loop.dataPlane.addWorkload(w)),
  );
  return { sleep, svc2 };
}

/** bob asks for svc-2 in foo of `consumers`; carol approves; one reconcile pass applies it. */
export function exposeSvc2(loop: DataPlaneLoop, consumers: string[]) {
  return exposeAndApply(loop, {
    service: 'svc-2',
    consumerClusters: consumers,
    reason: 'sleep calls svc-2, as in the multicluster guide',
  });
}

/**
 * Connections an Envoy opened to the hosts of one of its clusters, from its admin /clusters
 * (Istio's stats filter keeps per-cluster stats out of /stats).
 */
export async function upstreamConnections(
  dataPlane: DataPlane,
  target: Pick<RunningWorkload, 'node'>,
  cluster: string,
): Promise<number> {
  const clusters = await dataPlane.envoyAdmin(target, '/clusters');
  return clusters
    .split('\n')
    .filter(
      line => line.startsWith(`${cluster}::`) && line.includes('::cx_total::'),
    )
    .reduce((sum, line) => sum + Number(line.split('::').pop()), 0);
}

/**
 * What each Envoy on the path holds for the seed's host: sleep's cluster for svc-2.bar.global
 * (the remote gateway, its connection failures), the gateway's SNI cluster (the pod it resolved).
 * For failure messages.
 */
export async function describeSeedPath(loop: DataPlaneLoop): Promise<string> {
  const { dataPlane } = loop;
  const lines = async (target: Pick<RunningWorkload, 'node'>, prefix: string) =>
    (await dataPlane.envoyAdmin(target, '/clusters').catch(e => String(e)))
      .split('\n')
      .filter(
        line =>
          line.startsWith(prefix) &&
          /::(cx_total|cx_connect_fail|hostname|health_flags)::/.test(line),
      )
      .join('\n');
  const sleep = dataPlane.workload('cluster-1', 'foo', 'sleep');
  const gateway = dataPlane.gateway('cluster-2').pod;
  return [
    `sleep's Envoy:\n${await lines(sleep, 'outbound|8000||svc-2.bar.global')}`,
    gateway
      ? `cluster-2's gateway (${gateway.node.netns}):\n${await lines(
          gateway,
          'outbound_.8000_._.svc-2.bar.global',
        )}`
      : 'cluster-2 has no gateway pod',
  ].join('\n');
}

/**
 * Waits until sleep's curl of the seed's URL gets svc-2's answer, and returns that answer; on
 * timeout it says what curl got last and what each Envoy on the path holds.
 */
export async function seedAnswers(loop: DataPlaneLoop, from: RunningWorkload) {
  let report = '';
  return eventually(
    'sleep reaches svc-2.bar.global',
    async () => {
      const result = await curlFrom(loop.dataPlane, from, SEED_URL);
      if (result.exitCode !== 0 || result.status !== 200) {
        report = await describeSeedPath(loop);
        throw new Error(
          `curl exited ${result.exitCode}, HTTP ${result.status}: ${result.body} ${result.stderr}`,
        );
      }
      return result;
    },
    { timeoutMs: 60_000, intervalMs: 500, detail: () => report },
  );
}

/**
 * The seed's mesh, set up through crossmesh: every cluster of the bed joins (one root, an
 * intermediate each), sleep and svc-2 run, svc-2 is exposed to foo of cluster-1 and answers.
 */
export async function startSeedMesh(
  clusters: string[],
  proxyEnv: Record<string, string> = {},
  crossmesh?: Parameters<typeof startIstioLoop>[0]['crossmesh'],
) {
  const loop = await startDataPlaneLoop(clusters, proxyEnv, crossmesh);
  try {
    const root = await joinMesh(loop, loop.bed.clusters);
    const { sleep, svc2 } = await deploySeedWorkloads(loop);
    const exposure = await exposeSvc2(loop, ['cluster-1']);
    await seedAnswers(loop, sleep);
    return { loop, root, exposure, sleep, svc2 };
  } catch (error) {
    await loop.stop();
    throw error;
  }
}
