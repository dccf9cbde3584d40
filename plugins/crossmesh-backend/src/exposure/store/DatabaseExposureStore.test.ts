import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  ExposureClusterStatus,
  ExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import knexFactory, { Knex } from 'knex';
import {
  ALLOCATABLE_VIP_COUNT,
  allocateVip,
  isAllocatableVip,
} from '../vip/allocateVip';
import { ipv4ToNumber, numberToIpv4 } from '../vip/ipv4';
import { DatabaseExposureStore } from './DatabaseExposureStore';
import { databaseExposureTransaction } from './ExposureTransaction';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = {
  directory: resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  ),
};
const TABLES = [
  'exposure_requests',
  'exposure_request_consumers',
  'exposure_request_clusters',
  'vip_allocations',
];

function request(
  id: string,
  overrides: Partial<ExposureRequest> = {},
): ExposureRequest {
  return {
    id,
    entityRef: 'component:default/svc-2',
    service: {
      name: 'svc-2',
      namespace: 'bar',
      ports: [
        { name: 'http', number: 8080 },
        { name: 'grpc-api', number: 9090 },
      ],
    },
    sourceCluster: 'cluster-2',
    consumerClusters: ['cluster-3', 'cluster-1'],
    consumerNamespaces: [],
    reason: 'The checkout in cluster-1 calls it',
    endDate: null,
    state: 'pending',
    host: 'svc-2.bar.global',
    vip: null,
    requestedBy: 'user:default/alice',
    requestedAt: '2026-11-25T10:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
    clusters: [],
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

const status = (
  cluster: string,
  role: ExposureClusterStatus['role'],
  overrides: Partial<ExposureClusterStatus> = {},
): ExposureClusterStatus => ({
  cluster,
  role,
  state: 'pending',
  lastError: null,
  updatedAt: '2026-11-25T11:00:00.000Z',
  ...overrides,
});

/** Always the lowest free address above 240.0.0.0: every concurrent allocator collides. */
const lowestFree = (inUse: ReadonlySet<number>) => {
  let value = ipv4ToNumber('240.0.0.1');
  while (inUse.has(value)) value++;
  return numberToIpv4(value);
};

/**
 * The real allocator, started at the same point for every host, 100 addresses below
 * 240.240.0.0/16: every concurrent allocator collides, and half of them must jump the range.
 */
const nearIstioRange = (inUse: ReadonlySet<number>) => {
  const index = ipv4ToNumber('240.239.255.156') - ipv4ToNumber('240.0.0.1');
  return allocateVip(inUse, {
    random: () => (index + 0.5) / ALLOCATABLE_VIP_COUNT,
  }).address;
};

describe('DatabaseExposureStore', () => {
  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return { knex, store: new DatabaseExposureStore(knex) };
    }

    async function countRows(knex: Knex, table: string) {
      const [{ n }] = await knex(table).count({ n: '*' });
      return Number(n);
    }

    describe('requests', () => {
      it('round-trips requests exactly, with their cluster statuses', async () => {
        const { store } = await createStore();
        const full = request('req-1', {
          consumerClusters: ['cluster-3', 'cluster-1', 'cluster-10'],
          consumerNamespaces: ['checkout', 'payments'],
          reason: 'Ünïcode, "quotes" and\nnew lines',
          endDate: '2027-01-31T23:59:59.999Z',
          state: 'active',
          vip: '240.12.0.7',
          decidedBy: 'user:default/bob',
          decidedAt: '2026-11-25T10:30:00.123Z',
          decisionComment: 'ok until the end of January',
          // Given out of order: they come back ordered by cluster, then role.
          clusters: [
            status('cluster-3', 'consumer', { state: 'applied' }),
            status('cluster-2', 'exporter', {
              state: 'failed',
              lastError: 'gateway not found',
              updatedAt: '2026-11-25T11:00:00.001Z',
            }),
            status('cluster-2', 'consumer'),
            status('cluster-1', 'consumer', { state: 'removed' }),
          ],
          updatedAt: '2026-11-25T12:00:00.456Z',
        });
        const minimal = request('req-2', {
          service: { name: 'svc-3', namespace: 'foo', ports: [] },
          consumerClusters: [],
          host: 'svc-3.foo.global',
        });
        await store.insertRequest(full);
        await store.insertRequest(minimal);

        const expected = {
          ...full,
          clusters: [
            status('cluster-1', 'consumer', { state: 'removed' }),
            status('cluster-2', 'consumer'),
            status('cluster-2', 'exporter', {
              state: 'failed',
              lastError: 'gateway not found',
              updatedAt: '2026-11-25T11:00:00.001Z',
            }),
            status('cluster-3', 'consumer', { state: 'applied' }),
          ],
        };
        expect(await store.getRequest('req-1')).toEqual(expected);
        expect(await store.getRequest('req-2')).toEqual(minimal);
        expect(await store.getRequest('req-3')).toBeUndefined();
        // Same requestedAt: the higher id comes first.
        expect(
          (await store.listRequests({ limit: 10, offset: 0 })).items,
        ).toEqual([minimal, expected]);
      });

      it('refuses a second request with the same id and writes none of it', async () => {
        const { knex, store } = await createStore();
        await store.insertRequest(request('req-1'));
        await expect(
          store.insertRequest(
            request('req-1', { clusters: [status('cluster-9', 'consumer')] }),
          ),
        ).rejects.toThrow();
        expect(await countRows(knex, 'exposure_request_clusters')).toBe(0);
        expect(await countRows(knex, 'exposure_request_consumers')).toBe(2);
      });
    });

    describe('listing', () => {
      // Newest first: r5, r4, r3, r2 and r1 share a timestamp so id breaks the tie, r0.
      const seeded = [
        request('r0', {
          requestedAt: '2026-11-20T10:00:00.000Z',
          state: 'revoked',
          sourceCluster: 'cluster-10',
          consumerClusters: ['cluster-2'],
        }),
        request('r1', {
          requestedAt: '2026-11-21T10:00:00.000Z',
          state: 'active',
          consumerClusters: ['cluster-10'],
        }),
        request('r2', {
          requestedAt: '2026-11-21T10:00:00.000Z',
          state: 'pending',
          entityRef: 'component:default/svc-3',
          host: 'svc-3.bar.global',
          requestedBy: 'user:default/bob',
          consumerClusters: ['cluster-1', 'cluster-3'],
        }),
        request('r3', {
          requestedAt: '2026-11-22T10:00:00.000Z',
          state: 'rejected',
          sourceCluster: 'cluster-1',
          consumerClusters: ['cluster-3'],
        }),
        request('r4', {
          requestedAt: '2026-11-23T10:00:00.000Z',
          state: 'pending',
          requestedBy: 'user:default/bob',
          consumerClusters: ['cluster-11', 'cluster-3'],
          clusters: [status('cluster-11', 'consumer')],
        }),
        request('r5', {
          requestedAt: '2026-11-24T09:59:59.999Z',
          state: 'approved',
          consumerClusters: ['cluster-1'],
        }),
      ];
      const byId = Object.fromEntries(seeded.map(r => [r.id, r]));
      const ids = (items: ExposureRequest[]) => items.map(r => r.id);

      async function seed() {
        const created = await createStore();
        // Inserted out of order so that the listing order cannot come from insertion.
        for (const id of ['r2', 'r0', 'r5', 'r1', 'r4', 'r3']) {
          await created.store.insertRequest(byId[id]);
        }
        return created;
      }

      it('lists newest first, with limit, offset and the total count', async () => {
        const { store } = await seed();
        const all = await store.listRequests({ limit: 100, offset: 0 });
        expect(ids(all.items)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
        expect(all.totalCount).toBe(6);
        expect(all.items[1]).toEqual(byId.r4);

        const pages = [];
        for (let offset = 0; offset < 8; offset += 4) {
          pages.push(await store.listRequests({ limit: 4, offset }));
        }
        expect(pages.map(p => ids(p.items))).toEqual([
          ['r5', 'r4', 'r3', 'r2'],
          ['r1', 'r0'],
        ]);
        expect(pages.map(p => p.totalCount)).toEqual([6, 6]);
        expect(await store.listRequests({ limit: 2, offset: 10 })).toEqual({
          items: [],
          totalCount: 6,
        });
      });

      it('filters by states, entity and requester', async () => {
        const { store } = await seed();
        const list = async (query: object) => {
          const result = await store.listRequests({
            limit: 100,
            offset: 0,
            ...query,
          });
          return { ids: ids(result.items), totalCount: result.totalCount };
        };

        expect(await list({ states: ['pending'] })).toEqual({
          ids: ['r4', 'r2'],
          totalCount: 2,
        });
        expect(
          await list({ states: ['approved', 'active', 'revoked'] }),
        ).toEqual({ ids: ['r5', 'r1', 'r0'], totalCount: 3 });
        expect(await list({ states: [] })).toEqual({ ids: [], totalCount: 0 });
        expect(await list({ entityRef: 'component:default/svc-3' })).toEqual({
          ids: ['r2'],
          totalCount: 1,
        });
        expect(await list({ requestedBy: 'user:default/bob' })).toEqual({
          ids: ['r4', 'r2'],
          totalCount: 2,
        });
        expect(
          await list({
            states: ['pending', 'active'],
            requestedBy: 'user:default/alice',
          }),
        ).toEqual({ ids: ['r1'], totalCount: 1 });
      });

      it('matches a cluster exactly, as source or as consumer', async () => {
        const { store } = await seed();
        const list = async (query: object) => {
          const result = await store.listRequests({
            limit: 100,
            offset: 0,
            ...query,
          });
          return { ids: ids(result.items), totalCount: result.totalCount };
        };

        // cluster-1 is r3's source and r2's and r5's consumer; never cluster-10 or cluster-11.
        expect(await list({ cluster: 'cluster-1' })).toEqual({
          ids: ['r5', 'r3', 'r2'],
          totalCount: 3,
        });
        expect(await list({ cluster: 'cluster-10' })).toEqual({
          ids: ['r1', 'r0'],
          totalCount: 2,
        });
        expect(await list({ cluster: 'cluster-11' })).toEqual({
          ids: ['r4'],
          totalCount: 1,
        });
        // cluster-2 is everyone's source but r0's and r3's, and r0's consumer.
        expect(await list({ cluster: 'cluster-2' })).toEqual({
          ids: ['r5', 'r4', 'r2', 'r1', 'r0'],
          totalCount: 5,
        });
        expect(await list({ cluster: 'cluster' })).toEqual({
          ids: [],
          totalCount: 0,
        });
        expect(await list({ cluster: 'cluster-%' })).toEqual({
          ids: [],
          totalCount: 0,
        });
        expect(
          await list({ cluster: 'cluster-3', states: ['pending'], limit: 1 }),
        ).toEqual({ ids: ['r4'], totalCount: 2 });
      });

      it('finds the open requests for a host that share a consumer cluster', async () => {
        const { store } = await seed();
        const find = async (host: string, clusters: string[]) =>
          ids(await store.findOpenRequests(host, clusters));

        // r3 is rejected and r0 revoked: final, so never duplicates.
        expect(await find('svc-2.bar.global', ['cluster-3'])).toEqual(['r4']);
        expect(await find('svc-2.bar.global', ['cluster-1'])).toEqual(['r5']);
        expect(await find('svc-2.bar.global', ['cluster-2'])).toEqual([]);
        expect(
          await find('svc-2.bar.global', [
            'cluster-1',
            'cluster-10',
            'cluster-1',
          ]),
        ).toEqual(['r5', 'r1']);
        expect(await find('svc-2.bar.global', ['cluster-'])).toEqual([]);
        expect(await find('svc-2.bar.global', [])).toEqual([]);
        expect(await find('svc-3.bar.global', ['cluster-3'])).toEqual(['r2']);
        expect(await find('svc-9.bar.global', ['cluster-3'])).toEqual([]);
        expect(
          await store.findOpenRequests('svc-2.bar.global', ['cluster-11']),
        ).toEqual([byId.r4]);
      });
    });

    describe('transitions', () => {
      it('moves a request only from the expected state', async () => {
        const { store } = await createStore();
        const original = request('req-1', {
          clusters: [status('cluster-1', 'consumer')],
        });
        await store.insertRequest(original);
        const approval = {
          decidedBy: 'user:default/bob',
          decidedAt: '2026-11-25T10:30:00.000Z',
          decisionComment: 'fine',
          vip: '240.1.2.3',
          updatedAt: '2026-11-25T10:30:00.001Z',
        };

        expect(
          await store.transitionRequest(
            'req-1',
            'pending',
            'approved',
            approval,
          ),
        ).toBe(true);
        expect(await store.getRequest('req-1')).toEqual({
          ...original,
          ...approval,
          state: 'approved',
        });
        // The same transition again finds the request no longer pending.
        expect(
          await store.transitionRequest('req-1', 'pending', 'approved', {
            ...approval,
            decidedBy: 'user:default/carol',
          }),
        ).toBe(false);
        expect((await store.getRequest('req-1'))?.decidedBy).toBe(
          'user:default/bob',
        );
        expect(
          await store.transitionRequest('req-9', 'pending', 'approved'),
        ).toBe(false);

        // Only the fields given change; updatedAt defaults to now.
        const before = Date.now();
        expect(
          await store.transitionRequest('req-1', 'approved', 'applying'),
        ).toBe(true);
        const applying = await store.getRequest('req-1');
        expect(applying).toEqual({
          ...original,
          ...approval,
          state: 'applying',
          updatedAt: expect.any(String),
        });
        expect(Date.parse(applying!.updatedAt)).toBeGreaterThanOrEqual(
          before - 1000,
        );

        // null clears a field.
        expect(
          await store.transitionRequest('req-1', 'applying', 'revoking', {
            vip: null,
            decisionComment: null,
            updatedAt: '2026-11-26T00:00:00.000Z',
          }),
        ).toBe(true);
        expect(await store.getRequest('req-1')).toEqual({
          ...original,
          ...approval,
          state: 'revoking',
          vip: null,
          decisionComment: null,
          updatedAt: '2026-11-26T00:00:00.000Z',
        });
      });

      it('lets exactly one of two concurrent transitions win', async () => {
        const { store } = await createStore();
        await store.insertRequest(request('req-1'));
        const results = await Promise.all([
          store.transitionRequest('req-1', 'pending', 'approved', {
            decidedBy: 'user:default/bob',
          }),
          store.transitionRequest('req-1', 'pending', 'rejected', {
            decidedBy: 'user:default/carol',
          }),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = await store.getRequest('req-1');
        expect(winner?.state).toBe(results[0] ? 'approved' : 'rejected');
        expect(winner?.decidedBy).toBe(
          results[0] ? 'user:default/bob' : 'user:default/carol',
        );
      });
    });

    it('creates and replaces the status of a request in a cluster', async () => {
      const { knex, store } = await createStore();
      await store.insertRequest(
        request('req-1', { clusters: [status('cluster-2', 'exporter')] }),
      );
      await store.insertRequest(request('req-2'));

      await store.setClusterStatus('req-1', status('cluster-1', 'consumer'));
      const failed = status('cluster-1', 'consumer', {
        state: 'failed',
        lastError: 'forbidden',
        updatedAt: '2026-11-25T11:05:00.000Z',
      });
      await store.setClusterStatus('req-1', failed);
      await store.setClusterStatus('req-2', status('cluster-1', 'consumer'));
      const applied = status('cluster-1', 'consumer', {
        state: 'applied',
        updatedAt: '2026-11-25T11:10:00.000Z',
      });
      await store.setClusterStatus('req-2', applied);

      expect((await store.getRequest('req-1'))?.clusters).toEqual([
        failed,
        status('cluster-2', 'exporter'),
      ]);
      expect((await store.getRequest('req-2'))?.clusters).toEqual([applied]);
      expect(await countRows(knex, 'exposure_request_clusters')).toBe(3);
      await expect(
        store.setClusterStatus('req-9', status('cluster-1', 'consumer')),
      ).rejects.toThrow();
    });

    it('keeps the pull request of a cluster delivered through Git, and drops it when the status has none', async () => {
      const { store } = await createStore();
      await store.insertRequest(request('req-1'));
      const waiting = status('cluster-1', 'consumer', {
        state: 'waiting-for-merge',
        pullRequest: {
          number: 7,
          url: 'http://127.0.0.1:3000/platform/mesh/pulls/7',
        },
      });
      await store.setClusterStatus('req-1', waiting);
      expect((await store.getRequest('req-1'))?.clusters).toEqual([waiting]);

      const direct = status('cluster-1', 'consumer', { state: 'applied' });
      await store.setClusterStatus('req-1', direct);
      expect((await store.getRequest('req-1'))?.clusters).toEqual([direct]);
    });

    it('lists the pull requests open requests wait on, each once, by cluster and number', async () => {
      const { store } = await createStore();
      const pullRequest = (number: number) => ({
        number,
        url: `http://127.0.0.1:3000/platform/mesh/pulls/${number}`,
      });
      const waitingOn = (cluster: string, number: number) =>
        status(cluster, 'consumer', {
          state: 'waiting-for-merge',
          pullRequest: pullRequest(number),
        });
      // One pull request carries the changes of two requests to cluster-3.
      await store.insertRequest(
        request('req-1', {
          state: 'applying',
          clusters: [waitingOn('cluster-3', 12), waitingOn('cluster-1', 4)],
        }),
      );
      await store.insertRequest(
        request('req-2', {
          state: 'revoking',
          clusters: [waitingOn('cluster-3', 12)],
        }),
      );
      await store.insertRequest(
        request('req-3', {
          state: 'active',
          clusters: [
            status('cluster-3', 'consumer', {
              state: 'syncing',
              pullRequest: pullRequest(9),
            }),
          ],
        }),
      );
      await store.insertRequest(
        request('req-4', {
          state: 'cancelled',
          clusters: [waitingOn('cluster-1', 2)],
        }),
      );

      expect(await store.listPullRequestsWaitingForMerge()).toEqual([
        { cluster: 'cluster-1', ...pullRequest(4) },
        { cluster: 'cluster-3', ...pullRequest(12) },
      ]);
    });

    it('lists the hosts of open requests drifted from Git, once per cluster', async () => {
      const { store } = await createStore();
      const drifted = (cluster: string) =>
        status(cluster, 'consumer', { state: 'drifted' });
      await store.insertRequest(
        request('req-1', {
          state: 'active',
          host: 'b.bar.global',
          clusters: [drifted('cluster-3'), drifted('cluster-1')],
        }),
      );
      await store.insertRequest(
        request('req-2', {
          state: 'active',
          host: 'a.bar.global',
          clusters: [drifted('cluster-3')],
        }),
      );
      await store.insertRequest(
        request('req-3', {
          state: 'revoked',
          host: 'c.bar.global',
          clusters: [drifted('cluster-1')],
        }),
      );
      expect(await store.listDriftedHosts()).toEqual([
        { cluster: 'cluster-1', host: 'b.bar.global' },
        { cluster: 'cluster-3', host: 'a.bar.global' },
        { cluster: 'cluster-3', host: 'b.bar.global' },
      ]);
    });

    describe('in an exposure transaction', () => {
      it('rolls back everything written when the work throws, its own savepoints too', async () => {
        const { knex } = await createStore();
        await expect(
          databaseExposureTransaction(knex)(async ({ store: tx, audit }) => {
            // insertRequest and allocateVip each open their own transaction, which
            // becomes a savepoint of this one.
            await tx.insertRequest(
              request('req-1', { clusters: [status('cluster-1', 'consumer')] }),
            );
            await tx.transitionRequest('req-1', 'pending', 'approved');
            await tx.allocateVip('svc-2.bar.global', 'req-1', lowestFree);
            await audit.append({ actor: 'user:default/carol', action: 'x' });
            expect((await tx.getRequest('req-1'))?.state).toBe('approved');
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');

        for (const table of [...TABLES, 'audit_events']) {
          expect(await countRows(knex, table)).toBe(0);
        }
      });

      it('allocates inside a transaction, retrying past a taken address', async () => {
        const { knex, store } = await createStore();
        await store.allocateVip('a.global', 'req-a', () => '240.0.0.1');
        let calls = 0;
        const vip = await databaseExposureTransaction(knex)(
          async ({ store: tx }) => {
            await tx.insertRequest(request('req-1'));
            return tx.allocateVip('b.global', 'req-1', () =>
              // The first proposal ignores what is in use and loses; the transaction survives.
              ++calls === 1 ? '240.0.0.1' : '240.0.0.2',
            );
          },
        );
        expect(calls).toBe(2);
        expect(vip.address).toBe('240.0.0.2');
        expect(await store.getRequest('req-1')).toBeDefined();
        expect((await store.listVips()).map(v => v.address)).toEqual([
          '240.0.0.1',
          '240.0.0.2',
        ]);
      });
    });

    describe('VIPs', () => {
      it('keeps a host on its VIP and frees the address on release', async () => {
        const { store } = await createStore();
        const seeded = (inUse: ReadonlySet<number>, host: string) =>
          allocateVip(inUse, { seed: host }).address;

        const before = Date.now();
        const first = await store.allocateVip('svc-2.bar.global', 'req-1', s =>
          seeded(s, 'svc-2.bar.global'),
        );
        expect(first).toEqual({
          host: 'svc-2.bar.global',
          address: allocateVip(new Set(), { seed: 'svc-2.bar.global' }).address,
          requestId: 'req-1',
          allocatedAt: expect.any(String),
        });
        expect(Date.parse(first.allocatedAt)).toBeGreaterThanOrEqual(
          before - 1000,
        );

        const propose = jest.fn(() => '240.9.9.9');
        expect(
          await store.allocateVip('svc-2.bar.global', 'req-2', propose),
        ).toEqual(first);
        expect(propose).not.toHaveBeenCalled();
        expect(await store.getVip('svc-2.bar.global')).toEqual(first);

        const other = await store.allocateVip(
          'svc-3.bar.global',
          'req-3',
          s => {
            expect([...s]).toEqual([ipv4ToNumber(first.address)]);
            return first.address === '240.0.0.1' ? '240.0.0.2' : '240.0.0.1';
          },
        );
        expect(other.address).not.toBe(first.address);
        expect(await store.listVips()).toEqual([first, other]);

        await store.releaseVip('svc-2.bar.global');
        await store.releaseVip('svc-2.bar.global');
        expect(await store.getVip('svc-2.bar.global')).toBeUndefined();
        expect(await store.listVips()).toEqual([other]);
        // The freed address can go to another host.
        const reused = await store.allocateVip(
          'svc-4.bar.global',
          'req-4',
          () => first.address,
        );
        expect(reused.address).toBe(first.address);
      });

      it('keeps the VIP while another request for the host still uses it', async () => {
        const { store } = await createStore();
        const vip = await store.allocateVip(
          'svc-2.bar.global',
          'req-1',
          () => '240.0.0.7',
        );
        await store.insertRequest(
          request('req-1', { state: 'revoked', vip: vip.address }),
        );
        await store.insertRequest(
          request('req-2', {
            state: 'active',
            vip: vip.address,
            consumerClusters: ['cluster-4'],
          }),
        );

        await store.releaseVip('svc-2.bar.global');
        expect(await store.getVip('svc-2.bar.global')).toEqual(vip);

        expect(
          await store.transitionRequest('req-2', 'active', 'revoked'),
        ).toBe(true);
        await store.releaseVip('svc-2.bar.global');
        expect(await store.getVip('svc-2.bar.global')).toBeUndefined();
      });

      it('retries a taken address, then fails clearly', async () => {
        const { knex, store } = await createStore();
        const taken = await store.allocateVip(
          'a.global',
          'req-a',
          () => '240.0.0.1',
        );
        const propose = jest.fn(() => '240.0.0.1');

        await expect(
          store.allocateVip('b.global', 'req-b', propose),
        ).rejects.toThrow(
          "Could not allocate a VIP for 'b.global': 100 proposed addresses (the last 240.0.0.1) were taken by other hosts first",
        );
        expect(propose).toHaveBeenCalledTimes(100);
        expect(await store.listVips()).toEqual([taken]);

        const few = new DatabaseExposureStore(knex, { vipAttempts: 3 });
        await expect(
          few.allocateVip('b.global', 'req-b', propose),
        ).rejects.toThrow(/3 proposed addresses/);
        await expect(
          store.allocateVip('c.global', 'req-c', () => 'not-an-ip'),
        ).rejects.toThrow("'not-an-ip' is not an IPv4 address");
        expect(await store.listVips()).toEqual([taken]);
      });

      it('hands out distinct addresses to concurrent allocations in one process', async () => {
        const { store } = await createStore();
        const hosts = Array.from({ length: 20 }, (_, i) => `h${i}.global`);
        const vips = await Promise.all(
          hosts.map(host => store.allocateVip(host, `req-${host}`, lowestFree)),
        );
        expect(new Set(vips.map(v => v.address)).size).toBe(20);
        expect(await store.listVips()).toHaveLength(20);
      });
    });

    it('migrates down and up again', async () => {
      const { knex, store } = await createStore();
      await store.insertRequest(
        request('req-1', { clusters: [status('cluster-1', 'consumer')] }),
      );
      await store.allocateVip('svc-2.bar.global', 'req-1', lowestFree);

      // Newest first: the later migration alters a table of the first.
      for (const name of [
        '20261204_cluster_pull_requests.js',
        '20261125c_exposures.js',
      ]) {
        await knex.migrate.down({ ...migrations, name });
      }
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('ca_roots')).toBe(true);

      await knex.migrate.latest(migrations);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const again = request('req-1', {
        clusters: [status('cluster-1', 'consumer')],
      });
      await store.insertRequest(again);
      expect(await store.getRequest('req-1')).toEqual(again);
      expect(await store.listVips()).toEqual([]);
    });
  });

  describe.each(
    databases.eachSupportedId().filter(([id]) => id === 'POSTGRES_15'),
  )('on %s, with two replicas', databaseId => {
    it('allocates 200 VIPs at once from two store instances without a duplicate', async () => {
      const knexA = await databases.init(databaseId);
      await knexA.migrate.latest(migrations);
      const knexB = knexFactory(knexA.client.config);
      try {
        const stores = [
          new DatabaseExposureStore(knexA),
          new DatabaseExposureStore(knexB),
        ];
        const proposals = new Map<string, number>();
        const hosts = Array.from({ length: 200 }, (_, i) => `h${i}.global`);

        const vips = await Promise.all(
          hosts.map((host, i) =>
            stores[i % 2].allocateVip(host, `req-${i}`, inUse => {
              proposals.set(host, (proposals.get(host) ?? 0) + 1);
              return nearIstioRange(inUse);
            }),
          ),
        );

        expect(vips.map(v => v.host)).toEqual(hosts);
        const addresses = new Set(vips.map(v => v.address));
        expect(addresses.size).toBe(200);
        expect([...addresses].every(isAllocatableVip)).toBe(true);
        expect([...addresses].filter(a => a.startsWith('240.240.'))).toEqual(
          [],
        );
        // About half fell beyond Istio's range, so the allocator did jump it.
        expect(
          [...addresses].filter(a => a.startsWith('240.241.')).length,
        ).toBeGreaterThan(50);
        expect(await stores[1].listVips()).toHaveLength(200);
        // The proposer collides on purpose: the database, not luck, kept them apart.
        const total = [...proposals.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeGreaterThan(200);
      } finally {
        await knexB.destroy();
      }
    });
  });
});
