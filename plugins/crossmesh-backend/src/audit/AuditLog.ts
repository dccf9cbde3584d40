import type {
  AuditEvent,
  AuditEventList,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * An event to append: the log stamps its id, and its time unless one is given. Events that
 * concern no cluster or certificate leave those fields out.
 *
 * @internal
 */
export type NewAuditEvent = Pick<AuditEvent, 'actor' | 'action'> &
  Partial<
    Pick<
      AuditEvent,
      'occurredAt' | 'clusterName' | 'serial' | 'fingerprintSha256' | 'details'
    >
  >;

/**
 * Filters and page of {@link AuditLog.list}.
 *
 * @internal
 */
export interface AuditLogQuery {
  clusterName?: string;
  /** One action, or any of several. */
  action?: string | readonly string[];
  actor?: string;
  limit: number;
  offset: number;
}

/**
 * crossmesh's audit log: every signing, import, distribution, decision and cluster write,
 * append-only. Features below the HTTP layer write to it; none owns it.
 *
 * A log opened on a transaction (see `DatabaseAuditLog` and `UnitOfWork`) appends inside
 * that transaction, so an event is committed with the state change it records, or not at
 * all. A log opened on the database commits each event on its own: use that only for
 * events that record something outside the database, such as a cluster write.
 *
 * @internal
 */
export interface AuditLog {
  /** Appends one event and returns it as stored, with its id and time. */
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Newest first, with the number of events the filters match. */
  list(query: AuditLogQuery): Promise<AuditEventList>;
}
