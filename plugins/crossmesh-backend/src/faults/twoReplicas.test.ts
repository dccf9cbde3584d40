import { startTestBed, TestBed } from '@crossmesh/test-bed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildBackend } from './__testUtils__/childBackend';
import {
  crossmeshWrites,
  managedServiceEntries,
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

const REQUESTS = 50;
/** Requests approved on both replicas at the same moment, by two approvers. */
const APPROVED_TWICE = 10;
const describeOnPostgres = postgresConnection() ? describe : describe.skip;

it('has PostgreSQL to run the two-replica faults on in CI', () => {
  expect(!process.env.CI || postgresConnection()).toBeTruthy();
});

describeOnPostgres(
  'Two backend replicas on one PostgreSQL under concurrent approvals',
  () => {
    let bed: TestBed;
    let database: FaultDatabase;
    let replicas: ChildBackend[] = [];
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-faults-'));
      database = freshFaultDatabase();
      bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    });
    afterAll(async () => {
      await Promise.all(replicas.map(r => r.kill()));
      await database?.drop();
      await bed?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('gives one VIP per host, writes each object once and loses no request', async () => {
      replicas = await Promise.all(
        ['replica-a', 'replica-b'].map(name =>
          ChildBackend.start({
            name,
            bed,
            database,
            dir,
            components: REQUESTS,
          }),
        ),
      );
      const [a, b] = replicas;
      const [consumer] = bed.clusters;

      const outcomes = await mapConcurrently(
        Array.from({ length: REQUESTS }, (_, i) => i),
        10,
        async i => {
          const created = await replicas[i % 2].as(OWNER).post('/exposures', {
            entityRef: `component:default/svc-${i}`,
            consumerClusters: ['cluster-1'],
            reason: 'cluster-1 calls it',
          });
          expect(created.status).toBe(201);
          const id = created.body.id;
          if (i < APPROVED_TWICE) {
            const [onA, onB] = await Promise.all([
              a.as(APPROVERS[0]).post(`/exposures/${id}/approve`),
              b.as(APPROVERS[1]).post(`/exposures/${id}/approve`),
            ]);
            return { id, host: created.body.host, answers: [onA, onB] };
          }
          const approved = await replicas[(i + 1) % 2]
            .as(APPROVERS[i % 2])
            .post(`/exposures/${id}/approve`);
          return { id, host: created.body.host, answers: [approved] };
        },
      );

      // Approved twice at once: one approval wins, the other is told it lost.
      const winners = new Map<string, string>();
      for (const { id, answers } of outcomes) {
        const won = answers.filter(x => x.status === 200);
        const lost = answers.filter(x => x.status !== 200);
        expect(won).toHaveLength(1);
        expect(lost.map(x => x.status)).toEqual(
          answers.length === 2 ? [409] : [],
        );
        for (const x of lost) {
          expect(x.body.error.message).toContain(id);
        }
        winners.set(id, won[0].body.decidedBy);
      }

      await eventually(
        `all ${REQUESTS} exposures are active`,
        async () => {
          const active = await a
            .as(APPROVERS[0])
            .get(`/exposures?state=active&limit=${REQUESTS}`);
          expect(active.body.totalCount).toBe(REQUESTS);
        },
        {
          timeoutMs: 60_000,
          intervalMs: 500,
          detail: () => `${a.logTail(20)}\n${b.logTail(20)}`,
        },
      );

      // No request lost; each decided once, by the approval that won.
      const all = (await b.as(APPROVERS[1]).get(`/exposures?limit=100`)).body;
      expect(all.totalCount).toBe(REQUESTS);
      expect(
        Object.fromEntries(all.items.map((r: any) => [r.id, r.decidedBy])),
      ).toEqual(Object.fromEntries(winners));
      const approvals = (
        await a
          .as(APPROVERS[0])
          .get('/audit-events?action=exposure.approved&limit=200')
      ).body;
      expect(approvals.totalCount).toBe(REQUESTS);

      // One VIP per host, unique, the same through both replicas and in each request.
      const vipsOnA = (await a.as(APPROVERS[0]).get('/vips')).body.items;
      const vipsOnB = (await b.as(APPROVERS[1]).get('/vips')).body.items;
      expect(vipsOnB).toEqual(vipsOnA);
      const vipOf = new Map<string, string>(
        vipsOnA.map((v: any) => [v.host, v.address]),
      );
      expect([...vipOf.keys()].sort()).toEqual(
        outcomes.map(o => o.host).sort(),
      );
      expect(new Set(vipOf.values()).size).toBe(REQUESTS);
      for (const r of all.items) {
        expect(r.vip).toBe(vipOf.get(r.host));
      }

      // In the cluster: one ServiceEntry per host with its VIP, each written exactly once.
      const entries = await managedServiceEntries(consumer);
      expect(entries.map(e => e.spec.hosts[0]).sort()).toEqual(
        [...vipOf.keys()].sort(),
      );
      for (const entry of entries) {
        expect(entry.spec.addresses).toEqual([vipOf.get(entry.spec.hosts[0])]);
      }
      const writesPerObject = new Map<string, number>();
      for (const w of crossmeshWrites(consumer, 'serviceentries')) {
        const key = `${w.namespace}/${w.name}`;
        writesPerObject.set(key, (writesPerObject.get(key) ?? 0) + 1);
      }
      expect(writesPerObject.size).toBe(REQUESTS);
      expect([...writesPerObject.values()].every(n => n === 1)).toBe(true);
    });
  },
);
