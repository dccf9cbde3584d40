import { ExposureRequest, ExposurePort } from './exposures';

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
    /**
     * multi-primary: the `serviceSettings` entry approval adds to this cluster's mesh config
     * (ConfigMap `istio-system/istio`), as YAML; `yaml` is then empty.
     */
    meshConfig?: string;
    error?: string;
  }[];
}

/**
 * `.global` DNS wiring of one cluster after a reconcile pass.
 *
 * `wired`: the pass wrote crossmesh's forwarding to istiocoredns; `unchanged`: the
 * forwarding was already in place; `not-needed`: the sidecars' DNS proxy resolves
 * `.global` (dns-proxy strategy), or the cluster wants no forwarding (it consumes no
 * exposure and is not a registered member), so crossmesh's is absent; `failed`: see
 * `dnsError`. A cluster whose CoreDNS ConfigMap is in Git (`dnsFile`, ADR 0037):
 * `waiting-for-merge`, the edit is a pull request not merged yet; `syncing`, Git holds it
 * and the cluster does not yet; `dnsDetail` says which pull request.
 *
 * @public
 */
export type ReconcileDnsState =
  | 'wired'
  | 'unchanged'
  | 'not-needed'
  | 'failed'
  | 'waiting-for-merge'
  | 'syncing';

/**
 * What the last reconcile pass did in one cluster (an item of `GET /reconcile/status`).
 *
 * @public
 */
export interface ClusterReconcileStatus {
  cluster: string;
  /** When the pass ended, ISO 8601. */
  finishedAt: string;
  /** True when the cluster converged and its DNS wiring, if any, succeeded. */
  ok: boolean;
  /** What was left undone, in words; null when ok. */
  error: string | null;
  /** Objects created or repaired. */
  applied: number;
  /** Managed objects removed because nothing wants them any more. */
  removed: number;
  /** Null when DNS was not attempted: the cluster could not be read or its strategy is unknown. */
  dns: ReconcileDnsState | null;
  dnsError: string | null;
  /** `waiting-for-merge` and `syncing`: what the DNS edit waits for, with its pull request. */
  dnsDetail?: string;
}

/**
 * Response of `GET /reconcile/status`.
 *
 * @public
 */
export interface ReconcileStatusList {
  items: ClusterReconcileStatus[];
}

/**
 * One of this backend replica's watches of a cluster (`crossmesh.watchClusters`): the
 * managed kinds of Istio objects, `cacerts`, each DNS ConfigMap.
 *
 * @public
 */
export interface ClusterWatchState {
  cluster: string;
  /** What it watches: `serviceentries`, `cacerts`, `configmap coredns`, ... */
  watch: string;
  /** Listed and watching: changes are acted on at once. */
  synced: boolean;
  /** While not synced, why its last attempt failed (it retries with backoff); else null. */
  error: string | null;
  /** Its latest (re)lists and failures, oldest first. */
  history: Array<{
    at: string;
    what: 'listed' | 'expired' | 'failed';
    detail?: string;
  }>;
}

/**
 * Response of `GET /reconcile/watches`.
 *
 * @public
 */
export interface ClusterWatchList {
  /** False when `crossmesh.watchClusters` is off: changes wait for the timed pass. */
  enabled: boolean;
  items: ClusterWatchState[];
}

/**
 * Response of `GET /service-ports`: the ports to prefill an exposure request with.
 *
 * @public
 */
export interface ServicePorts {
  ports: ExposurePort[];
  /** `annotation`: the entity's `crossmesh.io/ports`; `service`: its Kubernetes Service. */
  source: 'annotation' | 'service';
  /** The Service read, when `source` is `service`. */
  service?: { cluster: string; namespace: string; name: string };
}
