import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { ReconcileLease } from './ReconcileLease';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = {
  directory: resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  ),
};

describe.each(databases.eachSupportedId())('ReconcileLease on %s', id => {
  it('is held by one holder until released or expired', async () => {
    const db = await databases.init(id);
    await db.migrate.latest(migrations);
    let now = 1_000;
    const lease = new ReconcileLease(db, 'exposures', () => now);

    expect(await lease.tryAcquire('replica-a', 60_000)).toBe(true);
    expect(await lease.tryAcquire('replica-b', 60_000)).toBe(false);
    expect(await lease.tryAcquire('replica-a', 60_000)).toBe(true);

    now += 61_000;
    expect(await lease.tryAcquire('replica-b', 60_000)).toBe(true);
    expect(await lease.tryAcquire('replica-a', 60_000)).toBe(false);

    await lease.release('replica-a');
    expect(await lease.tryAcquire('replica-a', 60_000)).toBe(false);
    await lease.release('replica-b');
    expect(await lease.tryAcquire('replica-a', 60_000)).toBe(true);
  });

  it('stays held while its holder keeps it alive, and frees itself a ttl after the holder dies', async () => {
    const db = await databases.init(id);
    await db.migrate.latest(migrations);
    const lease = new ReconcileLease(db);
    const ttlMs = 1_500;
    expect(await lease.tryAcquire('replica-a', ttlMs)).toBe(true);
    const stopRenewing = lease.keepAlive('replica-a', ttlMs);
    const heldSince = Date.now();
    try {
      while (Date.now() - heldSince < 2.5 * ttlMs) {
        expect(await lease.tryAcquire('replica-b', ttlMs)).toBe(false);
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    } finally {
      stopRenewing(); // replica-a dies without releasing
    }
    const diedAt = Date.now();
    while (!(await lease.tryAcquire('replica-b', ttlMs))) {
      expect(Date.now() - diedAt).toBeLessThan(3 * ttlMs);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  });
});

describe.each(databases.eachSupportedId())(
  'ReconcileLease.runWhileWanted on %s',
  id => {
    it('runs one more pass for each request made during a pass, and none for another holder', async () => {
      const db = await databases.init(id);
      await db.migrate.latest(migrations);
      const holder = new ReconcileLease(db);
      const other = new ReconcileLease(db);

      let whileHeld: string[] | undefined;
      const passes = await holder.runWhileWanted(
        'replica-a',
        60_000,
        async n => {
          if (n === 0) {
            // Replica b asks while a holds the lease: b cannot run, so a runs again.
            await other.requestPass();
            whileHeld = await other.runWhileWanted(
              'replica-b',
              60_000,
              async () => 'b',
            );
          }
          return `a${n}`;
        },
      );
      expect(whileHeld).toEqual([]);
      expect(passes).toEqual(['a0', 'a1']);

      // Free again: whoever asks next runs the pass itself.
      await other.requestPass();
      expect(
        await other.runWhileWanted('replica-b', 60_000, async () => 'b'),
      ).toEqual(['b']);
    });
  },
);

describe('ReconcileLease with two replicas on one PostgreSQL', () => {
  const pg = databases.eachSupportedId().flat().includes('POSTGRES_15');
  it('grants the lease to exactly one of many concurrent claimants', async () => {
    expect(pg || !process.env.CI).toBe(true);
    const ids = databases.eachSupportedId().flat();
    const id = ids.includes('POSTGRES_15') ? 'POSTGRES_15' : 'SQLITE_3';
    const first = await databases.init(id);
    await first.migrate.latest(migrations);
    // A second connection pool to the same database, as a second replica has.
    const second =
      id === 'POSTGRES_15' ? knexFactory(first.client.config) : first;
    try {
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          new ReconcileLease(i % 2 ? second : first).tryAcquire(
            `replica-${i}`,
            60_000,
          ),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    } finally {
      if (second !== first) await second.destroy();
    }
  });
});
