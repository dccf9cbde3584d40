import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateCrossmeshDatabase, migrationsDirectory } from './migrations';
import { startingAlone } from './startupLock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** What each replica's start did and when, to find two that overlapped. */
async function recordStart(
  log: Array<[string, number]>,
  name: string,
  work: () => Promise<void>,
) {
  log.push([`${name} started`, Date.now()]);
  await work();
  log.push([`${name} done`, Date.now()]);
}

describe('startingAlone', () => {
  it.each(databases.eachSupportedId())(
    'on %s, lets one start at a time, and all start',
    async databaseId => {
      const client = await databases.init(databaseId);
      const log: Array<[string, number]> = [];
      const pause = () => new Promise<void>(r => setTimeout(r, 300));
      await Promise.all(
        ['replica-a', 'replica-b', 'replica-c'].map(name =>
          startingAlone(client, () => recordStart(log, name, pause)),
        ),
      );
      expect(log).toHaveLength(6);
      for (let i = 0; i < log.length; i += 2) {
        const [started] = log[i];
        const [done] = log[i + 1];
        expect(done).toBe(started.replace('started', 'done'));
      }
    },
  );

  it.each(databases.eachSupportedId())(
    "on %s, replicas starting together on a fresh database all create the migration tables, crossmesh's and another set",
    async databaseId => {
      const client = await databases.init(databaseId);
      const service = { getClient: async () => client };
      // The other set stands for the scheduler's, which it creates at its first task: only
      // the bookkeeping tables, which knex creates unlocked, so an empty folder does.
      const noMigrations = fs.mkdtempSync(
        path.join(os.tmpdir(), 'no-migrations-'),
      );
      try {
        await Promise.all(
          Array.from({ length: 4 }, () =>
            startingAlone(client, async () => {
              await migrateCrossmeshDatabase(service);
              await client.migrate.latest({
                directory: noMigrations,
                tableName: 'other_knex_migrations',
              });
            }),
          ),
        );
      } finally {
        fs.rmSync(noMigrations, { recursive: true, force: true });
      }
      expect(await client.schema.hasTable('other_knex_migrations')).toBe(true);
      // Each of crossmesh's migrations ran once.
      const ran = await client('knex_migrations').select('name');
      expect(ran.map(r => r.name).sort()).toEqual(
        fs.readdirSync(migrationsDirectory()).sort(),
      );
    },
  );

  it('says what holds it when another replica starts for longer than it waits', async () => {
    const client = await databases.init('POSTGRES_15');
    let release!: () => void;
    const holding = startingAlone(
      client,
      () => new Promise<void>(resolve => (release = resolve)),
    );
    await new Promise(r => setTimeout(r, 200));
    await expect(
      startingAlone(client, async () => undefined, { waitMs: 1_000 }),
    ).rejects.toThrow(
      /another crossmesh replica has been starting on the same database for more than 1 s\. Look at that replica's log/,
    );
    release();
    await holding;
  });
});
