import { TestDatabases } from '@backstage/backend-test-utils';
import { startTestBed, TestBed } from '@crossmesh/test-bed';
import {
  insertApprovedRequest,
  managedObjects,
  migratedDatabase,
  reconcilerFor,
} from '../../__testUtils__/reconcilerFixture';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const EXPOSURES = 150;

async function managedHosts(cluster: TestBed['clusters'][number]) {
  return (await managedObjects(cluster, 'serviceentries')).map(
    e => e.spec.hosts[0] as string,
  );
}

describe('ExposureReconciler when an API server fails', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('reports a server stopped mid-apply, and converges after the restart with nothing lost or duplicated', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const { reconciler, store } = reconcilerFor(bed, knex, {
      timeoutMs: 5_000,
      // This test retries right after the restart; backoff has its own test below.
      backoff: { baseMs: 0, maxMs: 0 },
    });
    for (let i = 0; i < EXPOSURES; i++) {
      await insertApprovedRequest(store, `r-${i}`, `svc-${i}`);
    }

    // Stop cluster-1's API server once some, but not all, ServiceEntries are written.
    const pass = reconciler.reconcile();
    for (let waited = 0; waited < 60_000; waited += 50) {
      const written = await managedHosts(bed.clusters[0]).catch(() => []);
      if (written.length > 0) break;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    await bed.stopCluster('cluster-1');
    const interrupted = await pass;
    const cluster1 = interrupted.clusters.find(c => c.cluster === 'cluster-1')!;
    expect(cluster1.error).toBeDefined();
    expect(cluster1.applied).toBeLessThan(EXPOSURES);
    const failed = await store.listRequests({
      states: ['applying'],
      limit: 500,
      offset: 0,
    });
    expect(failed.totalCount).toBe(EXPOSURES);
    expect(failed.items[0].clusters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          cluster: 'cluster-1',
          state: 'failed',
          lastError: expect.any(String),
        }),
      ]),
    );

    await bed.startCluster('cluster-1');
    let report = await reconciler.reconcile();
    for (let i = 0; i < 5 && report.clusters.some(c => c.error); i++) {
      // The restarted API server may still be initialising its storage.
      await new Promise(resolve => setTimeout(resolve, 2_000));
      report = await reconciler.reconcile();
    }
    expect(report.clusters.map(c => c.error)).toEqual([undefined, undefined]);

    const hosts = await managedHosts(bed.clusters[0]);
    expect(hosts).toHaveLength(EXPOSURES);
    expect(new Set(hosts).size).toBe(EXPOSURES);
    const active = await store.listRequests({
      states: ['active'],
      limit: 500,
      offset: 0,
    });
    expect(active.totalCount).toBe(EXPOSURES);
    expect(new Set(active.items.map(r => r.vip)).size).toBe(EXPOSURES);
    const steady = await reconciler.reconcile();
    expect(steady.clusters.map(c => c.writes)).toEqual([0, 0]);
  });

  it('backs off a cluster that keeps failing and retries it when its time comes', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    let t = Date.parse('2030-01-01T00:00:00Z');
    const { reconciler } = reconcilerFor(bed, knex, {
      timeoutMs: 5_000,
      now: () => new Date(t),
      backoff: { baseMs: 30_000, maxMs: 120_000 },
    });
    const cluster1 = async () =>
      (await reconciler.reconcile()).clusters.find(
        c => c.cluster === 'cluster-1',
      )!;

    await bed.stopCluster('cluster-1');
    try {
      expect((await cluster1()).error).toContain('ECONNREFUSED');
      t += 1_000;
      expect((await cluster1()).error).toContain('ECONNREFUSED');
      t += 1_000;
      const skipped = await cluster1();
      expect(skipped.error).toContain('backing off after 2 failed passes');
      expect(skipped.reads).toBe(0);
      t += 30_000;
      expect((await cluster1()).error).toContain('ECONNREFUSED');
      t += 30_000;
      expect((await cluster1()).error).toContain(
        'backing off after 3 failed passes',
      );
    } finally {
      await bed.startCluster('cluster-1');
    }
    t += 60_000;
    let back = await cluster1();
    for (let i = 0; i < 5 && back.error; i++) {
      // The restarted API server may still be initialising its storage; move the clock
      // past any backoff so the retry really reaches it.
      await new Promise(resolve => setTimeout(resolve, 2_000));
      t += 200_000;
      back = await cluster1();
    }
    expect(back.error).toBeUndefined();
  });
});
