import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseAuditLog } from '../../audit';
import { DatabaseMembershipStore } from './DatabaseMembershipStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = {
  directory: resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  ),
};

const T1 = new Date('2026-11-25T10:00:00.000Z');
const T2 = new Date('2026-11-26T09:30:00.000Z');

describe.each(databases.eachSupportedId())(
  'DatabaseMembershipStore on %p',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return {
        knex,
        store: new DatabaseMembershipStore(knex),
        audit: new DatabaseAuditLog(knex),
      };
    }

    it('registers a cluster once, updates it with an audit event per change, and ignores a repeat', async () => {
      const { store, audit } = await setUp();
      expect(await store.get('cluster-1')).toBeUndefined();

      const created = await store.put(
        {
          cluster: 'cluster-1',
          network: 'network-1',
          gatewayAddress: null,
          gatewayPort: null,
          keyType: 'ecdsa-p256',
        },
        'user:default/alice',
        T1,
      );
      expect(created.outcome).toBe('created');
      expect(await store.get('cluster-1')).toEqual({
        cluster: 'cluster-1',
        network: 'network-1',
        gatewayAddress: null,
        gatewayPort: null,
        keyType: 'ecdsa-p256',
        onboardedAt: T1.toISOString(),
        onboardedBy: 'user:default/alice',
        updatedAt: T1.toISOString(),
        updatedBy: 'user:default/alice',
      });

      const repeat = await store.put(
        {
          cluster: 'cluster-1',
          network: 'network-1',
          gatewayAddress: null,
          gatewayPort: null,
          keyType: 'ecdsa-p256',
        },
        'user:default/bob',
        T2,
      );
      expect(repeat.outcome).toBe('unchanged');
      expect(repeat.membership.updatedBy).toBe('user:default/alice');

      const updated = await store.put(
        {
          cluster: 'cluster-1',
          network: 'network-1',
          gatewayAddress: 'gw.cluster-1.example.com',
          gatewayPort: 31443,
          keyType: 'ecdsa-p256',
        },
        'user:default/bob',
        T2,
      );
      expect(updated.outcome).toBe('updated');
      expect(await store.get('cluster-1')).toMatchObject({
        gatewayAddress: 'gw.cluster-1.example.com',
        gatewayPort: 31443,
        onboardedAt: T1.toISOString(),
        onboardedBy: 'user:default/alice',
        updatedAt: T2.toISOString(),
        updatedBy: 'user:default/bob',
      });

      const events = await audit.list({
        clusterName: 'cluster-1',
        limit: 10,
        offset: 0,
      });
      expect(
        events.items
          .map(e => [e.action, e.actor])
          .sort((a, b) => a[0].localeCompare(b[0])),
      ).toEqual([
        ['cluster.membership-updated', 'user:default/bob'],
        ['cluster.registered', 'user:default/alice'],
      ]);
      const update = events.items.find(
        e => e.action === 'cluster.membership-updated',
      )!;
      expect(update.details).toEqual({
        network: 'network-1',
        gatewayAddress: 'gw.cluster-1.example.com',
        gatewayPort: 31443,
        keyType: 'ecdsa-p256',
        previous: {
          network: 'network-1',
          gatewayAddress: null,
          gatewayPort: null,
          keyType: 'ecdsa-p256',
        },
      });
    });

    it('lists memberships by cluster name, and two first registrations at once leave one row', async () => {
      const { store } = await setUp();
      const fields = (cluster: string, network: string) => ({
        cluster,
        network,
        gatewayAddress: null,
        gatewayPort: null,
        keyType: null,
      });
      await store.put(fields('cluster-2', 'network-2'), 'user:default/a', T1);
      const [first, second] = await Promise.all([
        store.put(fields('cluster-1', 'network-1'), 'user:default/a', T1),
        store.put(fields('cluster-1', 'network-1'), 'user:default/b', T1),
      ]);
      expect([first.outcome, second.outcome].sort()).toEqual([
        'created',
        'unchanged',
      ]);
      expect((await store.list()).map(m => [m.cluster, m.network])).toEqual([
        ['cluster-1', 'network-1'],
        ['cluster-2', 'network-2'],
      ]);
    });

    it('migrates down and up again', async () => {
      const { knex } = await setUp();
      await knex.migrate.down({
        ...migrations,
        name: '20261125f_mesh_membership.js',
      });
      expect(await knex.schema.hasTable('mesh_memberships')).toBe(false);
      await knex.migrate.latest(migrations);
      expect(await knex.schema.hasTable('mesh_memberships')).toBe(true);
    });
  },
);
