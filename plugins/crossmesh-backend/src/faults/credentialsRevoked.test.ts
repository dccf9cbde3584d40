import { RECONCILE_TASK } from '../exposure/reconcile/startReconciling';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildBackend } from './__testUtils__/childBackend';
import { revokeCrossmeshAccess } from './__testUtils__/clusterAccess';
import { managedServiceEntries } from './__testUtils__/clusterObjects';
import { eventually } from '../__testUtils__/eventually';
import { APPROVERS, OWNER } from './__testUtils__/faultCatalog';
import {
  FaultDatabase,
  freshFaultDatabase,
  postgresConnection,
} from './__testUtils__/faultDatabase';

jest.setTimeout(300_000);

const describeOnPostgres = postgresConnection() ? describe : describe.skip;

it('has PostgreSQL to run the credential faults on in CI', () => {
  expect(!process.env.CI || postgresConnection()).toBeTruthy();
});

const hostsOf = async (cluster: TestBed['clusters'][number]) =>
  (await managedServiceEntries(cluster)).map(e => e.spec.hosts[0]).sort();

describeOnPostgres("A cluster's credentials revoked", () => {
  let bed: TestBed;
  let database: FaultDatabase;
  let backend: ChildBackend | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-faults-'));
    database = freshFaultDatabase();
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
  });
  afterAll(async () => {
    await backend?.kill();
    await database?.drop();
    await bed?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives a clear error for that cluster, leaves the others unaffected, and converges once access is back', async () => {
    backend = await ChildBackend.start({
      name: 'backend',
      bed,
      database,
      dir,
      components: 3,
      crossmesh: {
        // Passes run when the test triggers them, so each failure is counted once.
        reconcileIntervalSeconds: 3600,
        reconcileOnChange: false,
        watchClusters: false,
        trust: {
          keyEncryptionSecret: 'a-fault-test-key-encryption-secret-long-enough',
          intermediateKeyType: 'ecdsa-p256',
        },
      },
    });
    const owner = backend.as(OWNER);
    const approver = backend.as(APPROVERS[0]);
    const [cluster1, , cluster3] = bed.clusters;
    const reconcile = () =>
      eventually('a reconcile pass is triggered', async () => {
        const triggered = await approver.post(
          `/.backstage/scheduler/v1/tasks/${RECONCILE_TASK}/trigger`,
        );
        expect(triggered.status).toBe(200);
      });

    expect(
      (await approver.post('/trust/root', { keyType: 'ecdsa-p256' })).status,
    ).toBe(201);
    for (const cluster of bed.clusters) {
      const issued = await approver.post(
        `/trust/clusters/${cluster.name}/intermediate`,
      );
      expect(issued.status).toBe(201);
      expect(issued.body.distribution.error).toBeUndefined();
    }

    const consumersOf = [
      ['cluster-3'],
      ['cluster-1'],
      ['cluster-1', 'cluster-3'],
    ];
    const requests: Array<{ id: string; host: string }> = [];
    for (const [i, consumerClusters] of consumersOf.entries()) {
      const created = await owner.post('/exposures', {
        entityRef: `component:default/svc-${i}`,
        consumerClusters,
        reason: 'they call it',
      });
      expect(created.status).toBe(201);
      expect(
        (await approver.post(`/exposures/${created.body.id}/approve`)).status,
      ).toBe(200);
      requests.push(created.body);
    }

    const restore = await revokeCrossmeshAccess(cluster1);
    try {
      // RBAC changes reach the API server's authorizer a moment after the write.
      const clusters = await eventually(
        'GET /clusters shows cluster-1 refusing crossmesh',
        async () => {
          const answer = await approver.get('/clusters');
          expect(answer.body.items[0].error).toContain('(403)');
          return answer.body.items;
        },
      );
      expect(clusters.map((c: any) => [c.name, c.reachable])).toEqual([
        ['cluster-1', false],
        ['cluster-2', true],
        ['cluster-3', true],
      ]);
      const denied = clusters[0].error as string;
      expect(denied).toContain('User "crossmesh" cannot get resource');
      expect(denied).toContain('in the namespace "istio-system"');
      expect(denied).toContain(
        "grant it to the identity of this cluster's serviceAccountToken",
      );
      expect(clusters[1].error).toBeUndefined();
      expect(clusters[2].error).toBeUndefined();

      await reconcile();
      const [toCluster3, toCluster1, toBoth] = await eventually(
        'a pass has recorded cluster-1 as failed and finished cluster-3',
        async () => {
          const states = await Promise.all(
            requests.map(
              async r => (await approver.get(`/exposures/${r.id}`)).body,
            ),
          );
          // A pass records and moves one request after another, so wait for both.
          expect(states[0].state).toBe('active');
          expect(states[1].clusters).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                cluster: 'cluster-1',
                state: 'failed',
              }),
            ]),
          );
          return states;
        },
      );
      expect(toCluster3.state).toBe('active');
      expect(toCluster1.state).toBe('applying');
      expect(toBoth.state).toBe('applying');
      const failure = toBoth.clusters.find(
        (c: any) => c.cluster === 'cluster-1',
      );
      expect(failure.lastError).toContain('(403)');
      expect(failure.lastError).toContain(
        'cannot list resource "serviceentries" in API group "networking.istio.io"',
      );
      expect(toBoth.clusters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ cluster: 'cluster-3', state: 'applied' }),
        ]),
      );
      expect(await hostsOf(cluster3)).toEqual(
        [requests[0].host, requests[2].host].sort(),
      );

      const distributed = await approver.post('/trust/distribute');
      expect(distributed.status).toBe(200);
      const byCluster = Object.fromEntries(
        distributed.body.items.map((d: any) => [d.cluster, d.error]),
      );
      expect(byCluster['cluster-1']).toContain('(403)');
      expect(byCluster['cluster-1']).toContain('secrets');
      expect(byCluster['cluster-2']).toBeUndefined();
      expect(byCluster['cluster-3']).toBeUndefined();
    } finally {
      await restore();
    }

    await eventually(
      'GET /clusters shows cluster-1 healthy again',
      async () => {
        const answer = await approver.get('/clusters');
        expect(answer.body.items.map((c: any) => c.error)).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      },
    );
    // cluster-1 failed on every pass while revoked, so the reconciler backs off from it
    // (30 s, doubling): keep triggering passes until its retry comes due.
    await eventually(
      'every exposure is active',
      async () => {
        const active = await approver.get('/exposures?state=active');
        if (active.body.totalCount !== 3) {
          await approver.post(
            `/.backstage/scheduler/v1/tasks/${RECONCILE_TASK}/trigger`,
          );
        }
        expect(active.body.totalCount).toBe(3);
      },
      {
        timeoutMs: 150_000,
        intervalMs: 2_000,
        detail: () => backend!.logTail(),
      },
    );
    expect(await hostsOf(cluster1)).toEqual(
      [requests[1].host, requests[2].host].sort(),
    );
    expect(await hostsOf(cluster3)).toEqual(
      [requests[0].host, requests[2].host].sort(),
    );
    const redistributed = await approver.post('/trust/distribute');
    expect(redistributed.body.items.map((d: any) => d.error)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
