import { startTestBed, TestBed } from '@crossmesh/test-bed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReconcileLease } from '../exposure/reconcile/ReconcileLease';
import { ChildBackend } from './__testUtils__/childBackend';
import {
  crossmeshWrites,
  managedServiceEntries,
  watchFirstServiceEntry,
} from './__testUtils__/clusterObjects';
import { mapConcurrently } from './__testUtils__/concurrently';
import { eventually } from '../__testUtils__/eventually';
import { APPROVERS, OWNER } from './__testUtils__/faultCatalog';
import {
  FaultDatabase,
  freshFaultDatabase,
  postgresConnection,
} from './__testUtils__/faultDatabase';

jest.setTimeout(150_000);

const EXPOSURES = 100;
const describeOnPostgres = postgresConnection() ? describe : describe.skip;

it('has PostgreSQL to run the backend-process faults on in CI', () => {
  expect(!process.env.CI || postgresConnection()).toBeTruthy();
});

describeOnPostgres('The backend process killed mid-apply and restarted', () => {
  let bed: TestBed;
  let database: FaultDatabase;
  let backend: ChildBackend | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-faults-'));
    database = freshFaultDatabase();
    bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterAll(async () => {
    await backend?.kill();
    await database?.drop();
    await bed?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the work from the database: every exposure active, nothing duplicated, VIPs unchanged', async () => {
    backend = await ChildBackend.start({
      name: 'backend',
      bed,
      database,
      dir,
      components: EXPOSURES,
    });
    const owner = backend.as(OWNER);
    const approver = backend.as(APPROVERS[0]);
    const [consumer] = bed.clusters;

    const requests = await mapConcurrently(
      Array.from({ length: EXPOSURES }, (_, i) => i),
      8,
      async i => {
        const created = await owner.post('/exposures', {
          entityRef: `component:default/svc-${i}`,
          consumerClusters: ['cluster-1'],
          reason: 'cluster-1 calls it',
        });
        expect(created.status).toBe(201);
        return created.body;
      },
    );

    // Held the way another replica would hold it, so that one pass starts with every
    // request approved and is still writing when the process dies.
    const lease = new ReconcileLease(database.client());
    await eventually('the test holds the reconcile lease', async () => {
      expect(await lease.tryAcquire('fault-test', 120_000)).toBe(true);
    });
    const approvedVips = new Map<string, string>();
    await mapConcurrently(requests, 8, async r => {
      const approved = await approver.post(`/exposures/${r.id}/approve`);
      expect(approved.status).toBe(200);
      approvedVips.set(r.host, approved.body.vip);
    });

    const watch = await watchFirstServiceEntry(consumer);
    await lease.release('fault-test');
    try {
      await watch.firstCreated;
    } finally {
      watch.stop();
    }
    await backend.kill();

    const written = await managedServiceEntries(consumer);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(EXPOSURES);

    await backend.restart();
    await eventually(
      `all ${EXPOSURES} exposures are active after the restart`,
      async () => {
        const active = await approver.get(
          `/exposures?state=active&limit=${EXPOSURES}`,
        );
        expect(active.body.totalCount).toBe(EXPOSURES);
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        detail: () => backend!.logTail(),
      },
    );

    // No request lost, each with the VIP its approval gave it.
    const all = await approver.get(`/exposures?limit=${EXPOSURES + 10}`);
    expect(all.body.totalCount).toBe(EXPOSURES);
    for (const r of all.body.items) {
      expect(r.vip).toBe(approvedVips.get(r.host));
    }
    const vips = (await approver.get('/vips')).body.items;
    expect(
      Object.fromEntries(vips.map((v: any) => [v.host, v.address])),
    ).toEqual(Object.fromEntries(approvedVips));
    expect(new Set(vips.map((v: any) => v.address)).size).toBe(EXPOSURES);

    // One ServiceEntry per host, carrying its VIP, and each written exactly once.
    const entries = await managedServiceEntries(consumer);
    expect(entries.map(e => e.spec.hosts[0]).sort()).toEqual(
      [...approvedVips.keys()].sort(),
    );
    for (const entry of entries) {
      expect(entry.spec.addresses).toEqual([
        approvedVips.get(entry.spec.hosts[0]),
      ]);
    }
    const writesPerObject = new Map<string, number>();
    for (const w of crossmeshWrites(consumer, 'serviceentries')) {
      const key = `${w.namespace}/${w.name}`;
      writesPerObject.set(key, (writesPerObject.get(key) ?? 0) + 1);
    }
    expect(writesPerObject.size).toBe(EXPOSURES);
    expect([...writesPerObject.values()].every(n => n === 1)).toBe(true);
  });
});
