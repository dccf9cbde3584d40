import { Entity } from '@backstage/catalog-model';
import { useEntityOwnership } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { crossmeshExposureRequestPermission } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Whether the signed-in person may request, cancel and revoke exposures of the entity: the
 * permission policy allows it and they own the entity, as the backend requires.
 */
export function useExposureRights(entity: Entity): {
  loading: boolean;
  canRequest: boolean;
} {
  const permission = usePermission({
    permission: crossmeshExposureRequestPermission,
  });
  const ownership = useEntityOwnership();
  return {
    loading: permission.loading || ownership.loading,
    canRequest: permission.allowed && ownership.isOwnedEntity(entity),
  };
}
