import { TestDatabases } from '@backstage/backend-test-utils';
import { startTestBed, TestBed, TestCluster } from '@crossmesh/test-bed';
import {
  insertApprovedRequest,
  managedObjects,
  migratedDatabase,
  watchingReplicaFor,
} from '../__testUtils__/reconcilerFixture';
import { revokeCrossmeshAccess } from './__testUtils__/clusterAccess';
import { eventually } from '../__testUtils__/eventually';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
// PostgreSQL when the environment provides one (CI does), else SQLite.
const databaseId = databases.eachSupportedId()[0][0];

type Replica = Awaited<ReturnType<typeof watchingReplicaFor>>;

const hosts = async (cluster: TestCluster) =>
  (await managedObjects(cluster, 'serviceentries'))
    .map(e => e.spec.hosts[0] as string)
    .sort();

async function deleteByHand(cluster: TestCluster, host: string) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const entry = (await managedObjects(cluster, 'serviceentries')).find(
    e => e.spec.hosts[0] === host,
  );
  await kubeConfig
    .makeApiClient(k8s.CustomObjectsApi)
    .deleteNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural: 'serviceentries',
      namespace: entry.metadata.namespace,
      name: entry.metadata.name,
    });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const watchesOf = (replica: Replica, cluster: string) =>
  replica.watches.status().filter(w => w.cluster === cluster);

const untilWatching = (replica: Replica) =>
  eventually('every watch is in sync', async () => {
    expect(replica.watches.status().filter(w => !w.synced)).toEqual([]);
  });

describe('Watches of the clusters', () => {
  let bed: TestBed;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterEach(() => {
    for (const r of replicas.splice(0)) r.stop();
  });
  afterAll(async () => {
    await bed?.stop();
  });

  /** A replica on a fresh database whose watches are in sync, and one request applied. */
  async function watchingReplicaWithApplied(id: string, name: string) {
    const knex = await migratedDatabase(databases, databaseId);
    const replica = await watchingReplicaFor(bed, knex);
    replicas.push(replica);
    await insertApprovedRequest(replica.store, id, name);
    await untilWatching(replica);
    replica.trigger.request('approved');
    await eventually('the approval is applied', async () =>
      expect(await hosts(bed.clusters[0])).toContain(`${name}.bar.global`),
    );
    return replica;
  }

  it('runs on PostgreSQL when CI provides one', () => {
    expect(!process.env.CI || databaseId === 'POSTGRES_15').toBe(true);
  });

  it('repair a hand-deleted ServiceEntry, and survive an API server restart: re-listed after 410 Gone, a change made meanwhile converged', async () => {
    const replica = await watchingReplicaWithApplied('r-0', 'svc-0');
    const [cluster1] = bed.clusters;
    expect(await hosts(cluster1)).toEqual(['svc-0.bar.global']);

    // Only the watch can bring it back: there is no timer here.
    await deleteByHand(cluster1, 'svc-0.bar.global');
    await eventually('the watch repairs the delete', async () =>
      expect(await hosts(cluster1)).toEqual(['svc-0.bar.global']),
    );

    await bed.stopCluster('cluster-1');
    await eventually('the watches see the server gone', async () =>
      expect(watchesOf(replica, 'cluster-1').some(w => !w.synced)).toBe(true),
    );
    // Changed while cluster-1's watches are down, with no trigger of its own.
    await insertApprovedRequest(replica.store, 'r-1', 'svc-1');
    await bed.startCluster('cluster-1');

    await eventually(
      'the re-established watches converge the change',
      async () =>
        expect(await hosts(cluster1)).toEqual([
          'svc-0.bar.global',
          'svc-1.bar.global',
        ]),
    );
    await untilWatching(replica);
    const serviceEntries = watchesOf(replica, 'cluster-1').find(
      w => w.watch === 'serviceentries',
    )!;
    const after = serviceEntries.history.map(h => h.what);
    // The break is recorded; the watch resumed from its last version, which the restarted
    // server no longer has (410 Gone), so it listed again.
    expect(after).toContain('failed');
    expect(after.slice(after.lastIndexOf('expired'))).toEqual([
      'expired',
      'listed',
    ]);
    expect((await replica.store.getRequest('r-1'))?.state).toBe('active');

    await deleteByHand(cluster1, 'svc-1.bar.global');
    await eventually('the delete after the restart is repaired too', async () =>
      expect(await hosts(cluster1)).toEqual([
        'svc-0.bar.global',
        'svc-1.bar.global',
      ]),
    );
  });

  it("ask for no pass on the echoes of crossmesh's own writes, and for one on a hand delete", async () => {
    const replica = await watchingReplicaWithApplied('r-echo', 'svc-echo');
    const [cluster1] = bed.clusters;
    const entry = (await managedObjects(cluster1, 'serviceentries')).find(
      e => e.spec.hosts[0] === 'svc-echo.bar.global',
    );
    const key = `${entry.metadata.namespace}/${entry.metadata.name}`;
    const passesFor = (event: string) =>
      replica.causes.filter(c => c === `cluster-1: ${event} ${key}`).length;
    // The watch of cluster-1 saw the approval's write come back (it holds the object)...
    await eventually('the watch holds the written ServiceEntry', async () =>
      expect(
        replica.watches
          .managedObjects('cluster-1')
          ?.some(o => o.metadata.name === entry.metadata.name),
      ).toBe(true),
    );
    await sleep(1_000);
    // ...and asked for no pass for it.
    expect(passesFor('ADDED')).toBe(0);

    await deleteByHand(cluster1, 'svc-echo.bar.global');
    await eventually('the watch repairs the delete', async () =>
      expect(await hosts(cluster1)).toContain('svc-echo.bar.global'),
    );
    await sleep(1_000);
    expect(passesFor('DELETED')).toBe(1);
    // The repair's own write came back as ADDED, and asked for nothing.
    expect(passesFor('ADDED')).toBe(0);
  });

  it('re-establish a watch whose credentials were revoked, and converge what changed meanwhile', async () => {
    const replica = await watchingReplicaWithApplied('c-0', 'cred-0');
    const [cluster1] = bed.clusters;

    const restore = await revokeCrossmeshAccess(cluster1);
    try {
      // An open watch outlives a revoked binding; a restart makes it ask again, and be refused.
      await bed.stopCluster('cluster-1');
      await bed.startCluster('cluster-1');
      await eventually('the watch is refused', async () => {
        const history = watchesOf(replica, 'cluster-1').find(
          w => w.watch === 'serviceentries',
        )!.history;
        expect(history[history.length - 1]).toMatchObject({
          what: 'failed',
          detail: expect.stringContaining('403'),
        });
      });
      // The restarted API server may still be initialising its storage (429).
      await eventually('deleted by hand while the watch is refused', () =>
        deleteByHand(cluster1, 'cred-0.bar.global'),
      );
    } finally {
      await restore();
    }

    await eventually('the watch is back and repairs the delete', async () =>
      expect(await hosts(cluster1)).toContain('cred-0.bar.global'),
    );
  });

  it('two replicas: a change on the replica without the lease is converged by the one holding it', async () => {
    const knex = await migratedDatabase(databases, databaseId);
    const holder = await watchingReplicaFor(bed, knex, { watch: false });
    const other = await watchingReplicaFor(bed, knex, { watch: false });
    replicas.push(holder, other);
    const [cluster1] = bed.clusters;
    for (let i = 0; i < 150; i++) {
      await insertApprovedRequest(holder.store, `h-${i}`, `held-${i}`);
    }
    const pass = holder.reconciler.reconcile();
    await eventually(
      'the holder is writing',
      async () =>
        expect((await hosts(cluster1)).some(h => h.startsWith('held-'))).toBe(
          true,
        ),
      { intervalMs: 20 },
    );

    await insertApprovedRequest(other.store, 'late', 'late');
    const skipped = await other.reconciler.reconcile({ wanted: true });
    expect(skipped.skipped).toBe('another replica is reconciling');

    // No timer runs; the holder sees the counter moved and runs one more pass.
    const report = await pass;
    expect(report.passes).toBeGreaterThanOrEqual(2);
    expect(await hosts(cluster1)).toContain('late.bar.global');
    expect((await holder.store.getRequest('late'))?.state).toBe('active');
  });

  it('the timer alone converges everything while every watch is down', async () => {
    const knex = await migratedDatabase(databases, databaseId);
    const replica = await watchingReplicaFor(bed, knex);
    replicas.push(replica);
    const [cluster1] = bed.clusters;
    await insertApprovedRequest(replica.store, 't-0', 'timer-0');
    await untilWatching(replica);
    await replica.trigger.timerPass();
    expect(await hosts(cluster1)).toContain('timer-0.bar.global');

    replica.watches.stop();
    expect(replica.watches.managedObjects('cluster-1')).toBeUndefined();
    await deleteByHand(cluster1, 'timer-0.bar.global');
    await insertApprovedRequest(replica.store, 't-1', 'timer-1');

    const report = await replica.trigger.timerPass();
    expect(report.clusters.map(c => c.error)).toEqual([undefined, undefined]);
    expect(await hosts(cluster1)).toEqual(
      expect.arrayContaining(['timer-0.bar.global', 'timer-1.bar.global']),
    );
    expect((await replica.store.getRequest('t-1'))?.state).toBe('active');
  });
});
