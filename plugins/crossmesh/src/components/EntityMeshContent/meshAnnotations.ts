/** The annotations crossmesh reads from a Component, as the backend reads them. */
export const MESH_ANNOTATIONS = {
  serviceName: 'backstage.io/kubernetes-id',
  namespace: 'backstage.io/kubernetes-namespace',
  cluster: 'crossmesh.io/cluster',
  ports: 'crossmesh.io/ports',
} as const;
