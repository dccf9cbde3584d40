import type { AuditEvent } from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  timestampFromDb,
  timestampToDb,
} from '../database/timestamps';
import { AuditLog, AuditLogQuery, NewAuditEvent } from './AuditLog';

const TABLE = 'audit_events';

interface AuditRow {
  id: number;
  occurred_at: DbTimestamp;
  actor: string;
  action: string;
  cluster_name: string | null;
  serial: string | null;
  fingerprint_sha256: string | null;
  details: string;
}

/**
 * {@link AuditLog} on the plugin's database (SQLite or PostgreSQL), in the `audit_events`
 * table. Opened on a transaction, it appends inside it.
 *
 * @internal
 */
export class DatabaseAuditLog implements AuditLog {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const row: Omit<AuditRow, 'id'> = {
      occurred_at: timestampToDb(
        event.occurredAt ?? this.now().toISOString(),
        'occurredAt',
      ),
      actor: event.actor,
      action: event.action,
      cluster_name: event.clusterName ?? null,
      serial: event.serial ?? null,
      fingerprint_sha256: event.fingerprintSha256 ?? null,
      details: JSON.stringify(event.details ?? {}),
    };
    const [inserted] = await this.db<AuditRow>(TABLE)
      .insert(row)
      .returning('id');
    // Depending on the driver, `returning` yields `{ id }` or the bare id.
    const id =
      typeof inserted === 'object' && inserted !== null
        ? (inserted as { id: number }).id
        : (inserted as number);
    return eventFromRow({ ...row, id: Number(id) });
  }

  async list(
    query: AuditLogQuery,
  ): Promise<{ items: AuditEvent[]; totalCount: number }> {
    const filtered = () => {
      const q = this.db<AuditRow>(TABLE);
      if (query.clusterName !== undefined) {
        q.where('cluster_name', query.clusterName);
      }
      if (typeof query.action === 'string') {
        q.where('action', query.action);
      } else if (query.action !== undefined) {
        q.whereIn('action', query.action);
      }
      if (query.actor !== undefined) {
        q.where('actor', query.actor);
      }
      return q;
    };
    const [rows, [{ count }]] = await Promise.all([
      filtered()
        .select('*')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .offset(query.offset),
      filtered().count({ count: '*' }),
    ]);
    return {
      items: (rows as AuditRow[]).map(eventFromRow),
      totalCount: Number(count),
    };
  }
}

function eventFromRow(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    occurredAt: timestampFromDb(row.occurred_at),
    actor: row.actor,
    action: row.action,
    clusterName: row.cluster_name,
    serial: row.serial,
    fingerprintSha256: row.fingerprint_sha256,
    details: JSON.parse(row.details),
  };
}
