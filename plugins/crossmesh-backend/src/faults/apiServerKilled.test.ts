import { TestDatabases } from '@backstage/backend-test-utils';
import { ExposureRequestState } from '@crossmesh/backstage-plugin-crossmesh-common';
import { startTestBed, TestBed } from '@crossmesh/test-bed';
import {
  insertApprovedRequest,
  migratedDatabase,
  reconcilerFor,
} from '../__testUtils__/reconcilerFixture';
import { DatabaseExposureStore } from '../exposure/store/DatabaseExposureStore';
import {
  managedServiceEntries,
  watchFirstServiceEntry,
} from './__testUtils__/clusterObjects';
import { eventually } from '../__testUtils__/eventually';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
// PostgreSQL when the environment provides one (CI does), else SQLite.
const databaseId = databases.eachSupportedId()[0][0];
const EXPOSURES = 60;

const hostOf = (name: string) => `${name}.bar.global`;

async function requestsIn(
  store: DatabaseExposureStore,
  state: ExposureRequestState,
) {
  const page = await store.listRequests({
    states: [state],
    limit: 1000,
    offset: 0,
  });
  return page.items;
}

describe('An API server killed mid-reconcile, then restarted', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('runs on PostgreSQL when CI provides one', () => {
    expect(!process.env.CI || databaseId === 'POSTGRES_15').toBe(true);
  });

  it('converges every exposure; nothing duplicated; no VIP leaked or reused', async () => {
    const knex = await migratedDatabase(databases, databaseId);
    const { reconciler, store } = reconcilerFor(bed, knex, {
      timeoutMs: 5_000,
      backoff: { baseMs: 0, maxMs: 0 },
    });
    const [consumer] = bed.clusters;
    for (let i = 0; i < EXPOSURES; i++) {
      await insertApprovedRequest(store, `r-${i}`, `svc-${i}`);
    }
    for (const id of ['p-0', 'p-1']) {
      await insertApprovedRequest(store, id, `pending-${id}`, {
        state: 'pending',
        vip: null,
        decidedBy: null,
        decidedAt: null,
      });
    }
    // insertApprovedRequest allocates like approval does; a pending request holds no VIP.
    await store.releaseVip(hostOf('pending-p-0'));
    await store.releaseVip(hostOf('pending-p-1'));

    const watch = await watchFirstServiceEntry(consumer);
    const pass = reconciler.reconcile();
    try {
      await watch.firstCreated;
    } finally {
      watch.stop();
    }
    await bed.killCluster('cluster-1');
    const interrupted = (await pass).clusters.find(
      c => c.cluster === 'cluster-1',
    )!;
    expect(interrupted.error).toBeDefined();
    expect(interrupted.applied).toBeLessThan(EXPOSURES);

    // While cluster-1 is down: revoke ten half-applied exposures, reject the pending
    // requests, approve ten more and revoke two of those before anything applied them.
    for (let i = 0; i < 10; i++) {
      expect(
        await store.transitionRequest(`r-${i}`, 'applying', 'revoking'),
      ).toBe(true);
    }
    for (const id of ['p-0', 'p-1']) {
      expect(await store.transitionRequest(id, 'pending', 'rejected')).toBe(
        true,
      );
    }
    for (let i = 0; i < 10; i++) {
      await insertApprovedRequest(store, `n-${i}`, `new-${i}`);
    }
    for (const id of ['n-0', 'n-1']) {
      expect(await store.transitionRequest(id, 'approved', 'revoking')).toBe(
        true,
      );
    }
    const down = await reconciler.reconcile();
    expect(down.clusters.find(c => c.cluster === 'cluster-1')?.error).toContain(
      'ECONNREFUSED',
    );
    // cluster-1 may still hold the revoked ServiceEntries, so their VIPs stay taken.
    const heldWhileDown = await store.listVips();
    for (let i = 0; i < 10; i++) {
      expect(heldWhileDown.map(v => v.host)).toContain(hostOf(`svc-${i}`));
    }
    expect(new Set(heldWhileDown.map(v => v.address)).size).toBe(
      heldWhileDown.length,
    );

    await bed.startCluster('cluster-1');
    // The restarted API server may still be initialising its storage.
    await eventually('a pass converges both clusters', async () => {
      const report = await reconciler.reconcile();
      expect(report.clusters.map(c => c.error)).toEqual([undefined, undefined]);
    });

    const active = await requestsIn(store, 'active');
    const activeHosts = active.map(r => r.host).sort();
    const expectedActive = [
      ...Array.from({ length: EXPOSURES - 10 }, (_, i) => `svc-${i + 10}`),
      ...Array.from({ length: 8 }, (_, i) => `new-${i + 2}`),
    ]
      .map(hostOf)
      .sort();
    expect(activeHosts).toEqual(expectedActive);
    expect((await requestsIn(store, 'revoked')).map(r => r.id).sort()).toEqual(
      ['n-0', 'n-1', ...Array.from({ length: 10 }, (_, i) => `r-${i}`)].sort(),
    );
    expect((await requestsIn(store, 'rejected')).map(r => r.id).sort()).toEqual(
      ['p-0', 'p-1'],
    );

    // The stored VIPs: exactly one per active host, each the request's, none shared.
    const vips = await store.listVips();
    expect(vips.map(v => v.host).sort()).toEqual(expectedActive);
    expect(new Set(vips.map(v => v.address)).size).toBe(vips.length);
    const vipOf = new Map(vips.map(v => [v.host, v.address]));
    for (const r of active) {
      expect(r.vip).toBe(vipOf.get(r.host));
    }

    // The cluster: one ServiceEntry per active host, carrying exactly that VIP.
    const entries = await managedServiceEntries(consumer);
    expect(entries.map(e => e.spec.hosts[0]).sort()).toEqual(expectedActive);
    for (const entry of entries) {
      expect(entry.spec.addresses).toEqual([vipOf.get(entry.spec.hosts[0])]);
    }

    const steady = await reconciler.reconcile();
    expect(steady.clusters.map(c => c.writes)).toEqual([0, 0]);
  });
});
