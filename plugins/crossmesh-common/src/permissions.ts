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
 * Read the mesh's trust: roots, intermediates, rotation state and drift. Never keys.
 *
 * @public
 */
export const crossmeshTrustReadPermission = createPermission({
  name: 'crossmesh.trust.read',
  attributes: { action: 'read' },
});

/**
 * Generate or import the root CA, sign and distribute intermediates, rotate the root.
 *
 * @public
 */
export const crossmeshTrustManagePermission = createPermission({
  name: 'crossmesh.trust.manage',
  attributes: { action: 'update' },
});

/**
 * Register a cluster in the mesh (its membership: network, gateway address override, key
 * type) and wire its `.global` DNS.
 *
 * @public
 */
export const crossmeshClusterManagePermission = createPermission({
  name: 'crossmesh.cluster.manage',
  attributes: { action: 'update' },
});

/**
 * Read crossmesh's audit log.
 *
 * @public
 */
export const crossmeshAuditReadPermission = createPermission({
  name: 'crossmesh.audit.read',
  attributes: { action: 'read' },
});

/**
 * Read exposure requests, their previews and the mesh's VIPs.
 *
 * @public
 */
export const crossmeshExposureReadPermission = createPermission({
  name: 'crossmesh.exposure.read',
  attributes: { action: 'read' },
});

/**
 * Request, cancel or ask to revoke an exposure. crossmesh also requires catalog ownership
 * of the entity, whatever the policy says.
 *
 * @public
 */
export const crossmeshExposureRequestPermission = createPermission({
  name: 'crossmesh.exposure.request',
  attributes: { action: 'create' },
});

/**
 * Approve or reject exposure requests. Nobody approves their own request, whatever the
 * policy says.
 *
 * @public
 */
export const crossmeshExposureDecidePermission = createPermission({
  name: 'crossmesh.exposure.decide',
  attributes: { action: 'update' },
});

/**
 * Every permission crossmesh defines.
 *
 * @public
 */
export const crossmeshPermissions = [
  crossmeshClusterReadPermission,
  crossmeshClusterManagePermission,
  crossmeshTrustReadPermission,
  crossmeshTrustManagePermission,
  crossmeshAuditReadPermission,
  crossmeshExposureReadPermission,
  crossmeshExposureRequestPermission,
  crossmeshExposureDecidePermission,
];
