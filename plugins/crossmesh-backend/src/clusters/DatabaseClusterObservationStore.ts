import {
  MeshCluster,
  MeshStrategy,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  timestampFromDb,
  timestampToDb,
} from '../database/timestamps';
import { ClusterObservationStore } from './ClusterObservationStore';

const TABLE = 'cluster_observations';

interface ObservationRow {
  cluster_name: string;
  reachable: boolean | number;
  error: string | null;
  istio_version: string | null;
  istio_image: string | null;
  strategy: string | null;
  strategy_source: string | null;
  gateway_address: string | null;
  gateway_port: number | null;
  gateway_source: string | null;
  observed_at: DbTimestamp;
}

/**
 * {@link ClusterObservationStore} on the plugin's database (SQLite or PostgreSQL).
 *
 * @internal
 */
export class DatabaseClusterObservationStore
  implements ClusterObservationStore
{
  constructor(private readonly db: Knex) {}

  async record(observations: MeshCluster[]): Promise<void> {
    if (observations.length === 0) {
      return;
    }
    await this.db<ObservationRow>(TABLE)
      .insert(observations.map(toRow))
      .onConflict('cluster_name')
      .merge();
  }

  async list(): Promise<MeshCluster[]> {
    const rows = await this.db<ObservationRow>(TABLE).orderBy('cluster_name');
    return rows.map(fromRow);
  }

  async get(clusterName: string): Promise<MeshCluster | undefined> {
    const row = await this.db<ObservationRow>(TABLE)
      .where({ cluster_name: clusterName })
      .first();
    return row ? fromRow(row) : undefined;
  }
}

function toRow(o: MeshCluster): ObservationRow {
  return {
    cluster_name: o.name,
    reachable: o.reachable,
    error: o.error ?? null,
    istio_version: o.istio?.version ?? null,
    istio_image: o.istio?.image ?? null,
    strategy: o.strategy,
    strategy_source: o.strategySource,
    gateway_address: o.gateway?.address ?? null,
    gateway_port: o.gateway?.port ?? null,
    gateway_source: o.gateway?.source ?? null,
    observed_at: timestampToDb(o.observedAt, 'observedAt'),
  };
}

function fromRow(row: ObservationRow): MeshCluster {
  return {
    name: row.cluster_name,
    // SQLite hands booleans back as 1/0.
    reachable: Boolean(row.reachable),
    ...(row.error ? { error: row.error } : {}),
    istio:
      row.istio_version && row.istio_image
        ? { version: row.istio_version, image: row.istio_image }
        : null,
    strategy: row.strategy as MeshStrategy | null,
    strategySource: row.strategy_source as MeshCluster['strategySource'],
    gateway:
      row.gateway_address && row.gateway_port !== null && row.gateway_source
        ? {
            address: row.gateway_address,
            port: Number(row.gateway_port),
            source: row.gateway_source as
              | 'config'
              | 'loadBalancer'
              | 'nodePort',
          }
        : null,
    observedAt: timestampFromDb(row.observed_at),
  };
}
