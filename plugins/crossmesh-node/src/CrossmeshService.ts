import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The crossmesh backend, as other backend plugins see it.
 *
 * @public
 */
export interface CrossmeshService {
  /** Reads every cluster of the mesh now, on behalf of the given caller. */
  listClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<MeshCluster[]>;
}
