import { createApiRef } from '@backstage/core-plugin-api';
import { ListClustersResponse } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Reads the mesh as the crossmesh backend sees it.
 *
 * @public
 */
export interface CrossmeshApi {
  /** Every cluster of the mesh, with its Istio, strategy and gateway. */
  listClusters(): Promise<ListClustersResponse>;
}

/**
 * The utility API reference for {@link CrossmeshApi}.
 *
 * @public
 */
export const crossmeshApiRef = createApiRef<CrossmeshApi>({
  id: 'plugin.crossmesh.service',
});
