import type { Manifest } from './resourcePaths';

export const crossmeshUser = 'crossmesh';
export const crossmeshGroup = 'crossmesh';

/**
 * What user `crossmesh` (the static-token user of `TestCluster.crossmeshToken`) may
 * do in each cluster: `cluster-admin` through ClusterRoleBinding `crossmesh`, or nothing at
 * all, for tests that grant it (or a ServiceAccount) narrower RBAC themselves.
 *
 * @public
 */
export type CrossmeshAccess = 'cluster-admin' | 'none';

/** Name of the ClusterRoleBinding that makes user `crossmesh` cluster-admin. */
export const crossmeshBindingName = 'crossmesh';

/** The RBAC objects the bed creates for user `crossmesh`. */
export function crossmeshAccessManifests(
  access: CrossmeshAccess = 'cluster-admin',
): Manifest[] {
  if (access === 'none') {
    return [];
  }
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: crossmeshBindingName },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: crossmeshUser,
        },
      ],
    },
  ];
}
