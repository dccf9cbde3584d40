/** The minimal shape of a Kubernetes object. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

// Only the kinds the bed seeds; extend as needed.
const plurals: Record<string, string> = {
  Namespace: 'namespaces',
  ConfigMap: 'configmaps',
  Pod: 'pods',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  Deployment: 'deployments',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  CustomResourceDefinition: 'customresourcedefinitions',
  EndpointSlice: 'endpointslices',
  EnvoyFilter: 'envoyfilters',
  GitRepository: 'gitrepositories',
  Kustomization: 'kustomizations',
};

/** The collection path of a manifest's kind, e.g. `/apis/apps/v1/namespaces/istio-system/deployments`. */
export function collectionPath(manifest: Manifest): string {
  const plural = plurals[manifest.kind];
  if (!plural) {
    throw new Error(
      `The test bed does not know the resource path of kind ${manifest.kind}; add it to resourcePaths.ts.`,
    );
  }
  const group = manifest.apiVersion.includes('/')
    ? `/apis/${manifest.apiVersion}`
    : `/api/${manifest.apiVersion}`;
  const namespace = manifest.metadata.namespace
    ? `/namespaces/${manifest.metadata.namespace}`
    : '';
  return `${group}${namespace}/${plural}`;
}

export function objectPath(manifest: Manifest): string {
  return `${collectionPath(manifest)}/${manifest.metadata.name}`;
}
