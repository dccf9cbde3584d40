import { TrustConfirmation } from '@crossmesh/backstage-plugin-crossmesh-common';
import { StoredRoot } from './TrustStore';

/**
 * The root a confirmation is about, as stored: a new root keeps its sealed key until the
 * rotation starts (null for an offline root, and for a root that is only being dropped).
 *
 * @internal
 */
export type ConfirmationRoot = Omit<
  StoredRoot,
  'id' | 'state' | 'createdAt' | 'createdBy'
>;

/**
 * A root operation one platform member asked for, waiting for another (ADR 0026).
 *
 * @internal
 */
export type StoredConfirmation = Omit<TrustConfirmation, 'root'> & {
  /** The other root when asked for: the active root to rotate from, the new root to keep. */
  basisFingerprintSha256: string;
  root: ConfirmationRoot;
};

/**
 * Storage of root operations that wait for a second platform member.
 *
 * @internal
 */
export interface ConfirmationStore {
  insert(confirmation: StoredConfirmation): Promise<void>;
  get(id: string): Promise<StoredConfirmation | undefined>;
  /** Pending and not expired at `now`, oldest first. */
  listPending(now: Date): Promise<StoredConfirmation[]>;
  /**
   * Compare-and-set: moves a confirmation that is pending and not expired at `now` to
   * `state`, recording `actor`; false (and nothing written) when it was not, so two
   * confirmations at once carry out the operation once.
   */
  complete(
    id: string,
    state: 'confirmed' | 'cancelled',
    actor: string,
    now: Date,
  ): Promise<boolean>;
}
