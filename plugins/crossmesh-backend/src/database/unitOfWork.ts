import { Knex } from 'knex';

/**
 * Runs `work` in one database transaction and hands it stores that write inside that
 * transaction. When `work` resolves, everything they wrote is committed together; when it
 * throws, nothing they wrote stays and the error is passed on. Reads through the stores see
 * the transaction's own writes. A unit of work started inside another one's transaction
 * becomes part of it (a savepoint): the outer rollback takes it along.
 *
 * This is how a state change and the audit event that records it are written: both or
 * neither.
 *
 * @internal
 */
export type UnitOfWork<Stores> = <T>(
  work: (stores: Stores) => Promise<T>,
) => Promise<T>;

/**
 * A {@link UnitOfWork} on a knex database: `open` makes the stores on the transaction.
 *
 * @internal
 */
export function knexUnitOfWork<Stores>(
  db: Knex | Knex.Transaction,
  open: (trx: Knex.Transaction) => Stores,
): UnitOfWork<Stores> {
  return work => db.transaction(trx => work(open(trx)));
}
