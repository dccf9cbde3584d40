import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the mesh's clusters and their state.
 *
 * @public
 */
export const crossmeshClusterReadPermission = createPermission({
  name: 'crossmesh.cluster.read',
  attributes: { action: 'read' },
});

/**
 * Every permission crossmesh defines.
 *
 * @public
 */
export const crossmeshPermissions = [crossmeshClusterReadPermission];
