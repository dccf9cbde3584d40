import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Keeps the last observation of each cluster, so the mesh's state is known even while a
 * cluster cannot be read.
 *
 * @internal
 */
export interface ClusterObservationStore {
  record(observations: MeshCluster[]): Promise<void>;
  list(): Promise<MeshCluster[]>;
  get(clusterName: string): Promise<MeshCluster | undefined>;
}
