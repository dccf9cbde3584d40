import { ConflictError } from '@backstage/errors';
import {
  ExposureClusterStatus,
  ExposureRequest,
  ExposureRequestState,
  OPEN_EXPOSURE_STATES,
  VIP_HOLDING_EXPOSURE_STATES,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  nullableTimestampToDb,
  timestampToDb,
} from '../../database/timestamps';
import { ipv4ToNumber } from '../vip/ipv4';
import {
  clusterFromRow,
  ClusterRow,
  clusterToRow,
  ConsumerRow,
  requestFromRow,
  RequestRow,
  requestToRow,
  vipFromRow,
  VipRow,
} from './exposureRows';
import {
  ClusterPullRequest,
  ExposureRequestChanges,
  ExposureRequestQuery,
  ExposureStore,
  VipAllocation,
} from './ExposureStore';

const REQUESTS = 'exposure_requests';
const CONSUMERS = 'exposure_request_consumers';
const CLUSTERS = 'exposure_request_clusters';
const VIPS = 'vip_allocations';
/**
 * How many times {@link DatabaseExposureStore.allocateVip} proposes an address before giving
 * up. Each lost race means another host got an address, so in practice only a proposer that
 * ignores `inUse`, or a very busy mesh, gets near this.
 */
const DEFAULT_VIP_ATTEMPTS = 100;

/**
 * @internal
 */
export interface DatabaseExposureStoreOptions {
  /** How many addresses `allocateVip` tries before it fails. Default 100. */
  vipAttempts?: number;
}

/**
 * {@link ExposureStore} on the plugin's database (SQLite or PostgreSQL). Expects the
 * `20261125c_exposures` migration to have run.
 *
 * @internal
 */
export class DatabaseExposureStore implements ExposureStore {
  private readonly vipAttempts: number;

  constructor(
    private readonly db: Knex | Knex.Transaction,
    options: DatabaseExposureStoreOptions = {},
  ) {
    this.vipAttempts = options.vipAttempts ?? DEFAULT_VIP_ATTEMPTS;
  }

  async insertRequest(request: ExposureRequest): Promise<void> {
    const row = requestToRow(request);
    const consumers = [...new Set(request.consumerClusters)].map(cluster => ({
      request_id: request.id,
      cluster,
    }));
    const clusters = request.clusters.map(status =>
      clusterToRow(request.id, status),
    );
    await this.inTransaction(async trx => {
      await trx<RequestRow>(REQUESTS).insert(row);
      if (consumers.length > 0) {
        await trx<ConsumerRow>(CONSUMERS).insert(consumers);
      }
      if (clusters.length > 0) {
        await trx<ClusterRow>(CLUSTERS).insert(clusters);
      }
    });
  }

  async getRequest(id: string): Promise<ExposureRequest | undefined> {
    const row = await this.db<RequestRow>(REQUESTS).where({ id }).first();
    if (!row) {
      return undefined;
    }
    const [request] = await this.withClusters([row]);
    return request;
  }

  async listRequests(
    query: ExposureRequestQuery,
  ): Promise<{ items: ExposureRequest[]; totalCount: number }> {
    const filtered = () => {
      const q = this.db<RequestRow>(REQUESTS);
      if (query.states !== undefined) {
        q.whereIn('state', query.states);
      }
      if (query.entityRef !== undefined) {
        q.where('entity_ref', query.entityRef);
      }
      if (query.requestedBy !== undefined) {
        q.where('requested_by', query.requestedBy);
      }
      if (query.cluster !== undefined) {
        const cluster = query.cluster;
        q.where(inner =>
          inner
            .where('source_cluster', cluster)
            .orWhereExists(this.consumes([cluster])),
        );
      }
      return q;
    };
    const [rows, [{ count }]] = await Promise.all([
      filtered()
        .select('*')
        .orderBy([
          { column: 'requested_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(query.limit)
        .offset(query.offset),
      filtered().count({ count: '*' }),
    ]);
    return {
      items: await this.withClusters(rows as RequestRow[]),
      totalCount: Number(count),
    };
  }

  async findOpenRequests(
    host: string,
    consumerClusters: string[],
  ): Promise<ExposureRequest[]> {
    if (consumerClusters.length === 0) {
      return [];
    }
    const rows = await this.db<RequestRow>(REQUESTS)
      .where('host', host)
      .whereIn('state', OPEN_EXPOSURE_STATES)
      .whereExists(this.consumes([...new Set(consumerClusters)]))
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return this.withClusters(rows);
  }

  async transitionRequest(
    id: string,
    from: ExposureRequestState,
    to: ExposureRequestState,
    changes: ExposureRequestChanges = {},
  ): Promise<boolean> {
    const update: Partial<RequestRow> = {
      state: to,
      updated_at: timestampToDb(
        changes.updatedAt ?? new Date().toISOString(),
        'updatedAt',
      ),
    };
    if (changes.decidedBy !== undefined) {
      update.decided_by = changes.decidedBy;
    }
    if (changes.decidedAt !== undefined) {
      update.decided_at = nullableTimestampToDb(changes.decidedAt, 'decidedAt');
    }
    if (changes.decisionComment !== undefined) {
      update.decision_comment = changes.decisionComment;
    }
    if (changes.vip !== undefined) {
      update.vip = changes.vip;
    }
    const updated = await this.db<RequestRow>(REQUESTS)
      .where({ id, state: from })
      .update(update);
    return updated === 1;
  }

  async setClusterStatus(
    id: string,
    status: ExposureClusterStatus,
  ): Promise<void> {
    await this.db<ClusterRow>(CLUSTERS)
      .insert(clusterToRow(id, status))
      .onConflict(['request_id', 'cluster', 'role'])
      .merge([
        'state',
        'last_error',
        'pull_request_number',
        'pull_request_url',
        'updated_at',
      ]);
  }

  async listPullRequestsWaitingForMerge(): Promise<ClusterPullRequest[]> {
    const rows: ClusterPullRequest[] = await this.db<ClusterRow>(CLUSTERS)
      .join(REQUESTS, `${REQUESTS}.id`, `${CLUSTERS}.request_id`)
      .whereIn(`${REQUESTS}.state`, [...OPEN_EXPOSURE_STATES])
      .where(`${CLUSTERS}.state`, 'waiting-for-merge')
      .whereNotNull(`${CLUSTERS}.pull_request_number`)
      .whereNotNull(`${CLUSTERS}.pull_request_url`)
      .distinct({
        cluster: `${CLUSTERS}.cluster`,
        number: `${CLUSTERS}.pull_request_number`,
        url: `${CLUSTERS}.pull_request_url`,
      })
      .orderBy([
        { column: 'cluster', order: 'asc' },
        { column: 'number', order: 'asc' },
      ]);
    return rows.map(({ cluster, number, url }) => ({
      cluster,
      number: Number(number),
      url,
    }));
  }

  async listDriftedHosts(): Promise<Array<{ cluster: string; host: string }>> {
    return this.db<ClusterRow>(CLUSTERS)
      .join(REQUESTS, `${REQUESTS}.id`, `${CLUSTERS}.request_id`)
      .whereIn(`${REQUESTS}.state`, [...OPEN_EXPOSURE_STATES])
      .where(`${CLUSTERS}.state`, 'drifted')
      .distinct({ cluster: `${CLUSTERS}.cluster`, host: `${REQUESTS}.host` })
      .orderBy([
        { column: 'cluster', order: 'asc' },
        { column: 'host', order: 'asc' },
      ]);
  }

  async allocateVip(
    host: string,
    requestId: string,
    propose: (inUse: ReadonlySet<number>) => string,
  ): Promise<VipAllocation> {
    const refused: string[] = [];
    for (let attempt = 0; attempt < this.vipAttempts; attempt++) {
      try {
        // One transaction per attempt (a savepoint when already in one): on PostgreSQL a
        // failed insert poisons the transaction it ran in.
        return await this.db.transaction(async trx => {
          const existing = await trx<VipRow>(VIPS).where({ host }).first();
          if (existing) {
            return vipFromRow(existing);
          }
          const addresses = await trx<VipRow>(VIPS).pluck('address');
          const inUse = new Set(addresses.map(ipv4ToNumber));
          const address = propose(inUse);
          // Throws on anything but a dotted quad, before it reaches the table.
          ipv4ToNumber(address);
          const row: VipRow = {
            host,
            address,
            request_id: requestId,
            allocated_at: new Date(),
          };
          try {
            await trx<VipRow>(VIPS).insert(row);
          } catch (error) {
            if (isUniqueViolation(error)) {
              refused.push(address);
            }
            throw error;
          }
          return vipFromRow(row);
        });
      } catch (error) {
        if (!isUniqueViolation(error)) {
          throw error;
        }
      }
    }
    throw new ConflictError(
      `Could not allocate a VIP for '${host}': ${refused.length} proposed addresses ` +
        `(the last ${
          refused[refused.length - 1]
        }) were taken by other hosts first`,
    );
  }

  async getVip(host: string): Promise<VipAllocation | undefined> {
    const row = await this.db<VipRow>(VIPS).where({ host }).first();
    return row ? vipFromRow(row) : undefined;
  }

  async listVips(): Promise<VipAllocation[]> {
    const rows = await this.db<VipRow>(VIPS).orderBy('host');
    return rows.map(vipFromRow);
  }

  async releaseVip(host: string): Promise<void> {
    // Another request for the same host (to other consumer clusters) may still use the VIP;
    // the last one to be removed frees it.
    await this.db<VipRow>(VIPS)
      .where({ host })
      .whereNotExists(
        this.db<RequestRow>(REQUESTS)
          .select(this.db.raw('1'))
          .where('host', host)
          .whereIn('state', VIP_HOLDING_EXPOSURE_STATES),
      )
      .delete();
  }

  private async inTransaction<T>(
    work: (trx: Knex | Knex.Transaction) => Promise<T>,
  ): Promise<T> {
    if ((this.db as Knex.Transaction).isTransaction) {
      return work(this.db);
    }
    return this.db.transaction(work);
  }

  /** A subquery for `whereExists`: the request consumes one of `clusters`. */
  private consumes(clusters: string[]) {
    return this.db<ConsumerRow>(CONSUMERS)
      .select(this.db.raw('1'))
      .whereRaw('??.?? = ??.??', [CONSUMERS, 'request_id', REQUESTS, 'id'])
      .whereIn('cluster', clusters);
  }

  private async withClusters(rows: RequestRow[]): Promise<ExposureRequest[]> {
    if (rows.length === 0) {
      return [];
    }
    const clusterRows = await this.db<ClusterRow>(CLUSTERS)
      .whereIn(
        'request_id',
        rows.map(row => row.id),
      )
      .orderBy([
        { column: 'cluster', order: 'asc' },
        { column: 'role', order: 'asc' },
      ]);
    const byRequest = new Map<string, ExposureClusterStatus[]>();
    for (const clusterRow of clusterRows) {
      const list = byRequest.get(clusterRow.request_id) ?? [];
      list.push(clusterFromRow(clusterRow));
      byRequest.set(clusterRow.request_id, list);
    }
    return rows.map(row => requestFromRow(row, byRequest.get(row.id) ?? []));
  }
}

/** PostgreSQL reports `23505`; better-sqlite3 names the constraint kind. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
