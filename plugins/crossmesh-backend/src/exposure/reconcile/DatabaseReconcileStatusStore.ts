import {
  ClusterReconcileStatus,
  ReconcileDnsState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import { ReconcileStatusStore } from './ReconcileStatusStore';

const TABLE = 'reconcile_status';

interface StatusRow {
  cluster_name: string;
  finished_at: DbTimestamp;
  ok: boolean | number;
  error: string | null;
  applied: number;
  removed: number;
  dns: string | null;
  dns_error: string | null;
  dns_detail?: string | null;
}

/**
 * {@link ReconcileStatusStore} on the plugin's database (SQLite or PostgreSQL).
 *
 * @internal
 */
export class DatabaseReconcileStatusStore implements ReconcileStatusStore {
  constructor(private readonly db: Knex) {}

  async recordPass(statuses: ClusterReconcileStatus[]): Promise<void> {
    await this.db.transaction(async tx => {
      if (statuses.length > 0) {
        await tx<StatusRow>(TABLE)
          .insert(statuses.map(toRow))
          .onConflict('cluster_name')
          .merge();
      }
      await tx<StatusRow>(TABLE)
        .whereNotIn(
          'cluster_name',
          statuses.map(s => s.cluster),
        )
        .delete();
    });
  }

  async list(): Promise<ClusterReconcileStatus[]> {
    const rows = await this.db<StatusRow>(TABLE).orderBy('cluster_name');
    return rows.map(fromRow);
  }
}

function toRow(s: ClusterReconcileStatus): StatusRow {
  return {
    cluster_name: s.cluster,
    finished_at: timestampToDb(s.finishedAt, 'finishedAt'),
    ok: s.ok,
    error: s.error,
    applied: s.applied,
    removed: s.removed,
    dns: s.dns,
    dns_error: s.dnsError,
    dns_detail: s.dnsDetail ?? null,
  };
}

function fromRow(row: StatusRow): ClusterReconcileStatus {
  return {
    cluster: row.cluster_name,
    finishedAt: timestampFromDb(row.finished_at),
    // SQLite hands booleans back as 1/0.
    ok: Boolean(row.ok),
    error: row.error,
    applied: Number(row.applied),
    removed: Number(row.removed),
    dns: row.dns as ReconcileDnsState | null,
    dnsError: row.dns_error,
    ...(row.dns_detail ? { dnsDetail: row.dns_detail } : {}),
  };
}
