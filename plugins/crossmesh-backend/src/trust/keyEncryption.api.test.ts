import { TestDatabases } from '@backstage/backend-test-utils';
import { KEY_ENCRYPTION_ERROR_CODE } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { Knex } from 'knex';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../__testUtils__/testBackend';
import { deriveKek } from '../pki';
import { adminApis } from '../__testUtils__/trustTestKit';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const SECRET = 'the-key-encryption-secret-the-keys-were-sealed-with';
const OTHER_SECRET = 'another-key-encryption-secret-nothing-was-sealed-with';
const PLATFORM = 'user:default/carol';

/** Every row crossmesh keeps about trust and its audit trail, in a stable order. */
async function trustRows(knex: Knex) {
  const tables = [
    'ca_roots',
    'ca_intermediates',
    'ca_pending_csrs',
    'trust_rotation',
    'audit_events',
  ];
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    rows[table] = (await knex(table).select()).map(r => JSON.stringify(r));
    rows[table].sort();
  }
  return rows;
}

/** Each cluster's cacerts and its istiod, as versions: any write changes them. */
async function clusterVersions(bed: TestBed) {
  const versions: Record<string, string | undefined> = {};
  for (const cluster of bed.clusters) {
    const { core, apps } = await adminApis(cluster);
    versions[`${cluster.name} cacerts`] = await core
      .readNamespacedSecret({ name: 'cacerts', namespace: 'istio-system' })
      .then(
        s => s.metadata?.resourceVersion,
        () => 'absent',
      );
    versions[`${cluster.name} istiod`] = (
      await apps.readNamespacedDeployment({
        name: 'istiod',
        namespace: 'istio-system',
      })
    ).metadata?.resourceVersion;
  }
  return versions;
}

describe('a missing or wrong key-encryption secret', () => {
  let bed: TestBed;
  let mesh: CrossmeshTestBackend | undefined;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });
  afterAll(async () => {
    await bed?.stop();
  });

  async function restart(knex: Knex, keyEncryptionSecret?: string) {
    await mesh?.stop();
    mesh = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      crossmesh: {
        watchClusters: true,
        trust: { intermediateKeyType: 'ecdsa-p256', keyEncryptionSecret },
      },
      knex,
    });
    return mesh.as(PLATFORM);
  }

  it.each(databases.eachSupportedId())(
    'is told by GET /trust and answers 503 with what to fix, writing nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const right = await restart(knex, SECRET);
      expect(
        (await right.post('/trust/root', { keyType: 'ecdsa-p256' })).status,
      ).toBe(201);
      expect(
        (await right.post('/trust/clusters/cluster-1/intermediate')).status,
      ).toBe(201);
      expect((await right.get('/trust')).body.keyEncryption).toEqual({
        ok: true,
      });
      const rows = await trustRows(knex);
      const versions = await clusterVersions(bed);

      const wrong = await restart(knex, OTHER_SECRET);
      const wrongKek = `The key was sealed with KEK "${
        deriveKek(SECRET).keyId
      }", but the configured KEK(s) are "${
        deriveKek(OTHER_SECRET).keyId
      }". Configure the secret that KEK was derived from (keep old secrets while rotating).`;
      const state = await wrong.get('/trust');
      expect(state.status).toBe(200);
      expect(state.body.keyEncryption).toEqual({
        ok: false,
        message: wrongKek,
      });
      const steps: Array<[string, object?]> = [
        ['/trust/clusters/cluster-2/intermediate'],
        ['/trust/clusters/cluster-1/intermediate'],
        ['/trust/distribute'],
        ['/trust/rotation', { keyType: 'ecdsa-p256' }],
      ];
      for (const [path, body] of steps) {
        const answer = await wrong.post(path, body);
        expect({
          path,
          status: answer.status,
          error: answer.body.error,
        }).toEqual({
          path,
          status: 503,
          error: {
            name: 'ServiceUnavailableError',
            message: wrongKek,
            code: KEY_ENCRYPTION_ERROR_CODE,
          },
        });
      }
      expect(await trustRows(knex)).toEqual(rows);
      expect(await clusterVersions(bed)).toEqual(versions);

      const none = await restart(knex, undefined);
      const noKek =
        'crossmesh.trust.keyEncryptionSecret is not configured, so crossmesh cannot store private keys; set it (a long random secret) and restart';
      expect((await none.get('/trust')).body.keyEncryption).toEqual({
        ok: false,
        message: noKek,
      });
      const refused = await none.post('/trust/clusters/cluster-2/intermediate');
      expect({ status: refused.status, error: refused.body.error }).toEqual({
        status: 503,
        error: {
          name: 'ServiceUnavailableError',
          message: noKek,
          code: KEY_ENCRYPTION_ERROR_CODE,
        },
      });
      expect(await trustRows(knex)).toEqual(rows);
      expect(await clusterVersions(bed)).toEqual(versions);

      // The right secret back, everything works again.
      const fixed = await restart(knex, SECRET);
      expect(
        (await fixed.post('/trust/clusters/cluster-2/intermediate')).status,
      ).toBe(201);
      expect((await fixed.get('/trust')).body.keyEncryption).toEqual({
        ok: true,
      });
    },
  );
});
