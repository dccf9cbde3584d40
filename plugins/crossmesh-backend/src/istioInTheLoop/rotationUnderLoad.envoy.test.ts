import { LoadRecord, RunningWorkload, TestCluster } from '@crossmesh/test-bed';
import { eventually } from '../__testUtils__/eventually';
import {
  DataPlaneLoop,
  SEED_URL,
  startSeedMesh,
} from './__testUtils__/dataPlaneLoop';
import { failed, rootMove, summarize } from './__testUtils__/loadReport';

jest.setTimeout(900_000);

/** Workload certificates live this long (pilot-agent renews them at half of it), so a rotation fits in a test. */
const WORKLOAD_CERT_TTL_SECONDS = 60;
/** The load: this many GETs a second from sleep to svc-2.bar.global, each on a new connection. */
const RATE = 20;
/** No load runs longer than this, whatever happens to the test. */
const LOAD_LIMIT_SECONDS = 600;

const sleepFor = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms));

/**
 * Traffic from sleep in cluster-1 to svc-2 in cluster-2 keeps flowing while crossmesh rotates the
 * mesh's root through every phase, renews an intermediate and onboards a cluster again, with the
 * istiod restarts crossmesh asks for. Everything is driven through crossmesh's HTTP
 * API; the bed's data plane plays the kubelet for the restarts.
 */
describe('traffic through a root rotation, an intermediate renewal and a re-onboarding', () => {
  let loop: DataPlaneLoop;
  let cluster1: TestCluster;
  let cluster2: TestCluster;
  let sleep: RunningWorkload;
  let svc2: RunningWorkload;
  let rootFingerprint: string;
  let lastRotation:
    | {
        seen: Array<{ time: number; peerRoot: string | null }>;
        newRoot: string;
        droppedAt: number;
      }
    | undefined;

  beforeAll(async () => {
    let root: { fingerprintSha256: string };
    ({ loop, root, sleep, svc2 } = await startSeedMesh(
      ['cluster-1', 'cluster-2'],
      { SECRET_TTL: `${WORKLOAD_CERT_TTL_SECONDS}s` },
      // crossmesh is told the lifetime the workloads' certificates have (ADR 0022).
      { trust: { workloadCertificateTtl: `${WORKLOAD_CERT_TTL_SECONDS}s` } },
    ));
    [cluster1, cluster2] = loop.bed.clusters;
    rootFingerprint = root.fingerprintSha256;
  });
  afterAll(async () => {
    await loop?.stop();
  });

  /** Runs `action` under the load, then lets the load go on until `settled` holds; returns what the load recorded. */
  async function underLoad(
    what: string,
    action: () => Promise<void>,
    settled: () => boolean,
  ): Promise<{ records: LoadRecord[]; since: number }> {
    const since = Date.now();
    const load = loop.dataPlane.startLoad(sleep, SEED_URL, {
      rate: RATE,
      maxSeconds: LOAD_LIMIT_SECONDS,
    });
    try {
      await sleepFor(3000);
      await action();
      await eventually(
        `${what} settles`,
        async () => expect(settled()).toBe(true),
        {
          timeoutMs: 4 * WORKLOAD_CERT_TTL_SECONDS * 1000,
          intervalMs: 1000,
        },
      );
    } finally {
      const records = await load.stop();
      process.stdout.write(`${summarize(what, records, since)}\n`);
      // eslint-disable-next-line no-unsafe-finally
      return { records, since };
    }
  }

  /** What svc-2 saw since `since`: the root each caller's chain led to. */
  const seenSince = (since: number) =>
    loop.dataPlane.requestsSeenBy(svc2).filter(r => r.time >= since) as Array<{
      time: number;
      peerRoot: string | null;
    }>;

  /** Under dns-proxy a cacerts write restarts istiod alone, never the gateway (ADR 0022). */
  const expectIstiodRestartsOnly = (distribution: any[]) =>
    expect(distribution.map(d => [d.cluster, d.restarted])).toEqual(
      loop.bed.clusters.map(c => [c.name, ['istiod']]),
    );

  /**
   * Advances the rotation until it reaches `phase`. When crossmesh refuses (409), it says why;
   * the operator waits and asks again, as the API tells them to.
   */
  async function advanceTo(phase: string, refusals: string[]) {
    const deadline = Date.now() + 5 * WORKLOAD_CERT_TTL_SECONDS * 1000;
    for (;;) {
      let answer = await loop.as('carol').post('/trust/rotation/advance');
      if (answer.status === 202) {
        answer = await loop.confirmedByDave(answer.body.confirmation);
      }
      if (answer.status === 200) {
        expect(answer.body.rotation.phase).toBe(phase);
        expectIstiodRestartsOnly(answer.body.distribution);
        return;
      }
      expect(answer.status).toBe(409);
      refusals.push(answer.body.error.message);
      if (Date.now() > deadline) {
        throw new Error(
          `The rotation did not reach ${phase}; crossmesh kept refusing: ${answer.body.error.message}`,
        );
      }
      await sleepFor(5000);
    }
  }

  it('rotates the root under load with no failed request, each phase waiting a workload-certificate lifetime', async () => {
    const refusals: string[] = [];
    let newRoot = '';
    let droppedAt = Infinity;
    const { records, since } = await underLoad(
      'root rotation',
      async () => {
        const asked = await loop
          .as('carol')
          .post('/trust/rotation', { keyType: 'ecdsa-p256' });
        expect(asked.status).toBe(202);
        const started = await loop.confirmedByDave(asked.body.confirmation);
        expect(started.status).toBe(200);
        expectIstiodRestartsOnly(started.body.distribution);
        const state = await loop.as('carol').get('/trust');
        expect(state.body.workloadCertificateTtlSeconds).toBe(
          WORKLOAD_CERT_TTL_SECONDS,
        );
        expect(state.body.rotationWait.mayAdvanceAt).toBeDefined();
        newRoot = state.body.roots.find(
          (r: any) => r.state === 'incoming',
        ).fingerprintSha256;
        await advanceTo('intermediates-moved', refusals);
        await advanceTo('idle', refusals);
        droppedAt = Date.now();
      },
      // A lifetime after the drop: every workload has renewed since, twice over.
      () => Date.now() > droppedAt + (WORKLOAD_CERT_TTL_SECONDS + 10) * 1000,
    );
    process.stdout.write(
      `crossmesh refused to advance ${refusals.length} time(s):\n${[
        ...new Set(refusals),
      ].join('\n')}\n`,
    );

    const seen = seenSince(since);
    const move = rootMove(seen, { old: rootFingerprint, new: newRoot });
    const at = (time?: number) =>
      time ? `+${((time - since) / 1000).toFixed(1)} s` : 'never';
    process.stdout.write(
      `callers' chains as svc-2 saw them: ${move.onOld} on the old root, ${
        move.onNew
      } on the new, ${move.onOther} on neither; first on the new root ${at(
        move.firstOnNew,
      )}, old root dropped ${at(droppedAt)}, last on the old ${at(
        move.lastOnOld,
      )}\n`,
    );
    lastRotation = { seen, newRoot, droppedAt };
    expect(records.filter(failed)).toEqual([]);
    // Each phase waited one workload-certificate lifetime, and said until when.
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'The intermediates may move to the new root at',
        ),
        expect.stringContaining('The old root may be dropped at'),
      ]),
    );
    expect(move.onOther).toBe(0);
    expect(seen[0].peerRoot).toBe(rootFingerprint);
    rootFingerprint = newRoot;
  });

  // Found by this test (ADR 0023): a pooled connection keeps the chain it was opened with, so
  // without a bound on its life, requests went on carrying the old root's chain after the drop.
  // crossmesh bounds it (the consumer DestinationRule's maxConnectionDuration).
  it('callers move to the new root before the drop, and every request after it', () => {
    expect(lastRotation).toBeDefined();
    const { seen, newRoot, droppedAt } = lastRotation!;
    const firstOnNew = seen.find(r => r.peerRoot === newRoot)?.time;
    expect(firstOnNew).toBeLessThan(droppedAt);
    expect(seen.slice(-2 * RATE).every(r => r.peerRoot === newRoot)).toBe(true);
  });

  /** True once a workload-certificate lifetime (and a little) has passed: every workload renewed since. */
  const oneCertificateLifetimeLater = () => {
    const until = Date.now() + (WORKLOAD_CERT_TTL_SECONDS + 10) * 1000;
    return () => Date.now() > until;
  };

  it('renews cluster-2’s intermediate under load with no failed request', async () => {
    const { records } = await underLoad(
      'intermediate renewal of cluster-2',
      async () => {
        const issued = await loop
          .as('carol')
          .post(`/trust/clusters/${cluster2.name}/intermediate`);
        expect(issued.status).toBe(201);
      },
      oneCertificateLifetimeLater(),
    );
    expect(records.filter(failed)).toEqual([]);
  });

  it('onboards cluster-1 again under load with no failed request', async () => {
    const { records } = await underLoad(
      're-onboarding of cluster-1',
      async () => {
        const member = await loop
          .as('carol')
          .put(`/clusters/${cluster1.name}/membership`, {
            network: 'network-1',
          });
        expect(member.status).toBe(200);
        const issued = await loop
          .as('carol')
          .post(`/trust/clusters/${cluster1.name}/intermediate`);
        expect(issued.status).toBe(201);
      },
      oneCertificateLifetimeLater(),
    );
    expect(records.filter(failed)).toEqual([]);
  });
});
