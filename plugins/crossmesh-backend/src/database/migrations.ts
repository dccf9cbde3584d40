import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * The folder of crossmesh's knex migrations (`migrations/` at the package root).
 *
 * @internal
 */
export function migrationsDirectory(): string {
  return resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  );
}

/** How long a replica waits for another that holds the migration lock. */
const LOCK_WAIT_MS = 120_000;
const LOCK_RETRY_MS = 500;

/**
 * Runs crossmesh's migrations, unless the app's database config says to skip them, and
 * returns the plugin's database client. Replicas starting together share the database:
 * while another holds knex's migration lock, this one waits for it and then runs what is
 * left (nothing, usually), instead of failing its start.
 *
 * @internal
 */
export async function migrateCrossmeshDatabase(
  database: DatabaseService,
  options: { lockWaitMs?: number; retryMs?: number } = {},
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await migrateWaitingForLock(client, options);
  }
  return client;
}

async function migrateWaitingForLock(
  client: Knex,
  {
    lockWaitMs = LOCK_WAIT_MS,
    retryMs = LOCK_RETRY_MS,
  }: { lockWaitMs?: number; retryMs?: number },
): Promise<void> {
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      await client.migrate.latest({ directory: migrationsDirectory() });
      return;
    } catch (error) {
      if ((error as Error | undefined)?.name !== 'MigrationLocked') throw error;
      if (Date.now() >= deadline) {
        throw new Error(
          `crossmesh could not migrate its database: the migration lock has been held for more than ${Math.round(
            lockWaitMs / 1000,
          )} s. If no other crossmesh replica is starting, a crashed one left it: release it with 'knex migrate:unlock' or by setting is_locked to 0 in crossmesh's knex_migrations_lock table, then start again.`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, retryMs));
    }
  }
}
