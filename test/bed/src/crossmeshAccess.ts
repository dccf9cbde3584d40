import type { Manifest } from './resourcePaths';

export const crossmeshUser = 'crossmesh';
export const crossmeshGroup = 'crossmesh';

/**
 * What user `crossmesh` may do in each cluster. For now cluster-admin; the least-privilege
 * work replaces this list (e.g. with a ClusterRole of its own plus this binding pointing at it).
 */
export function crossmeshAccessManifests(): Manifest[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'crossmesh' },
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
