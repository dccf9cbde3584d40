import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDirectory } from '../database/migrations';
import { knexUnitOfWork } from '../database/unitOfWork';
import { AuditLog } from './AuditLog';
import { DatabaseAuditLog } from './DatabaseAuditLog';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe('DatabaseAuditLog', () => {
  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function createLog() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory() });
      return { knex, log: new DatabaseAuditLog(knex) };
    }

    describe('appending and listing', () => {
      async function seed(log: AuditLog) {
        const specs = [
          ['user:default/alice', 'root.generate', null],
          ['user:default/alice', 'intermediate.issue', 'cluster-1'],
          ['user:default/bob', 'intermediate.issue', 'cluster-2'],
          ['user:default/bob', 'cacerts.distribute', 'cluster-1'],
          ['user:default/alice', 'intermediate.issue', 'cluster-1'],
        ] as const;
        const events = [];
        for (const [i, [actor, action, clusterName]] of specs.entries()) {
          events.push(
            await log.append({
              // Timestamps out of order: the listing follows insertion (id), not the clock.
              occurredAt: `2026-11-25T10:00:0${specs.length - i}.000Z`,
              actor,
              action,
              clusterName,
              serial: clusterName ? `serial-${i}` : null,
              fingerprintSha256: clusterName ? `${i}`.repeat(64) : null,
              details: { step: i },
            }),
          );
        }
        return events;
      }

      it('appends events and reads them back exactly', async () => {
        const { log } = await createLog();
        const details = {
          reason: 'rotation',
          clusters: ['cluster-1', 'cluster-2'],
          nested: { dryRun: false, count: 2, note: null },
        };
        const written = await log.append({
          occurredAt: '2026-11-25T10:00:00.123Z',
          actor: 'user:default/alice',
          action: 'intermediate.issue',
          clusterName: 'cluster-1',
          serial: '4f:2a',
          fingerprintSha256: 'cc'.repeat(32),
          details,
        });
        expect(written).toEqual({
          id: expect.any(Number),
          occurredAt: '2026-11-25T10:00:00.123Z',
          actor: 'user:default/alice',
          action: 'intermediate.issue',
          clusterName: 'cluster-1',
          serial: '4f:2a',
          fingerprintSha256: 'cc'.repeat(32),
          details,
        });

        const before = Date.now();
        const stamped = await log.append({
          actor: 'system',
          action: 'root.generate',
          clusterName: null,
          serial: null,
          fingerprintSha256: null,
          details: {},
        });
        expect(stamped.id).toBeGreaterThan(written.id);
        expect(Date.parse(stamped.occurredAt)).toBeGreaterThanOrEqual(
          before - 1000,
        );
        expect(Date.parse(stamped.occurredAt)).toBeLessThanOrEqual(
          Date.now() + 1000,
        );

        expect(await log.list({ limit: 10, offset: 0 })).toEqual({
          items: [stamped, written],
          totalCount: 2,
        });
      });

      it('lists newest first with limit, offset and the total count', async () => {
        const { log } = await createLog();
        const events = await seed(log);
        const newestFirst = [...events].reverse();

        expect(await log.list({ limit: 100, offset: 0 })).toEqual({
          items: newestFirst,
          totalCount: 5,
        });
        expect(await log.list({ limit: 2, offset: 0 })).toEqual({
          items: newestFirst.slice(0, 2),
          totalCount: 5,
        });
        expect(await log.list({ limit: 2, offset: 2 })).toEqual({
          items: newestFirst.slice(2, 4),
          totalCount: 5,
        });
        expect(await log.list({ limit: 2, offset: 4 })).toEqual({
          items: newestFirst.slice(4),
          totalCount: 5,
        });
        expect(await log.list({ limit: 2, offset: 10 })).toEqual({
          items: [],
          totalCount: 5,
        });
      });

      it('filters by cluster, action (one or any of several) and actor', async () => {
        const { log } = await createLog();
        const [generate, issue1, issue2, distribute, issue1b] = await seed(log);

        expect(
          await log.list({
            clusterName: 'cluster-1',
            limit: 10,
            offset: 0,
          }),
        ).toEqual({ items: [issue1b, distribute, issue1], totalCount: 3 });
        expect(
          await log.list({
            action: 'intermediate.issue',
            limit: 10,
            offset: 0,
          }),
        ).toEqual({ items: [issue1b, issue2, issue1], totalCount: 3 });
        expect(
          await log.list({
            action: ['root.generate', 'intermediate.issue', 'not.recorded'],
            limit: 10,
            offset: 0,
          }),
        ).toEqual({
          items: [issue1b, issue2, issue1, generate],
          totalCount: 4,
        });
        expect(
          await log.list({
            actor: 'user:default/alice',
            limit: 10,
            offset: 0,
          }),
        ).toEqual({ items: [issue1b, issue1, generate], totalCount: 3 });
        expect(
          await log.list({
            clusterName: 'cluster-1',
            action: 'intermediate.issue',
            actor: 'user:default/alice',
            limit: 1,
            offset: 1,
          }),
        ).toEqual({ items: [issue1], totalCount: 2 });
        expect(
          await log.list({
            clusterName: 'cluster-9',
            limit: 10,
            offset: 0,
          }),
        ).toEqual({ items: [], totalCount: 0 });
      });
    });

    describe('in a unit of work', () => {
      it('commits an event with the work, and drops it when the work throws', async () => {
        const { knex, log } = await createLog();
        const unitOfWork = knexUnitOfWork(knex, trx => ({
          audit: new DatabaseAuditLog(trx),
        }));

        const kept = await unitOfWork(({ audit }) =>
          audit.append({ actor: 'user:default/alice', action: 'kept' }),
        );
        await expect(
          unitOfWork(async ({ audit }) => {
            await audit.append({
              actor: 'user:default/alice',
              action: 'dropped',
            });
            // Reads inside the transaction see its own event.
            expect(
              (await audit.list({ limit: 10, offset: 0 })).totalCount,
            ).toBe(2);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');

        expect(await log.list({ limit: 10, offset: 0 })).toEqual({
          items: [kept],
          totalCount: 1,
        });
        expect(kept).toMatchObject({
          clusterName: null,
          serial: null,
          fingerprintSha256: null,
          details: {},
        });
      });
    });
  });
});
