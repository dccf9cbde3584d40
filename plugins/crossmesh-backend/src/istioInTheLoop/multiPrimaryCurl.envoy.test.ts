import { RunningWorkload, seedWorkloads } from '@crossmesh/test-bed';
import { REMOTE_SECRETS_TASK } from '../remoteSecrets';
import { clusterAdmin } from '../__testUtils__/clusterAdmin';
import { eventually } from '../__testUtils__/eventually';
import { ISTIO_READER_FILE, loadRbacFile } from '../__testUtils__/rbacFile';
import {
  CurlResult,
  DataPlaneLoop,
  SLEEP_IDENTITY,
  curlFrom,
  exposeSvc2,
  startDataPlaneLoop,
} from './__testUtils__/dataPlaneLoop';
import { revokeExposure } from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const URL = 'http://svc-2.bar.svc.cluster.local:8000/';

/**
 * The multi-primary strategy, for real: sleep in cluster-1 curls svc-2 by its own
 * `svc.cluster.local` name; svc-2 runs only in cluster-2, on the same network, and crossmesh
 * keeps the remote secrets and the mesh configs. Real istiods, real Envoys.
 */
describe('multi-primary: curl by the cluster.local name, through real Envoys', () => {
  let loop: DataPlaneLoop;
  let sleep: RunningWorkload;
  let svc2: RunningWorkload;

  beforeAll(async () => {
    loop = await startDataPlaneLoop(
      ['cluster-1', 'cluster-2'],
      {},
      {
        strategy: 'multi-primary',
        remoteSecrets: { enabled: true },
      },
    );
    for (const cluster of loop.bed.clusters) {
      await (
        await clusterAdmin(cluster)
      ).applyAll(loadRbacFile(ISTIO_READER_FILE).manifests);
      const member = await loop
        .as('carol')
        .put(`/clusters/${cluster.name}/membership`, { network: 'network-1' });
      if (![200, 201].includes(member.status)) {
        throw new Error(`membership of ${cluster.name}: ${member.text}`);
      }
    }
    const root = await loop
      .as('carol')
      .post('/trust/root', { keyType: 'ecdsa-p256' });
    if (root.status !== 201) throw new Error(`root: ${root.text}`);
    for (const cluster of loop.bed.clusters) {
      const issued = await loop
        .as('carol')
        .post(`/trust/clusters/${cluster.name}/intermediate`);
      if (issued.status !== 201) throw new Error(`issue: ${issued.text}`);
    }
    await loop.runTask(REMOTE_SECRETS_TASK);
    // istiod here listens on the bed's bridge, where it serves /debug only to a token, so
    // the registry is not polled: the answer after approval shows cluster-2 was synced, and
    // the refusal after revoke that the refusal is crossmesh's doing.
    // svc-2's Service has a ClusterIP, as most Services do: istiod then gives each sidecar
    // its endpoints by EDS, which is what serviceSettings governs.
    [sleep, svc2] = await Promise.all(
      seedWorkloads.map(w =>
        loop.dataPlane.addWorkload(
          w.name === 'svc-2' ? { ...w, clusterIp: true } : w,
        ),
      ),
    );
    await loop.reconcilePass();
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const curl = () => curlFrom(loop.dataPlane, sleep, URL);
  /**
   * The sidecar's DNS proxy resolves the name (istiod knows the Service from cluster-2's
   * registry), but while it is cluster-local istiod sends sleep's Envoy none of its endpoints.
   */
  const noEndpoints: Partial<CurlResult> = {
    exitCode: 0,
    status: 503,
    body: 'no healthy upstream',
  };

  let exposure: { id: string };

  it('fails before approval: svc-2 stays in cluster-2', async () => {
    expect(await curl()).toMatchObject(noEndpoints);
    expect(loop.dataPlane.requestsSeenBy(svc2)).toEqual([]);
  });

  it('answers from svc-2 in cluster-2 over mTLS once the exposure is approved', async () => {
    exposure = await exposeSvc2(loop, ['cluster-1']);
    const answered = await eventually(
      `curl ${URL} from sleep answers`,
      async () => {
        const result = await curl();
        if (result.exitCode !== 0 || result.status !== 200) {
          throw new Error(JSON.stringify(result));
        }
        return result;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    process.stdout.write(
      `curl ${URL} from sleep (cluster-1):\n${answered.body}\n`,
    );
    expect(JSON.parse(answered.body)).toMatchObject({
      service: 'svc-2',
      namespace: 'bar',
      cluster: 'cluster-2',
      caller: SLEEP_IDENTITY,
    });
    expect(loop.dataPlane.requestsSeenBy(svc2).pop()).toMatchObject({
      caller: SLEEP_IDENTITY,
      cluster: 'cluster-2',
    });
  });

  it('fails again after revoke', async () => {
    await revokeExposure(loop, exposure.id);
    await eventually(
      "svc-2's endpoints are gone from sleep's Envoy",
      async () => expect(await curl()).toMatchObject(noEndpoints),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // Once istiod has pushed, the refusal comes from sleep's Envoy: svc-2 sees no request.
    const seen = loop.dataPlane.requestsSeenBy(svc2).length;
    expect(await curl()).toMatchObject(noEndpoints);
    expect(loop.dataPlane.requestsSeenBy(svc2)).toHaveLength(seen);
  });

  it('cannot keep a headless Service in its cluster: its pods are reached without approval (ADR 0035)', async () => {
    const headless = await loop.dataPlane.addWorkload({
      cluster: 'cluster-2',
      namespace: 'bar',
      name: 'svc-h',
      app: 'echo',
      ports: [{ name: 'http', port: 8000 }],
    });
    // Never exposed, cluster-local by crossmesh's default: the DNS proxy still answers with
    // the pod's address, and one network carries the call.
    const answered = await eventually(
      'svc-h answers from cluster-1',
      async () => {
        const result = await curlFrom(
          loop.dataPlane,
          sleep,
          'http://svc-h.bar.svc.cluster.local:8000/',
        );
        if (result.status !== 200) throw new Error(JSON.stringify(result));
        return result;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(JSON.parse(answered.body)).toMatchObject({
      service: 'svc-h',
      cluster: 'cluster-2',
      caller: SLEEP_IDENTITY,
    });
    expect(loop.dataPlane.requestsSeenBy(headless)).toHaveLength(1);
  });
});
