import { Knex } from 'knex';
import { AuditLog, DatabaseAuditLog } from '../../audit';
import { knexUnitOfWork, UnitOfWork } from '../../database/unitOfWork';
import { DatabaseExposureStore } from './DatabaseExposureStore';
import { ExposureStore } from './ExposureStore';

/**
 * What an exposure state change writes: the request (and its VIP) and the audit event
 * that records it.
 *
 * @internal
 */
export interface ExposureWrites {
  store: ExposureStore;
  audit: AuditLog;
}

/**
 * Writes a request's change and its audit event in one transaction (see
 * {@link UnitOfWork}): a failed audit insert leaves the request as it was.
 *
 * @internal
 */
export type ExposureTransaction = UnitOfWork<ExposureWrites>;

/**
 * An {@link ExposureTransaction} on the plugin's database.
 *
 * @internal
 */
export function databaseExposureTransaction(
  db: Knex,
  now?: () => Date,
): ExposureTransaction {
  return knexUnitOfWork(db, trx => ({
    store: new DatabaseExposureStore(trx),
    audit: new DatabaseAuditLog(trx, now),
  }));
}
