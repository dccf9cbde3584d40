import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { deriveKek } from '../pki';
import {
  connectionsOf,
  decode,
  readSecretAsAdmin,
} from '../__testUtils__/trustTestKit';
import { DatabaseAuditLog } from '../audit';
import { DatabaseTrustStore } from './store/DatabaseTrustStore';
import { databaseTrustTransaction } from './store/TrustTransaction';
import { DatabaseConfirmationStore } from './store/DatabaseConfirmationStore';
import { createTrustServices, TrustSettings } from '.';
import { CONFIRMATION_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const kekA = deriveKek('the first key-encryption secret, long enough');
const kekB = deriveKek('the second key-encryption secret, long enough');

describe('trust services', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  async function createService(
    settings: Partial<TrustSettings>,
    now: () => Date,
    database?: Knex,
  ) {
    let knex = database;
    if (!knex) {
      knex = await databases.init('SQLITE_3');
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@crossmesh/backstage-plugin-crossmesh-backend',
          'migrations',
        ),
      });
    }
    const audit = new DatabaseAuditLog(knex);
    const service = createTrustServices({
      stores: {
        store: new DatabaseTrustStore(knex),
        confirmations: new DatabaseConfirmationStore(knex),
        transaction: databaseTrustTransaction(knex),
        audit,
      },
      clients: new KubernetesClients(),
      connections: connectionsOf(bed),
      settings: {
        mode: 'managed',
        kek: kekA,
        previousKeks: [],
        intermediateKeyType: 'rsa-2048',
        intermediateValidityDays: 60,
        renewalWindowDays: 30,
        workloadCertificateTtlMs: 0,
        ...settings,
      },
      now,
    });
    return { service, knex, audit };
  }

  it('renews an intermediate once it is inside the renewal window, and only then', async () => {
    let now = new Date();
    const { service, audit: log } = await createService({}, () => now);
    await service.roots.generateRoot(
      { keyType: 'ecdsa-p256', validityDays: 3650 },
      'user:default/carol',
    );
    const first = await service.intermediates.issueIntermediate(
      'cluster-1',
      'user:default/carol',
    );
    expect(first.distribution.changed).toBe(true);

    expect(
      await service.intermediates.renewExpiring('crossmesh:scheduler'),
    ).toEqual([]);

    now = new Date(now.getTime() + 31 * DAY);
    const renewed = await service.intermediates.renewExpiring(
      'crossmesh:scheduler',
    );
    expect(renewed).toHaveLength(1);
    expect(renewed[0].intermediate.serial).not.toBe(first.intermediate.serial);
    expect(renewed[0].distribution).toMatchObject({
      cluster: 'cluster-1',
      changed: true,
    });
    const files = decode((await readSecretAsAdmin(bed.clusters[0])).data);
    expect(files['ca-cert.pem'].trim()).toBe(
      renewed[0].intermediate.certPem.trim(),
    );

    expect(
      await service.intermediates.renewExpiring('crossmesh:scheduler'),
    ).toEqual([]);
    const audit = await log.list({
      actor: 'crossmesh:scheduler',
      limit: 10,
      offset: 0,
    });
    expect(audit.items.map(e => e.action).sort()).toEqual([
      'cacerts.distributed',
      'intermediate.signed',
    ]);
  });

  it('opens keys sealed with a previous key-encryption secret, and refuses without it', async () => {
    const now = () => new Date();
    const { service, knex } = await createService({ kek: kekA }, now);
    await service.roots.generateRoot(
      { keyType: 'ecdsa-p256', validityDays: 3650 },
      'user:default/carol',
    );

    const rotated = await createService(
      { kek: kekB, previousKeks: [kekA] },
      now,
      knex,
    );
    const issued = await rotated.service.intermediates.issueIntermediate(
      'cluster-1',
      'user:default/carol',
    );
    expect(issued.distribution.error).toBeUndefined();

    const forgotten = await createService(
      { kek: kekB, previousKeks: [] },
      now,
      knex,
    );
    await expect(
      forgotten.service.intermediates.issueIntermediate(
        'cluster-1',
        'user:default/carol',
      ),
    ).rejects.toThrow(
      `The key was sealed with KEK "${kekA.keyId}", but the configured KEK(s) are "${kekB.keyId}"`,
    );
  });

  it('lets a rotation wait 24 hours for its second platform member, then refuses it as expired; a cancelled one cannot be confirmed', async () => {
    let now = new Date();
    const { service, audit } = await createService({}, () => now);
    const active = await service.roots.generateRoot(
      { keyType: 'ecdsa-p256', validityDays: 3650 },
      'user:default/carol',
    );
    const newRoot = { keyType: 'ecdsa-p256' as const, validityDays: 3650 };
    const { confirmation } = await service.rotation.startRotation(
      newRoot,
      'user:default/carol',
    );
    expect((await service.getState()).confirmations).toEqual([confirmation]);

    now = new Date(now.getTime() + 24 * 3600_000 - 1000);
    expect((await service.getState()).confirmations).toHaveLength(1);
    now = new Date(now.getTime() + 1000);
    expect((await service.getState()).confirmations).toEqual([]);
    await expect(
      service.rotation.confirm(
        confirmation.id,
        confirmation.fingerprintSha256,
        'user:default/dave',
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      code: CONFIRMATION_ERROR_CODES.expired,
    });

    const again = await service.rotation.startRotation(
      newRoot,
      'user:default/carol',
    );
    const cancelled = await service.confirmations.cancel(
      again.confirmation.id,
      'user:default/dave',
    );
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      confirmedBy: 'user:default/dave',
    });
    await expect(
      service.rotation.confirm(
        again.confirmation.id,
        again.confirmation.fingerprintSha256,
        'user:default/dave',
      ),
    ).rejects.toMatchObject({ code: CONFIRMATION_ERROR_CODES.notPending });

    const state = await service.getState();
    expect(state.rotation.phase).toBe('idle');
    expect(state.roots.map(r => r.fingerprintSha256)).toEqual([
      active.fingerprintSha256,
    ]);
    const actions = (await audit.list({ limit: 50, offset: 0 })).items.map(
      e => e.action,
    );
    expect(actions).toEqual([
      'rotation.start.cancelled',
      'rotation.start.requested',
      'rotation.start.requested',
      'root.generated',
    ]);
  });
});
