import { ExposureRequest, ExposurePort } from './exposures';
import type { CacertsDistribution } from './onboarding';

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
 * Whether crossmesh can seal and open private keys with its configured key-encryption
 * secret(s). When not, `message` says what is wrong and how to fix it, and every trust
 * step that needs a key answers 503 with that message until an operator fixes the config.
 *
 * @public
 */
export interface TrustKeyEncryption {
  ok: boolean;
  message?: string;
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
  /** Intermediates are renewed this many days before they expire. */
  renewalWindowDays: number;
  keyEncryption: TrustKeyEncryption;
  /** How long the mesh's workload certificates live (`crossmesh.trust.workloadCertificateTtl`). */
  workloadCertificateTtlSeconds: number;
  /** While a rotation is under way, when its next phase may begin; null otherwise. */
  rotationWait: TrustRotationWait | null;
  /** Root operations waiting for a second platform member, oldest first; expired ones left out. */
  confirmations: TrustConfirmation[];
}

/**
 * When a rotation may take its next phase: one workload-certificate lifetime after the
 * current phase took effect in its last cluster, every workload has renewed its certificate.
 *
 * @public
 */
export interface TrustRotationWait {
  mayAdvanceAt: string;
  /** The clusters where the phase took effect last. */
  heldBackBy: string[];
  tookEffectAt: string;
}

/**
 * A root operation that needs two platform members: `rotation.start` (a rotation to a new
 * root, imported or generated, which replaces the mesh's root) and `rotation.drop-old-root`
 * (advancing past "stop trusting the old root").
 *
 * @public
 */
export type TrustConfirmationAction =
  | 'rotation.start'
  | 'rotation.drop-old-root';

/**
 * A root operation one platform member asked for, waiting for a different platform member
 * to confirm it before anything changes (`POST /trust/confirmations/{id}/confirm` with
 * the same `fingerprintSha256`). It expires at `expiresAt`.
 *
 * @public
 */
export interface TrustConfirmation {
  id: string;
  action: TrustConfirmationAction;
  /**
   * SHA-256 fingerprint of the root the action is about: the new root of `rotation.start`,
   * the old root that `rotation.drop-old-root` stops trusting.
   */
  fingerprintSha256: string;
  /** That root's certificate and details; never its key. */
  root: {
    certPem: string;
    subject: string;
    serial: string;
    notAfter: string;
    keyType: string;
    source: 'generated' | 'imported' | 'offline';
  };
  /** What confirming does, in one sentence. */
  summary: string;
  state: 'pending' | 'confirmed' | 'cancelled';
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
}

/**
 * Answer of a root operation that now waits for a second platform member (202 of
 * `POST /trust/rotation` and of `POST /trust/rotation/advance` past "drop the old root").
 *
 * @public
 */
export interface ConfirmationRequired {
  confirmation: TrustConfirmation;
}

/**
 * Body of `POST /trust/confirmations/{id}/confirm`: the fingerprint the confirming member
 * checked, so that what is confirmed is exactly what they saw.
 *
 * @public
 */
export interface ConfirmRequest {
  fingerprintSha256: string;
}

/**
 * Body of `POST /trust/root`: the key type and validity of a root crossmesh generates.
 *
 * @public
 */
export interface NewRootRequest {
  keyType?: 'rsa-4096' | 'rsa-2048' | 'ecdsa-p256';
  validityDays?: number;
}

/**
 * Body of `POST /trust/root/import`: a root CA's certificate, and its key unless the mesh
 * runs in offline-root mode.
 *
 * @public
 */
export interface ImportRootRequest {
  certPem: string;
  keyPem?: string;
}

/**
 * Body of `POST /trust/rotation`: the new root, generated (key type, validity) or imported
 * (certificate and key).
 *
 * @public
 */
export type RotationRequest = NewRootRequest | ImportRootRequest;

/**
 * Response of `POST /trust/clusters/{clusterName}/csr`: the CSR an operator signs with the
 * offline root.
 *
 * @public
 */
export interface IntermediateCsr {
  clusterName: string;
  csrPem: string;
}

/**
 * Response of `POST /trust/rotation` and `POST /trust/rotation/advance`: the rotation's new
 * phase and what writing each cluster's `cacerts` did.
 *
 * @public
 */
export interface RotationResult {
  rotation: TrustRotation;
  distribution: CacertsDistribution[];
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
