import { DatabaseService } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrateCrossmeshDatabase, migrationsDirectory } from './migrations';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const serviceOf = (client: Knex): DatabaseService => ({
  getClient: async () => client,
});

/** Holds knex's migration lock as a replica in the middle of its migrations does. */
async function holdLock(client: Knex) {
  await client.migrate.latest({ directory: migrationsDirectory() });
  await client('knex_migrations_lock').update({ is_locked: 1 });
  return () => client('knex_migrations_lock').update({ is_locked: 0 });
}

describe('migrateCrossmeshDatabase', () => {
  it.each(databases.eachSupportedId())(
    'waits on %s while another replica holds the migration lock, then starts',
    async databaseId => {
      const client = await databases.init(databaseId);
      const release = await holdLock(client);
      let started = false;
      const starting = migrateCrossmeshDatabase(serviceOf(client), {
        retryMs: 50,
      }).then(() => (started = true));
      await new Promise(resolve => setTimeout(resolve, 500));
      expect(started).toBe(false);
      await release();
      await starting;
      expect(started).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'on %s, says how to release a lock held longer than it waits',
    async databaseId => {
      const client = await databases.init(databaseId);
      await holdLock(client);
      await expect(
        migrateCrossmeshDatabase(serviceOf(client), {
          lockWaitMs: 1_000,
          retryMs: 50,
        }),
      ).rejects.toThrow(
        /the migration lock has been held for more than 1 s\. If no other crossmesh replica is starting, a crashed one left it: release it with 'knex migrate:unlock'/,
      );
    },
  );
});
