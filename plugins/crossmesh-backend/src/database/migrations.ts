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

/**
 * Runs crossmesh's migrations, unless the app's database config says to skip them, and
 * returns the plugin's database client.
 *
 * @internal
 */
export async function migrateCrossmeshDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDirectory() });
  }
  return client;
}
