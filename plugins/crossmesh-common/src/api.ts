import { ExposureRequest, ExposurePort } from './exposures';

/**
 * A mesh root CA as the backend reports it; never its key.
 *
 * @public
 */
export interface TrustRoot {
  id: string;
  certPem: string;
  keyType: string;
  fingerprintSha256: string;
  serial: string;
  subject: string;
  notAfter: string;
  source: 'generated' | 'imported' | 'offline';
  state: 'active' | 'incoming' | 'retired';
  /** Whether crossmesh holds the root's key (false for an offline root). */
  holdsKey: boolean;
  createdAt: string;
  createdBy: string;
}

/**
 * A cluster's intermediate CA.
 *
 * @public
 */
export interface TrustIntermediate {
  id: string;
  clusterName: string;
  rootId: string;
  certPem: string;
  keyType: string;
  serial: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  state: 'current' | 'superseded';
  createdAt: string;
  createdBy: string;
}

/**
 * Where a root rotation stands.
 *
 * @public
 */
export interface TrustRotation {
  phase: 'idle' | 'trusting-both' | 'intermediates-moved';
  oldRootId: string | null;
  newRootId: string | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Response of `GET /trust`.
 *
 * @public
 */
export interface TrustState {
  mode: 'managed' | 'offline-root';
  roots: TrustRoot[];
  intermediates: TrustIntermediate[];
  pendingCsrs: { clusterName: string; createdAt: string }[];
  rotation: TrustRotation;
}

/**
 * What crossmesh found in one cluster's `cacerts` (an item of `GET /trust/drift`).
 *
 * @public
 */
export interface TrustInspection {
  cluster: string;
  report?: {
    status:
      | 'ok'
      | 'missing'
      | 'missing-keys'
      | 'foreign-root'
      | 'expiring'
      | 'expired'
      | 'invalid';
    detail: string;
  };
  replacedBySomeoneElse: boolean;
  replacementDetails?: string[];
  drift: boolean;
  error?: string;
}

/**
 * One entry of crossmesh's audit log.
 *
 * @public
 */
export interface AuditEvent {
  id: number;
  occurredAt: string;
  actor: string;
  action: string;
  clusterName: string | null;
  serial: string | null;
  fingerprintSha256: string | null;
  details: Record<string, unknown>;
}

/**
 * A page of the audit log.
 *
 * @public
 */
export interface AuditEventList {
  items: AuditEvent[];
  totalCount: number;
}

/**
 * Filters of `GET /audit-events`.
 *
 * @public
 */
export interface AuditEventQuery {
  clusterName?: string;
  action?: string;
  actor?: string;
  limit?: number;
  offset?: number;
}

/**
 * A page of exposure requests.
 *
 * @public
 */
export interface ExposureRequestList {
  items: ExposureRequest[];
  totalCount: number;
}

/**
 * Filters of `GET /exposures`.
 *
 * @public
 */
export interface ExposureRequestQuery {
  /** One or more states. */
  state?: string[];
  entityRef?: string;
  cluster?: string;
  requestedBy?: string;
  limit?: number;
  offset?: number;
}

/**
 * Body of `POST /exposures`. The service's name, namespace and ports default to the
 * entity's annotations; the source cluster to its `crossmesh.io/cluster` annotation.
 *
 * @public
 */
export interface NewExposureRequest {
  entityRef: string;
  service?: { name?: string; namespace?: string; ports?: ExposurePort[] };
  sourceCluster?: string;
  consumerClusters: string[];
  consumerNamespaces?: string[];
  reason: string;
  endDate?: string | null;
}

/**
 * The manifests approving a request would apply, per cluster.
 *
 * @public
 */
export interface ExposurePreview {
  requestId: string;
  host: string;
  vip: string;
  /** True until approval allocates the VIP for good. */
  vipIsProvisional: boolean;
  clusters: {
    cluster: string;
    role: 'consumer' | 'exporter';
    yaml: string;
    error?: string;
  }[];
}
