import { ClusterReconcileStatus } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The result of the last reconcile pass per cluster, shared by all replicas.
 *
 * @internal
 */
export interface ReconcileStatusStore {
  /**
   * Stores one pass's results. The pass covers every cluster of the mesh, so clusters it
   * does not name (removed from the config) are dropped.
   */
  recordPass(statuses: ClusterReconcileStatus[]): Promise<void>;
  /** The last result of each cluster, by cluster name. */
  list(): Promise<ClusterReconcileStatus[]>;
}
