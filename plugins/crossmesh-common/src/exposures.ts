/**
 * Where an exposure request is in its life.
 *
 * @public
 */
export type ExposureRequestState =
  | 'pending'
  | 'approved'
  | 'applying'
  | 'active'
  | 'rejected'
  | 'cancelled'
  | 'revoking'
  | 'revoked';

/**
 * A port of the exposed service, named the Istio way (`http`, `grpc-api`, `tcp`...).
 *
 * @public
 */
export interface ExposurePort {
  name: string;
  number: number;
}

/**
 * Progress of one request in one cluster.
 *
 * @public
 */
export interface ExposureClusterStatus {
  cluster: string;
  /** `consumer`: gets the ServiceEntry; `exporter`: the cluster the service runs in. */
  role: 'consumer' | 'exporter';
  /**
   * `waiting-for-merge` and `syncing` are the steps of a cluster whose objects go through
   * Git: its pull request is open, then merged and not yet live. `drifted`: such a cluster
   * changed after Git's objects were live there; crossmesh reports it and does not repair it.
   */
  state:
    | 'pending'
    | 'waiting-for-merge'
    | 'syncing'
    | 'applied'
    | 'drifted'
    | 'failed'
    | 'removed';
  /**
   * The last error in words, while `state` is `failed` (or a retry is pending); while
   * `drifted`, what differs from Git.
   */
  lastError: string | null;
  /** The pull request that carries this request's change to the cluster's Git folder. */
  pullRequest?: ExposurePullRequest;
  updatedAt: string;
}

/**
 * A pull request crossmesh opened on a cluster's Git repository.
 *
 * @public
 */
export interface ExposurePullRequest {
  number: number;
  url: string;
}

/**
 * A team's request to make a catalog component reachable from other clusters of the mesh.
 *
 * @public
 */
export interface ExposureRequest {
  id: string;
  /** The catalog Component, e.g. `component:default/svc-2`. */
  entityRef: string;
  service: { name: string; namespace: string; ports: ExposurePort[] };
  /** The cluster the service runs in. */
  sourceCluster: string;
  consumerClusters: string[];
  /** When set, the ServiceEntries are visible only in these namespaces. */
  consumerNamespaces: string[];
  reason: string;
  /** ISO 8601; the exposure is revoked when it passes. */
  endDate: string | null;
  state: ExposureRequestState;
  /** `<service>.<namespace>.global`. */
  host: string;
  /** From 240.0.0.0/4; allocated at approval, the same in every cluster. */
  vip: string | null;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  clusters: ExposureClusterStatus[];
  updatedAt: string;
  /**
   * Changes of the mesh facts this exposure's objects derive from (a cluster's gateway
   * address or network), made by the platform team after the decision, oldest first.
   * The API always sets it (empty for requests not decided yet); stored requests leave it out.
   */
  meshFactChanges?: MeshFactChange[];
}

/**
 * A platform member's change of a cluster's gateway address or network (`PUT
 * /clusters/{name}/membership`), as it concerns an exposure decided before it.
 *
 * @public
 */
export interface MeshFactChange {
  cluster: string;
  fact: 'gatewayAddress' | 'network';
  /** `address` or `address:port`; null when no override was set. */
  from: string | null;
  to: string | null;
  changedBy: string;
  changedAt: string;
  /** The audit event that records it. */
  auditEventId: number;
}

/**
 * One sentence for a mesh-fact change, e.g. `user:default/carol changed the gateway address
 * of cluster-2 from (none) to 192.0.2.9`; `(none)` is no override, so the address observed
 * in the cluster. `nameOf` renders the person.
 *
 * @public
 */
export function describeMeshFactChange(
  change: MeshFactChange,
  nameOf: (ref: string) => string = ref => ref,
): string {
  const what =
    change.fact === 'gatewayAddress' ? 'the gateway address' : 'the network';
  return `${nameOf(change.changedBy)} changed ${what} of ${
    change.cluster
  } from ${change.from ?? '(none)'} to ${change.to ?? '(none)'}`;
}
