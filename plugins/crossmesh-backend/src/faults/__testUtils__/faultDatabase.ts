import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';

const CONNECTION_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** The PostgreSQL the environment provides (CI does; locally `scripts/postgres.sh start`). */
export function postgresConnection(): string | undefined {
  return process.env[CONNECTION_ENV];
}

/**
 * A database of its own for one test's backends: they are configured with `prefix`, so
 * Backstage creates `<prefix>crossmesh` for the plugin on first use. `drop()` removes it.
 */
export interface FaultDatabase {
  connection: string;
  prefix: string;
  /** A client of the plugin's database, for checks the API does not offer. */
  client(): Knex;
  drop(): Promise<void>;
}

export function freshFaultDatabase(): FaultDatabase {
  const connection = postgresConnection();
  if (!connection) {
    throw new Error(
      `These tests need PostgreSQL: set ${CONNECTION_ENV} (e.g. to the URL scripts/postgres.sh start prints).`,
    );
  }
  const prefix = `faults_${randomBytes(4).toString('hex')}_`;
  const name = `${prefix}crossmesh`;
  let client: Knex | undefined;
  return {
    connection,
    prefix,
    client() {
      const url = new URL(connection);
      url.pathname = `/${name}`;
      client ??= knexFactory({
        client: 'pg',
        connection: url.toString(),
        pool: { min: 0, max: 2 },
      });
      return client;
    },
    async drop() {
      await client?.destroy();
      const admin = knexFactory({ client: 'pg', connection });
      try {
        await admin.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [name]);
      } finally {
        await admin.destroy();
      }
    },
  };
}
