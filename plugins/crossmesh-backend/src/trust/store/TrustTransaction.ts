import { Knex } from 'knex';
import { AuditLog, DatabaseAuditLog } from '../../audit';
import { knexUnitOfWork, UnitOfWork } from '../../database/unitOfWork';
import { ConfirmationStore } from './ConfirmationStore';
import { DatabaseConfirmationStore } from './DatabaseConfirmationStore';
import { DatabaseTrustStore } from './DatabaseTrustStore';
import { TrustStore } from './TrustStore';

/**
 * What a trust operation writes: CA material, rotation state, and the audit event that
 * records them.
 *
 * @internal
 */
export interface TrustWrites {
  store: TrustStore;
  confirmations: ConfirmationStore;
  audit: AuditLog;
}

/**
 * Writes a trust operation's changes and its audit event in one transaction (see
 * {@link UnitOfWork}).
 *
 * @internal
 */
export type TrustTransaction = UnitOfWork<TrustWrites>;

/**
 * A {@link TrustTransaction} on the plugin's database.
 *
 * @internal
 */
export function databaseTrustTransaction(db: Knex): TrustTransaction {
  return knexUnitOfWork(db, trx => ({
    store: new DatabaseTrustStore(trx),
    confirmations: new DatabaseConfirmationStore(trx),
    audit: new DatabaseAuditLog(trx),
  }));
}
