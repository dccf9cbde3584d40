import { useApi } from '@backstage/core-plugin-api';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../api';

/**
 * The clusters of the mesh, loaded from the crossmesh backend.
 *
 * @public
 */
export function useMeshClusters(): {
  clusters?: MeshCluster[];
  loading: boolean;
  error?: Error;
  retry: () => void;
} {
  const crossmeshApi = useApi(crossmeshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await crossmeshApi.listClusters()).items,
    [crossmeshApi],
  );
  return { clusters: value, loading, error, retry };
}
