import { Knex } from 'knex';

/**
 * Tables left out of the database snapshot, each with why it may change without any request
 * having been accepted. Everything else in crossmesh's database — requests, VIPs, roots,
 * intermediates, CSRs, rotation, audit events, and whatever tables are added later — is compared.
 */
export const TABLES_THAT_CHANGE_ON_READ: Record<string, string> = {
  cluster_observations:
    'GET /clusters and every read of a cluster record what was observed',
};

function isBookkeeping(table: string): boolean {
  // knex's own migration tables, and the scheduler's, whose rows are not crossmesh's state.
  return /^knex_migrations|^backstage_backend_tasks/.test(table);
}

async function tableNames(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  if (client.includes('pg')) {
    const result = await knex.raw(
      'select table_name from information_schema.tables where table_schema = current_schema() and table_type = ?',
      ['BASE TABLE'],
    );
    return result.rows.map((r: { table_name: string }) => r.table_name);
  }
  const rows = await knex('sqlite_master')
    .where({ type: 'table' })
    .whereNot('name', 'like', 'sqlite_%')
    .select('name');
  return rows.map((r: { name: string }) => r.name);
}

/** Every row of every crossmesh table, as sorted JSON lines per table. */
export async function snapshotDatabase(
  knex: Knex,
): Promise<Record<string, string[]>> {
  const tables = (await tableNames(knex))
    .filter(t => !isBookkeeping(t) && !(t in TABLES_THAT_CHANGE_ON_READ))
    .sort();
  // The tables are read at once rather than one after another: the state-checking proxy
  // takes a snapshot after every request, so their round trips add up.
  const rows = await Promise.all(tables.map(table => knex(table).select('*')));
  const snapshot: Record<string, string[]> = {};
  tables.forEach((table, i) => {
    snapshot[table] = rows[i].map(row => JSON.stringify(row)).sort();
  });
  return snapshot;
}
