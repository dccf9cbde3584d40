import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ClusterReconcileStatus } from '@crossmesh/backstage-plugin-crossmesh-common';
import { DatabaseReconcileStatusStore } from './DatabaseReconcileStatusStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = {
  directory: resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  ),
};

const converged: ClusterReconcileStatus = {
  cluster: 'cluster-1',
  finishedAt: '2026-11-25T10:00:00.000Z',
  ok: true,
  error: null,
  applied: 3,
  removed: 1,
  dns: 'wired',
  dnsError: null,
};
const failed: ClusterReconcileStatus = {
  cluster: 'cluster-2',
  finishedAt: '2026-11-25T10:00:00.000Z',
  ok: false,
  error: 'cannot reach the API server (ECONNREFUSED)',
  applied: 0,
  removed: 0,
  dns: null,
  dnsError: null,
};
const dnsFailed: ClusterReconcileStatus = {
  cluster: 'cluster-3',
  finishedAt: '2026-11-25T10:00:00.000Z',
  ok: false,
  error: 'the Corefile has no server block for .',
  applied: 2,
  removed: 0,
  dns: 'failed',
  dnsError: 'the Corefile has no server block for .',
};

describe('DatabaseReconcileStatusStore', () => {
  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return { knex, store: new DatabaseReconcileStatusStore(knex) };
    }

    it('reads back what a pass recorded, booleans and nulls included', async () => {
      const { store } = await createStore();
      expect(await store.list()).toEqual([]);

      await store.recordPass([failed, dnsFailed, converged]);

      expect(await store.list()).toEqual([converged, failed, dnsFailed]);
    });

    it('keeps the latest pass per cluster and drops clusters a pass no longer covers', async () => {
      const { knex, store } = await createStore();
      await store.recordPass([converged, failed, dnsFailed]);
      const recovered: ClusterReconcileStatus = {
        ...failed,
        finishedAt: '2026-11-25T10:00:30.000Z',
        ok: true,
        error: null,
        applied: 4,
        dns: 'not-needed',
      };
      const steady: ClusterReconcileStatus = {
        ...converged,
        finishedAt: '2026-11-25T10:00:30.000Z',
        applied: 0,
        removed: 0,
        dns: 'unchanged',
      };

      await store.recordPass([steady, recovered]);

      expect(await store.list()).toEqual([steady, recovered]);
      const [{ n }] = await knex('reconcile_status').count({ n: '*' });
      expect(Number(n)).toBe(2);

      await store.recordPass([]);
      expect(await store.list()).toEqual([]);
    });

    it('migrates down and up again', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      await knex.migrate.rollback(migrations, true);
      expect(await knex.schema.hasTable('reconcile_status')).toBe(false);
      await knex.migrate.latest(migrations);
      expect(await knex.schema.hasTable('reconcile_status')).toBe(true);
    });
  });
});
