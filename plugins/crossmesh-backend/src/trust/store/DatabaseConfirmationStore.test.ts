import { TestDatabases } from '@backstage/backend-test-utils';
import { migrationsDirectory } from '../../database/migrations';
import { StoredConfirmation } from './ConfirmationStore';
import { DatabaseConfirmationStore } from './DatabaseConfirmationStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const migrations = { directory: migrationsDirectory() };

const ASKED = new Date('2026-12-02T10:00:00.000Z');
const HOUR = 3600_000;
const at = (hours: number) => new Date(ASKED.getTime() + hours * HOUR);

function confirmation(
  id: string,
  changes: Partial<StoredConfirmation> = {},
): StoredConfirmation {
  return {
    id,
    action: 'rotation.start',
    fingerprintSha256: `AA:${id}`,
    basisFingerprintSha256: 'BB:OLD',
    root: {
      certPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      sealedKey: 'v1.sealed',
      keyType: 'ecdsa-p256',
      fingerprintSha256: `AA:${id}`,
      serial: '01',
      subject: 'O=Istio, CN=Root CA',
      notAfter: '2036-12-01T00:00:00.000Z',
      source: 'imported',
    },
    summary: 'Rotate the root',
    state: 'pending',
    requestedBy: 'user:default/carol',
    requestedAt: ASKED.toISOString(),
    expiresAt: at(24).toISOString(),
    confirmedBy: null,
    confirmedAt: null,
    ...changes,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseConfirmationStore on %p',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest(migrations);
      return { knex, store: new DatabaseConfirmationStore(knex) };
    }

    it('stores a confirmation as given and lists the pending ones not expired, oldest first', async () => {
      const { store } = await setUp();
      const first = confirmation('first');
      const later = confirmation('later', {
        action: 'rotation.drop-old-root',
        root: { ...first.root, sealedKey: null, source: 'generated' },
        requestedAt: at(1).toISOString(),
        expiresAt: at(25).toISOString(),
      });
      await store.insert(later);
      await store.insert(first);
      expect(await store.get('first')).toEqual(first);
      expect(await store.get('later')).toEqual(later);
      expect(await store.get('missing')).toBeUndefined();
      expect((await store.listPending(at(2))).map(c => c.id)).toEqual([
        'first',
        'later',
      ]);
      expect((await store.listPending(at(24))).map(c => c.id)).toEqual([
        'later',
      ]);
      expect(await store.listPending(at(25))).toEqual([]);
    });

    it('completes a pending confirmation once, and never an expired one', async () => {
      const { store } = await setUp();
      await store.insert(confirmation('c'));
      await store.insert(confirmation('old'));
      expect(await store.complete('old', 'confirmed', 'dave', at(24))).toBe(
        false,
      );
      const results = await Promise.all([
        store.complete('c', 'confirmed', 'user:default/dave', at(2)),
        store.complete('c', 'cancelled', 'user:default/erin', at(2)),
      ]);
      expect([...results].sort()).toEqual([false, true]);
      const done = await store.get('c');
      expect(done).toMatchObject({
        state: results[0] ? 'confirmed' : 'cancelled',
        confirmedAt: at(2).toISOString(),
      });
      expect(await store.complete('c', 'confirmed', 'x', at(3))).toBe(false);
      expect((await store.listPending(at(3))).map(c => c.id)).toEqual(['old']);
      expect((await store.get('old'))?.state).toBe('pending');
    });

    it('migrates down and up again', async () => {
      const { knex } = await setUp();
      await knex.migrate.down({
        ...migrations,
        name: '20261202_trust_confirmations.js',
      });
      expect(await knex.schema.hasTable('trust_confirmations')).toBe(false);
      await knex.migrate.latest(migrations);
      expect(await knex.schema.hasTable('trust_confirmations')).toBe(true);
    });
  },
);
