import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DatabaseTrustStore } from './DatabaseTrustStore';
import {
  PendingCsr,
  RootRotation,
  StoredIntermediate,
  StoredRoot,
} from './TrustStore';
import { databaseTrustTransaction } from './TrustTransaction';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = {
  directory: resolvePackagePath(
    '@crossmesh/backstage-plugin-crossmesh-backend',
    'migrations',
  ),
};

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';

const activeRoot: StoredRoot = {
  id: 'root-1',
  certPem: PEM,
  sealedKey: 'v1:sealed:root-1',
  keyType: 'ecdsa-p256',
  fingerprintSha256: 'aa'.repeat(32),
  serial: '01',
  subject: 'O=crossmesh, CN=Root CA',
  notAfter: '2036-11-25T10:00:00.000Z',
  source: 'generated',
  state: 'active',
  createdAt: '2026-11-25T10:00:00.000Z',
  createdBy: 'user:default/alice',
};
const offlineRoot: StoredRoot = {
  id: 'root-2',
  certPem: PEM.replace('MIIB', 'MIIC'),
  sealedKey: null,
  keyType: 'rsa-4096',
  fingerprintSha256: 'bb'.repeat(32),
  serial: '02',
  subject: 'O=corp, CN=Offline Root',
  notAfter: '2046-01-01T00:00:00.123Z',
  source: 'offline',
  state: 'incoming',
  createdAt: '2026-11-25T11:00:00.000Z',
  createdBy: 'user:default/bob',
};

function intermediate(
  clusterName: string,
  n: number,
  overrides: Partial<StoredIntermediate> = {},
): StoredIntermediate {
  return {
    id: `${clusterName}-int-${n}`,
    clusterName,
    rootId: 'root-1',
    certPem: PEM.replace('MIIB', `INT${n}`),
    sealedKey: `v1:sealed:${clusterName}:${n}`,
    keyType: 'ecdsa-p256',
    serial: `1${n}`,
    fingerprintSha256: `${n}`.repeat(64),
    notBefore: `2026-11-2${n}T10:00:00.000Z`,
    notAfter: `2027-11-2${n}T10:00:00.000Z`,
    state: 'current',
    createdAt: `2026-11-2${n}T10:00:00.500Z`,
    createdBy: 'user:default/alice',
    ...overrides,
  };
}

const csr: PendingCsr = {
  clusterName: 'cluster-1',
  csrPem:
    '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
  sealedKey: 'v1:sealed:csr-1',
  keyType: 'ecdsa-p256',
  createdAt: '2026-11-25T12:00:00.000Z',
  createdBy: 'user:default/alice',
};

describe('DatabaseTrustStore', () => {
  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return { knex, store: new DatabaseTrustStore(knex) };
    }

    async function countRows(
      knex: Awaited<ReturnType<typeof createStore>>['knex'],
      table: string,
      where: Record<string, string> = {},
    ) {
      const [{ n }] = await knex(table).where(where).count({ n: '*' });
      return Number(n);
    }

    describe('roots', () => {
      it('round-trips roots exactly', async () => {
        const { store } = await createStore();
        await store.insertRoot(offlineRoot);
        await store.insertRoot(activeRoot);

        expect(await store.listRoots()).toEqual([activeRoot, offlineRoot]);
        expect(await store.getRoot('root-2')).toEqual(offlineRoot);
        expect(await store.getRoot('root-3')).toBeUndefined();
        expect(await store.getActiveRoot()).toEqual(activeRoot);
      });

      it('changes the state of a root', async () => {
        const { store } = await createStore();
        expect(await store.getActiveRoot()).toBeUndefined();
        await store.insertRoot(activeRoot);
        await store.insertRoot(offlineRoot);

        await store.setRootState('root-1', 'retired');
        expect(await store.getActiveRoot()).toBeUndefined();
        await store.setRootState('root-2', 'active');

        expect(await store.getActiveRoot()).toEqual({
          ...offlineRoot,
          state: 'active',
        });
        expect(await store.getRoot('root-1')).toEqual({
          ...activeRoot,
          state: 'retired',
        });
        await expect(store.setRootState('root-9', 'retired')).rejects.toThrow(
          "No root CA with id 'root-9'",
        );
      });

      it('refuses a second root with the same id', async () => {
        const { store } = await createStore();
        await store.insertRoot(activeRoot);
        await expect(
          store.insertRoot({ ...offlineRoot, id: 'root-1' }),
        ).rejects.toThrow();
        expect(await store.listRoots()).toEqual([activeRoot]);
      });
    });

    describe('intermediates', () => {
      it('round-trips the current intermediate of each cluster', async () => {
        const { store } = await createStore();
        await store.insertRoot(activeRoot);
        const first = intermediate('cluster-1', 1);
        const other = intermediate('cluster-2', 2);
        await store.replaceCurrentIntermediate(other);
        await store.replaceCurrentIntermediate(first);

        expect(await store.getCurrentIntermediate('cluster-1')).toEqual(first);
        expect(await store.getCurrentIntermediate('cluster-3')).toBeUndefined();
        expect(await store.listCurrentIntermediates()).toEqual([first, other]);
      });

      it('supersedes the previous intermediate so only one is current', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        await store.insertRoot({ ...offlineRoot, state: 'active' });
        const first = intermediate('cluster-1', 1);
        const second = intermediate('cluster-1', 2, { rootId: 'root-2' });
        const other = intermediate('cluster-2', 3);
        await store.replaceCurrentIntermediate(first);
        await store.replaceCurrentIntermediate(other);
        await store.replaceCurrentIntermediate(second);

        expect(await store.getCurrentIntermediate('cluster-1')).toEqual(second);
        expect(await store.listCurrentIntermediates()).toEqual([second, other]);
        const states = await knex('ca_intermediates')
          .select('id', 'state')
          .orderBy('id');
        expect(states).toEqual([
          { id: 'cluster-1-int-1', state: 'superseded' },
          { id: 'cluster-1-int-2', state: 'current' },
          { id: 'cluster-2-int-3', state: 'current' },
        ]);
      });

      it('enforces one current intermediate per cluster in the schema', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        await store.replaceCurrentIntermediate(intermediate('cluster-1', 1));
        const { id: _id, ...rest } = await knex('ca_intermediates').first();

        await expect(
          knex('ca_intermediates').insert({ ...rest, id: 'sneaky' }),
        ).rejects.toThrow();
        await knex('ca_intermediates').insert({
          ...rest,
          id: 'old',
          state: 'superseded',
        });
        await knex('ca_intermediates').insert({
          ...rest,
          id: 'older',
          state: 'superseded',
        });
        expect(
          await countRows(knex, 'ca_intermediates', { state: 'current' }),
        ).toBe(1);
      });

      it('keeps the previous intermediate current when the new one cannot be written', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        const first = intermediate('cluster-1', 1);
        await store.replaceCurrentIntermediate(first);

        // The foreign key on root_id rejects the insert after the update has run.
        await expect(
          store.replaceCurrentIntermediate(
            intermediate('cluster-1', 2, { rootId: 'no-such-root' }),
          ),
        ).rejects.toThrow();

        expect(await store.getCurrentIntermediate('cluster-1')).toEqual(first);
        expect(await countRows(knex, 'ca_intermediates')).toBe(1);
      });

      it('refuses a replacement that is not current', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        await expect(
          store.replaceCurrentIntermediate(
            intermediate('cluster-1', 1, { state: 'superseded' }),
          ),
        ).rejects.toThrow("must be 'current'");
        expect(await countRows(knex, 'ca_intermediates')).toBe(0);
      });
    });

    describe('transactions', () => {
      it('commits everything written in the transaction', async () => {
        const { knex, store } = await createStore();
        const result = await databaseTrustTransaction(knex)(
          async ({ store: tx }) => {
            await tx.insertRoot(activeRoot);
            await tx.replaceCurrentIntermediate(intermediate('cluster-1', 1));
            // Reads inside the transaction see its own writes.
            return tx.getActiveRoot();
          },
        );

        expect(result).toEqual(activeRoot);
        expect(await store.getCurrentIntermediate('cluster-1')).toEqual(
          intermediate('cluster-1', 1),
        );
      });

      it('leaves nothing written when the work throws midway', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        const first = intermediate('cluster-1', 1);
        await store.replaceCurrentIntermediate(first);

        await expect(
          databaseTrustTransaction(knex)(async ({ store: tx, audit }) => {
            await tx.insertRoot(offlineRoot);
            await tx.setRootState('root-1', 'retired');
            await tx.replaceCurrentIntermediate(intermediate('cluster-1', 2));
            await tx.putPendingCsr(csr);
            await audit.append({
              actor: 'user:default/alice',
              action: 'root.rotate',
            });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');

        expect(await store.getRoot('root-2')).toBeUndefined();
        expect(await store.getActiveRoot()).toEqual(activeRoot);
        expect(await store.getCurrentIntermediate('cluster-1')).toEqual(first);
        expect(await countRows(knex, 'ca_intermediates')).toBe(1);
        expect(await store.getPendingCsr('cluster-1')).toBeUndefined();
        expect(await countRows(knex, 'audit_events')).toBe(0);
      });

      it('makes a nested transaction part of the outer one', async () => {
        const { knex, store } = await createStore();

        await expect(
          databaseTrustTransaction(knex)(async ({ store: tx }) => {
            await tx.insertRoot(activeRoot);
            await tx.replaceCurrentIntermediate(intermediate('cluster-1', 1));
            expect(await tx.getRoot('root-1')).toEqual(activeRoot);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');

        // replaceCurrentIntermediate's own transaction was part of the outer one, so it
        // was rolled back too.
        expect(await store.getRoot('root-1')).toBeUndefined();
        expect(await countRows(knex, 'ca_intermediates')).toBe(0);
      });
    });

    describe('pending CSRs', () => {
      it('stores, replaces and deletes the pending CSR of a cluster', async () => {
        const { knex, store } = await createStore();
        expect(await store.getPendingCsr('cluster-1')).toBeUndefined();

        await store.putPendingCsr(csr);
        const other = { ...csr, clusterName: 'cluster-2' };
        await store.putPendingCsr(other);
        expect(await store.getPendingCsr('cluster-1')).toEqual(csr);

        const replacement: PendingCsr = {
          ...csr,
          csrPem: csr.csrPem.replace('MIIB', 'MIIC'),
          sealedKey: 'v1:sealed:csr-2',
          keyType: 'rsa-2048',
          createdAt: '2026-11-26T08:30:00.250Z',
          createdBy: 'user:default/bob',
        };
        await store.putPendingCsr(replacement);
        expect(await store.getPendingCsr('cluster-1')).toEqual(replacement);
        expect(await countRows(knex, 'ca_pending_csrs')).toBe(2);

        await store.deletePendingCsr('cluster-1');
        expect(await store.getPendingCsr('cluster-1')).toBeUndefined();
        expect(await store.getPendingCsr('cluster-2')).toEqual(other);
        // Deleting what is not there is not an error.
        await store.deletePendingCsr('cluster-1');
      });
    });

    describe('rotation', () => {
      it('is idle with no roots when nothing was ever rotated', async () => {
        const { store } = await createStore();
        expect(await store.getRotation()).toEqual({
          phase: 'idle',
          oldRootId: null,
          newRootId: null,
          updatedAt: '1970-01-01T00:00:00.000Z',
          updatedBy: 'nobody',
        });
      });

      it('stores the rotation in a single row', async () => {
        const { knex, store } = await createStore();
        await store.insertRoot(activeRoot);
        await store.insertRoot(offlineRoot);
        const trusting: RootRotation = {
          phase: 'trusting-both',
          oldRootId: 'root-1',
          newRootId: 'root-2',
          updatedAt: '2026-11-25T13:00:00.000Z',
          updatedBy: 'user:default/alice',
        };
        await store.setRotation(trusting);
        expect(await store.getRotation()).toEqual(trusting);

        const moved: RootRotation = {
          ...trusting,
          phase: 'intermediates-moved',
          updatedAt: '2026-11-26T13:00:00.001Z',
          updatedBy: 'user:default/bob',
        };
        await store.setRotation(moved);
        expect(await store.getRotation()).toEqual(moved);

        const done: RootRotation = {
          phase: 'idle',
          oldRootId: null,
          newRootId: null,
          updatedAt: '2026-11-27T13:00:00.000Z',
          updatedBy: 'user:default/bob',
        };
        await store.setRotation(done);
        expect(await store.getRotation()).toEqual(done);
        expect(await countRows(knex, 'trust_rotation')).toBe(1);
        await expect(
          knex('trust_rotation').insert({
            id: 2,
            phase: 'idle',
            updated_at: new Date(),
            updated_by: 'sneaky',
          }),
        ).rejects.toThrow();
      });

      it('refuses a rotation that names an unknown root', async () => {
        const { store } = await createStore();
        await expect(
          store.setRotation({
            phase: 'trusting-both',
            oldRootId: 'root-1',
            newRootId: 'root-2',
            updatedAt: '2026-11-25T13:00:00.000Z',
            updatedBy: 'user:default/alice',
          }),
        ).rejects.toThrow();
        expect((await store.getRotation()).phase).toBe('idle');
      });
    });

    it('migrates down and up again', async () => {
      const { knex, store } = await createStore();
      await store.insertRoot(activeRoot);
      const tables = [
        'ca_roots',
        'ca_intermediates',
        'ca_pending_csrs',
        'trust_rotation',
        'audit_events',
      ];

      await knex.migrate.down({ ...migrations, name: '20261125b_trust.js' });
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('cluster_observations')).toBe(true);

      await knex.migrate.latest(migrations);
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await store.insertRoot(activeRoot);
      await store.replaceCurrentIntermediate(intermediate('cluster-1', 1));
      expect(await store.listCurrentIntermediates()).toEqual([
        intermediate('cluster-1', 1),
      ]);

      await knex.migrate.rollback(migrations, true);
      expect(await knex.schema.hasTable('ca_roots')).toBe(false);
      expect(await knex.schema.hasTable('cluster_observations')).toBe(false);
    });
  });
});
