import { Knex } from 'knex';

/** How long a replica waits for another one that is starting on the same database. */
const STARTUP_WAIT_MS = 120_000;

/** The advisory lock's key: any constant no other plugin of the database uses. */
const STARTUP_LOCK_KEY = 0x63726f73; // "cros"

function isPostgres(client: Knex): boolean {
  const name = String(client.client.config.client ?? '');
  return name === 'pg' || name.startsWith('postgres');
}

/** The start running in this process on each database, which the next one waits for. */
const startsInThisProcess = new WeakMap<Knex, Promise<unknown>>();

/**
 * Runs `start` while no other crossmesh replica on the same database runs its own. On
 * PostgreSQL it holds a transaction-scoped advisory lock, which a crashed replica's
 * connection gives up by itself; on SQLite, which one process owns, starts in this process
 * take turns.
 *
 * Replicas starting together on a fresh database otherwise race to create the migration
 * tables, crossmesh's and the scheduler's alike: knex checks that a table is missing and
 * creates it in two statements, and the replica that loses fails its start with "relation
 * already exists".
 *
 * @internal
 */
export async function startingAlone<T>(
  client: Knex,
  start: () => Promise<T>,
  { waitMs = STARTUP_WAIT_MS }: { waitMs?: number } = {},
): Promise<T> {
  if (!isPostgres(client)) {
    const before = startsInThisProcess.get(client) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(start);
    startsInThisProcess.set(client, mine);
    return mine;
  }
  return client.transaction(async trx => {
    await trx.raw(
      `set local lock_timeout = ${Math.max(1, Math.round(waitMs))}`,
    );
    try {
      await trx.raw('select pg_advisory_xact_lock(?)', [STARTUP_LOCK_KEY]);
    } catch (error) {
      // 55P03: lock_not_available, what lock_timeout ends the wait with.
      if ((error as { code?: string }).code !== '55P03') throw error;
      throw new Error(
        `crossmesh could not start: another crossmesh replica has been starting on the same database for more than ${Math.round(
          waitMs / 1000,
        )} s. Look at that replica's log for what holds it (its migrations, usually), and start this one again once that one has started or stopped.`,
      );
    }
    return start();
  });
}
