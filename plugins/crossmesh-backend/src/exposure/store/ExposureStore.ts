import {
  ExposureClusterStatus,
  ExposurePullRequest,
  ExposureRequest,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * @internal
 */
export interface ExposureRequestQuery {
  states?: ExposureRequestState[];
  entityRef?: string;
  /** Matches the source cluster or any consumer cluster. */
  cluster?: string;
  requestedBy?: string;
  limit: number;
  offset: number;
}

/**
 * A VIP held by a `.global` host.
 *
 * @internal
 */
export interface VipAllocation {
  host: string;
  address: string;
  requestId: string;
  allocatedAt: string;
}

/**
 * A pull request crossmesh opened on the repository of a cluster delivered through Git.
 *
 * @internal
 */
export interface ClusterPullRequest extends ExposurePullRequest {
  cluster: string;
}

/**
 * The fields a state change may set along with the state.
 *
 * @internal
 */
export type ExposureRequestChanges = Partial<
  Pick<
    ExposureRequest,
    'decidedBy' | 'decidedAt' | 'decisionComment' | 'vip' | 'updatedAt'
  >
>;

/**
 * Storage of exposure requests, their per-cluster progress and the mesh's VIPs. Changes
 * that belong together with their audit event are written through an
 * `ExposureTransaction`; a method that writes several rows does so in one transaction of
 * its own (a savepoint inside an outer one).
 *
 * @internal
 */
export interface ExposureStore {
  insertRequest(request: ExposureRequest): Promise<void>;
  getRequest(id: string): Promise<ExposureRequest | undefined>;
  /** Newest first. */
  listRequests(
    query: ExposureRequestQuery,
  ): Promise<{ items: ExposureRequest[]; totalCount: number }>;
  /**
   * Requests for the same host that are not final (pending, approved, applying, active,
   * revoking) and share at least one consumer cluster: the duplicates a new request may
   * not open, and the holders an approval may not clash with.
   */
  findOpenRequests(
    host: string,
    consumerClusters: string[],
  ): Promise<ExposureRequest[]>;
  /**
   * Moves a request from `from` to `to` only if it is still in `from` (compare-and-set),
   * so that two replicas or two approvers cannot both act. Returns whether it moved.
   */
  transitionRequest(
    id: string,
    from: ExposureRequestState,
    to: ExposureRequestState,
    changes?: ExposureRequestChanges,
  ): Promise<boolean>;
  /** Creates or replaces the status of one (request, cluster, role). */
  setClusterStatus(id: string, status: ExposureClusterStatus): Promise<void>;
  /**
   * The pull requests that open requests wait on (their status in a cluster is
   * `waiting-for-merge`), each once however many requests it carries; by cluster, then
   * number.
   */
  listPullRequestsWaitingForMerge(): Promise<ClusterPullRequest[]>;
  /**
   * The hosts of open requests whose objects drifted from Git in a cluster (their status
   * there is `drifted`), each once per cluster; by cluster, then host.
   */
  listDriftedHosts(): Promise<Array<{ cluster: string; host: string }>>;

  /**
   * Gives `host` a VIP: its existing one, or the first proposal no other host holds.
   * `propose` is called with the addresses in use; uniqueness is enforced by the
   * database, so concurrent allocators on several replicas never hand out one address
   * twice (a lost race proposes again).
   */
  allocateVip(
    host: string,
    requestId: string,
    propose: (inUse: ReadonlySet<number>) => string,
  ): Promise<VipAllocation>;
  getVip(host: string): Promise<VipAllocation | undefined>;
  listVips(): Promise<VipAllocation[]>;
  /** Releases a host's VIP; call only after its removal from every cluster is confirmed. */
  releaseVip(host: string): Promise<void>;
}
