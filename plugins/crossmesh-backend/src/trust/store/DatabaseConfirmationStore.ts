import { TrustConfirmationAction } from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  nullableTimestampFromDb,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import {
  ConfirmationRoot,
  ConfirmationStore,
  StoredConfirmation,
} from './ConfirmationStore';

const TABLE = 'trust_confirmations';

interface ConfirmationRow {
  id: string;
  action: string;
  fingerprint_sha256: string;
  basis_fingerprint_sha256: string;
  root: string;
  summary: string;
  state: string;
  requested_by: string;
  requested_at: DbTimestamp;
  expires_at: DbTimestamp;
  confirmed_by: string | null;
  confirmed_at: DbTimestamp | null;
}

/**
 * {@link ConfirmationStore} on the plugin's database (SQLite or PostgreSQL). Expects the
 * `20261202_trust_confirmations` migration to have run.
 *
 * @internal
 */
export class DatabaseConfirmationStore implements ConfirmationStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async insert(c: StoredConfirmation): Promise<void> {
    await this.db<ConfirmationRow>(TABLE).insert({
      id: c.id,
      action: c.action,
      fingerprint_sha256: c.fingerprintSha256,
      basis_fingerprint_sha256: c.basisFingerprintSha256,
      root: JSON.stringify(c.root),
      summary: c.summary,
      state: c.state,
      requested_by: c.requestedBy,
      requested_at: timestampToDb(c.requestedAt, 'requestedAt'),
      expires_at: timestampToDb(c.expiresAt, 'expiresAt'),
      confirmed_by: c.confirmedBy,
      confirmed_at: c.confirmedAt
        ? timestampToDb(c.confirmedAt, 'confirmedAt')
        : null,
    });
  }

  async get(id: string): Promise<StoredConfirmation | undefined> {
    const row = await this.db<ConfirmationRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async listPending(now: Date): Promise<StoredConfirmation[]> {
    const rows = await this.db<ConfirmationRow>(TABLE)
      .where({ state: 'pending' })
      .andWhere('expires_at', '>', now)
      .orderBy([{ column: 'requested_at' }, { column: 'id' }]);
    return rows.map(fromRow);
  }

  async complete(
    id: string,
    state: 'confirmed' | 'cancelled',
    actor: string,
    now: Date,
  ): Promise<boolean> {
    const updated = await this.db<ConfirmationRow>(TABLE)
      .where({ id, state: 'pending' })
      .andWhere('expires_at', '>', now)
      .update({ state, confirmed_by: actor, confirmed_at: now });
    return updated === 1;
  }
}

function fromRow(row: ConfirmationRow): StoredConfirmation {
  return {
    id: row.id,
    action: row.action as TrustConfirmationAction,
    fingerprintSha256: row.fingerprint_sha256,
    basisFingerprintSha256: row.basis_fingerprint_sha256,
    root: JSON.parse(row.root) as ConfirmationRoot,
    summary: row.summary,
    state: row.state as StoredConfirmation['state'],
    requestedBy: row.requested_by,
    requestedAt: timestampFromDb(row.requested_at),
    expiresAt: timestampFromDb(row.expires_at),
    confirmedBy: row.confirmed_by,
    confirmedAt: nullableTimestampFromDb(row.confirmed_at),
  };
}
