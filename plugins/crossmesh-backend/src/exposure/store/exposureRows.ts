import {
  ExposureClusterStatus,
  ExposurePort,
  ExposureRequest,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  DbTimestamp,
  nullableTimestampFromDb,
  nullableTimestampToDb,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import type { VipAllocation } from './ExposureStore';

// The rows of the exposure tables (migration 20261125c_exposures) and their mapping to
// crossmesh's types.

/** @internal */
export interface RequestRow {
  id: string;
  entity_ref: string;
  service_name: string;
  service_namespace: string;
  ports: string;
  source_cluster: string;
  consumer_clusters: string;
  consumer_namespaces: string;
  reason: string;
  end_date: DbTimestamp | null;
  state: string;
  host: string;
  vip: string | null;
  requested_by: string;
  requested_at: DbTimestamp;
  decided_by: string | null;
  decided_at: DbTimestamp | null;
  decision_comment: string | null;
  updated_at: DbTimestamp;
}

/** @internal */
export interface ConsumerRow {
  request_id: string;
  cluster: string;
}

/** @internal */
export interface ClusterRow {
  request_id: string;
  cluster: string;
  role: string;
  state: string;
  last_error: string | null;
  pull_request_number?: number | null;
  pull_request_url?: string | null;
  updated_at: DbTimestamp;
}

/** @internal */
export interface VipRow {
  host: string;
  address: string;
  request_id: string;
  allocated_at: DbTimestamp;
}

/** @internal */
export function requestToRow(request: ExposureRequest): RequestRow {
  return {
    id: request.id,
    entity_ref: request.entityRef,
    service_name: request.service.name,
    service_namespace: request.service.namespace,
    ports: JSON.stringify(request.service.ports),
    source_cluster: request.sourceCluster,
    consumer_clusters: JSON.stringify(request.consumerClusters),
    consumer_namespaces: JSON.stringify(request.consumerNamespaces),
    reason: request.reason,
    end_date: nullableTimestampToDb(request.endDate, 'endDate'),
    state: request.state,
    host: request.host,
    vip: request.vip,
    requested_by: request.requestedBy,
    requested_at: timestampToDb(request.requestedAt, 'requestedAt'),
    decided_by: request.decidedBy,
    decided_at: nullableTimestampToDb(request.decidedAt, 'decidedAt'),
    decision_comment: request.decisionComment,
    updated_at: timestampToDb(request.updatedAt, 'updatedAt'),
  };
}

/** @internal */
export function requestFromRow(
  row: RequestRow,
  clusters: ExposureClusterStatus[],
): ExposureRequest {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    service: {
      name: row.service_name,
      namespace: row.service_namespace,
      ports: JSON.parse(row.ports) as ExposurePort[],
    },
    sourceCluster: row.source_cluster,
    consumerClusters: JSON.parse(row.consumer_clusters) as string[],
    consumerNamespaces: JSON.parse(row.consumer_namespaces) as string[],
    reason: row.reason,
    endDate: nullableTimestampFromDb(row.end_date),
    state: row.state as ExposureRequestState,
    host: row.host,
    vip: row.vip,
    requestedBy: row.requested_by,
    requestedAt: timestampFromDb(row.requested_at),
    decidedBy: row.decided_by,
    decidedAt: nullableTimestampFromDb(row.decided_at),
    decisionComment: row.decision_comment,
    clusters,
    updatedAt: timestampFromDb(row.updated_at),
  };
}

/** @internal */
export function clusterToRow(
  requestId: string,
  status: ExposureClusterStatus,
): ClusterRow {
  return {
    request_id: requestId,
    cluster: status.cluster,
    role: status.role,
    state: status.state,
    last_error: status.lastError,
    pull_request_number: status.pullRequest?.number ?? null,
    pull_request_url: status.pullRequest?.url ?? null,
    updated_at: timestampToDb(status.updatedAt, 'updatedAt'),
  };
}

/** @internal */
export function clusterFromRow(row: ClusterRow): ExposureClusterStatus {
  return {
    cluster: row.cluster,
    role: row.role as ExposureClusterStatus['role'],
    state: row.state as ExposureClusterStatus['state'],
    lastError: row.last_error,
    ...(row.pull_request_number && row.pull_request_url
      ? {
          pullRequest: {
            number: row.pull_request_number,
            url: row.pull_request_url,
          },
        }
      : {}),
    updatedAt: timestampFromDb(row.updated_at),
  };
}

/** @internal */
export function vipFromRow(row: VipRow): VipAllocation {
  return {
    host: row.host,
    address: row.address,
    requestId: row.request_id,
    allocatedAt: timestampFromDb(row.allocated_at),
  };
}
