import { TestDatabases } from '@backstage/backend-test-utils';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import { migrationsDirectory } from '../database/migrations';
import { DatabaseClusterObservationStore } from './DatabaseClusterObservationStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = { directory: migrationsDirectory() };

const healthy: MeshCluster = {
  name: 'cluster-1',
  reachable: true,
  istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
  strategy: 'legacy-global',
  strategySource: 'detected',
  gateway: { address: '192.0.2.10', port: 15443, source: 'loadBalancer' },
  observedAt: '2026-11-25T10:00:00.000Z',
};
const down: MeshCluster = {
  name: 'cluster-2',
  reachable: false,
  error: 'cannot reach the API server (ECONNREFUSED)',
  istio: null,
  strategy: null,
  strategySource: null,
  gateway: null,
  observedAt: '2026-11-25T10:00:01.000Z',
};

describe('DatabaseClusterObservationStore', () => {
  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return { knex, store: new DatabaseClusterObservationStore(knex) };
    }

    it('records observations and reads them back exactly', async () => {
      const { store } = await createStore();
      await store.record([healthy, down]);
      expect(await store.list()).toEqual([healthy, down]);
      expect(await store.get('cluster-2')).toEqual(down);
      expect(await store.get('cluster-3')).toBeUndefined();
    });

    it('keeps one row per cluster: a newer observation replaces the older', async () => {
      const { knex, store } = await createStore();
      await store.record([healthy]);
      const recovered = {
        ...down,
        reachable: true,
        error: undefined,
        gateway: {
          address: 'gw.example.net',
          port: 31443,
          source: 'nodePort' as const,
        },
      };
      delete recovered.error;
      await store.record([recovered]);
      await store.record([
        { ...healthy, observedAt: '2026-11-25T11:00:00.000Z' },
      ]);
      expect(await store.list()).toEqual([
        { ...healthy, observedAt: '2026-11-25T11:00:00.000Z' },
        recovered,
      ]);
      const [{ n }] = await knex('cluster_observations').count({ n: '*' });
      expect(Number(n)).toBe(2);
    });

    it('migrates down and up again', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      await knex.migrate.rollback(migrations, true);
      expect(await knex.schema.hasTable('cluster_observations')).toBe(false);
      await knex.migrate.latest(migrations);
      expect(await knex.schema.hasTable('cluster_observations')).toBe(true);
    });
  });
});
