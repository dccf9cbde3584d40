import { Knex } from 'knex';
import { DatabaseTrustStore } from '../../trust/store/DatabaseTrustStore';
import { DatabaseExposureStore } from '../store/DatabaseExposureStore';
import type { AdoptionTransaction } from './types';

/**
 * An {@link AdoptionTransaction} on the plugin's database: the exposure store and the
 * audit log (which lives with the trust store) share one knex transaction.
 *
 * @internal
 */
export function databaseAdoptionTransaction(db: Knex): AdoptionTransaction {
  return work =>
    db.transaction(trx =>
      work({
        store: new DatabaseExposureStore(trx),
        audit: new DatabaseTrustStore(trx),
      }),
    );
}
