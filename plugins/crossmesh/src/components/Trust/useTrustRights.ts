import { usePermission } from '@backstage/plugin-permission-react';
import { crossmeshTrustManagePermission } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Whether the signed-in person may change the mesh's trust (crossmesh.trust.manage): only
 * then are the root, intermediate, distribution and rotation actions offered. The backend
 * checks again on every call.
 */
export function useTrustRights(): { loading: boolean; canManage: boolean } {
  const { loading, allowed } = usePermission({
    permission: crossmeshTrustManagePermission,
  });
  return { loading, canManage: allowed };
}
