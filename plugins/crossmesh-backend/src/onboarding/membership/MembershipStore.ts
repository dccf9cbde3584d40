import {
  AuditEvent,
  ClusterMembership,
  IntermediateKeyType,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * What a registration sets; the rest of {@link ClusterMembership} is bookkeeping.
 *
 * @internal
 */
export interface MembershipFields {
  cluster: string;
  network: string;
  gatewayAddress: string | null;
  gatewayPort: number | null;
  keyType: IntermediateKeyType | null;
}

/**
 * What {@link MembershipStore.put} did.
 *
 * @internal
 */
export type MembershipWriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * What {@link MembershipStore.put} wrote: the membership, and the audit event of a change.
 *
 * @internal
 */
export interface MembershipWrite {
  membership: ClusterMembership;
  outcome: MembershipWriteOutcome;
  /** Absent when nothing changed. */
  event?: AuditEvent;
}

/**
 * The mesh's cluster registrations.
 *
 * @internal
 */
export interface MembershipStore {
  get(cluster: string): Promise<ClusterMembership | undefined>;
  list(): Promise<ClusterMembership[]>;
  /**
   * Creates or updates the cluster's membership and, when anything changed, appends the
   * audit event in the same transaction. A put with the same fields changes nothing.
   */
  put(
    fields: MembershipFields,
    actor: string,
    now: Date,
  ): Promise<MembershipWrite>;
}
