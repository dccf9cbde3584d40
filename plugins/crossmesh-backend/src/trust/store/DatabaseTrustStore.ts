import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  DbTimestamp,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import {
  PendingCsr,
  RootRotation,
  StoredIntermediate,
  StoredRoot,
  TrustStore,
} from './TrustStore';

const ROOTS = 'ca_roots';
const INTERMEDIATES = 'ca_intermediates';
const PENDING_CSRS = 'ca_pending_csrs';
const ROTATION = 'trust_rotation';

/** The only row of `trust_rotation`; the table has a check constraint to match. */
const ROTATION_ROW_ID = 1;

interface RootRow {
  id: string;
  cert_pem: string;
  sealed_key: string | null;
  key_type: string;
  fingerprint_sha256: string;
  serial: string;
  subject: string;
  not_after: DbTimestamp;
  source: string;
  state: string;
  created_at: DbTimestamp;
  created_by: string;
}

interface IntermediateRow {
  id: string;
  cluster_name: string;
  root_id: string;
  cert_pem: string;
  sealed_key: string;
  key_type: string;
  serial: string;
  fingerprint_sha256: string;
  not_before: DbTimestamp;
  not_after: DbTimestamp;
  state: string;
  created_at: DbTimestamp;
  created_by: string;
}

interface PendingCsrRow {
  cluster_name: string;
  csr_pem: string;
  sealed_key: string;
  key_type: string;
  created_at: DbTimestamp;
  created_by: string;
}

interface RotationRow {
  id: number;
  phase: string;
  old_root_id: string | null;
  new_root_id: string | null;
  updated_at: DbTimestamp;
  updated_by: string;
}

/**
 * {@link TrustStore} on the plugin's database (SQLite or PostgreSQL). Expects the
 * `20261125b_trust` migration to have run.
 *
 * @internal
 */
export class DatabaseTrustStore implements TrustStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async listRoots(): Promise<StoredRoot[]> {
    const rows = await this.db<RootRow>(ROOTS).orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(rootFromRow);
  }

  async getRoot(id: string): Promise<StoredRoot | undefined> {
    const row = await this.db<RootRow>(ROOTS).where({ id }).first();
    return row ? rootFromRow(row) : undefined;
  }

  async getActiveRoot(): Promise<StoredRoot | undefined> {
    // The schema does not forbid two active roots (a caller may activate the new one before
    // retiring the old inside a transaction); prefer the newest so the answer is stable.
    const row = await this.db<RootRow>(ROOTS)
      .where({ state: 'active' })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? rootFromRow(row) : undefined;
  }

  async insertRoot(root: StoredRoot): Promise<void> {
    await this.db<RootRow>(ROOTS).insert(rootToRow(root));
  }

  async setRootState(id: string, state: StoredRoot['state']): Promise<void> {
    const updated = await this.db<RootRow>(ROOTS)
      .where({ id })
      .update({ state });
    if (updated === 0) {
      throw new NotFoundError(`No root CA with id '${id}'`);
    }
  }

  async listCurrentIntermediates(): Promise<StoredIntermediate[]> {
    const rows = await this.db<IntermediateRow>(INTERMEDIATES)
      .where({ state: 'current' })
      .orderBy('cluster_name');
    return rows.map(intermediateFromRow);
  }

  async getCurrentIntermediate(
    clusterName: string,
  ): Promise<StoredIntermediate | undefined> {
    const row = await this.db<IntermediateRow>(INTERMEDIATES)
      .where({ cluster_name: clusterName, state: 'current' })
      .first();
    return row ? intermediateFromRow(row) : undefined;
  }

  async replaceCurrentIntermediate(
    intermediate: StoredIntermediate,
  ): Promise<void> {
    if (intermediate.state !== 'current') {
      throw new InputError(
        `A replacement intermediate must be 'current', not '${intermediate.state}'`,
      );
    }
    const row = intermediateToRow(intermediate);
    // If two replacements for one cluster race, the unique index on current intermediates
    // makes the later insert fail instead of leaving two current. Inside a transaction
    // this is a savepoint of it.
    await this.db.transaction(async trx => {
      await trx<IntermediateRow>(INTERMEDIATES)
        .where({ cluster_name: intermediate.clusterName, state: 'current' })
        .update({ state: 'superseded' });
      await trx<IntermediateRow>(INTERMEDIATES).insert(row);
    });
  }

  async getPendingCsr(clusterName: string): Promise<PendingCsr | undefined> {
    const row = await this.db<PendingCsrRow>(PENDING_CSRS)
      .where({ cluster_name: clusterName })
      .first();
    return row ? pendingCsrFromRow(row) : undefined;
  }

  async putPendingCsr(csr: PendingCsr): Promise<void> {
    await this.db<PendingCsrRow>(PENDING_CSRS)
      .insert(pendingCsrToRow(csr))
      .onConflict('cluster_name')
      .merge();
  }

  async deletePendingCsr(clusterName: string): Promise<void> {
    await this.db<PendingCsrRow>(PENDING_CSRS)
      .where({ cluster_name: clusterName })
      .delete();
  }

  async getRotation(): Promise<RootRotation> {
    const row = await this.db<RotationRow>(ROTATION)
      .where({ id: ROTATION_ROW_ID })
      .first();
    if (!row) {
      return {
        phase: 'idle',
        oldRootId: null,
        newRootId: null,
        updatedAt: new Date(0).toISOString(),
        updatedBy: 'nobody',
      };
    }
    return {
      phase: row.phase as RootRotation['phase'],
      oldRootId: row.old_root_id,
      newRootId: row.new_root_id,
      updatedAt: timestampFromDb(row.updated_at),
      updatedBy: row.updated_by,
    };
  }

  async setRotation(rotation: RootRotation): Promise<void> {
    await this.db<RotationRow>(ROTATION)
      .insert({
        id: ROTATION_ROW_ID,
        phase: rotation.phase,
        old_root_id: rotation.oldRootId,
        new_root_id: rotation.newRootId,
        updated_at: timestampToDb(rotation.updatedAt, 'updatedAt'),
        updated_by: rotation.updatedBy,
      })
      .onConflict('id')
      .merge();
  }
}

function rootToRow(root: StoredRoot): RootRow {
  return {
    id: root.id,
    cert_pem: root.certPem,
    sealed_key: root.sealedKey,
    key_type: root.keyType,
    fingerprint_sha256: root.fingerprintSha256,
    serial: root.serial,
    subject: root.subject,
    not_after: timestampToDb(root.notAfter, 'notAfter'),
    source: root.source,
    state: root.state,
    created_at: timestampToDb(root.createdAt, 'createdAt'),
    created_by: root.createdBy,
  };
}

function rootFromRow(row: RootRow): StoredRoot {
  return {
    id: row.id,
    certPem: row.cert_pem,
    sealedKey: row.sealed_key,
    keyType: row.key_type,
    fingerprintSha256: row.fingerprint_sha256,
    serial: row.serial,
    subject: row.subject,
    notAfter: timestampFromDb(row.not_after),
    source: row.source as StoredRoot['source'],
    state: row.state as StoredRoot['state'],
    createdAt: timestampFromDb(row.created_at),
    createdBy: row.created_by,
  };
}

function intermediateToRow(i: StoredIntermediate): IntermediateRow {
  return {
    id: i.id,
    cluster_name: i.clusterName,
    root_id: i.rootId,
    cert_pem: i.certPem,
    sealed_key: i.sealedKey,
    key_type: i.keyType,
    serial: i.serial,
    fingerprint_sha256: i.fingerprintSha256,
    not_before: timestampToDb(i.notBefore, 'notBefore'),
    not_after: timestampToDb(i.notAfter, 'notAfter'),
    state: i.state,
    created_at: timestampToDb(i.createdAt, 'createdAt'),
    created_by: i.createdBy,
  };
}

function intermediateFromRow(row: IntermediateRow): StoredIntermediate {
  return {
    id: row.id,
    clusterName: row.cluster_name,
    rootId: row.root_id,
    certPem: row.cert_pem,
    sealedKey: row.sealed_key,
    keyType: row.key_type,
    serial: row.serial,
    fingerprintSha256: row.fingerprint_sha256,
    notBefore: timestampFromDb(row.not_before),
    notAfter: timestampFromDb(row.not_after),
    state: row.state as StoredIntermediate['state'],
    createdAt: timestampFromDb(row.created_at),
    createdBy: row.created_by,
  };
}

function pendingCsrToRow(csr: PendingCsr): PendingCsrRow {
  return {
    cluster_name: csr.clusterName,
    csr_pem: csr.csrPem,
    sealed_key: csr.sealedKey,
    key_type: csr.keyType,
    created_at: timestampToDb(csr.createdAt, 'createdAt'),
    created_by: csr.createdBy,
  };
}

function pendingCsrFromRow(row: PendingCsrRow): PendingCsr {
  return {
    clusterName: row.cluster_name,
    csrPem: row.csr_pem,
    sealedKey: row.sealed_key,
    keyType: row.key_type,
    createdAt: timestampFromDb(row.created_at),
    createdBy: row.created_by,
  };
}
