import type { KubernetesObject } from '@kubernetes/client-node';
import type { TestCluster } from '@crossmesh/test-bed';
import type { RbacManifest } from './rbacFile';

/** Whether the error is the API server answering `status`. */
const answered = (error: unknown, status: number) =>
  (error as { code?: unknown })?.code === status;

/**
 * A cluster's API as its admin (`system:masters`), independent of crossmesh's code: to apply
 * RBAC, get a ServiceAccount token, and arrange what a test needs.
 */
export async function clusterAdmin(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);

  /** Creates the object, or replaces it whole when it exists. */
  async function apply(manifest: RbacManifest): Promise<void> {
    const object = manifest as unknown as KubernetesObject;
    try {
      await objects.create(object);
    } catch (error) {
      if (!answered(error, 409)) throw error;
      const current = await objects.read({
        apiVersion: manifest.apiVersion,
        kind: manifest.kind,
        metadata: {
          name: manifest.metadata.name,
          namespace: manifest.metadata.namespace,
        },
      });
      await objects.replace({
        ...object,
        metadata: {
          ...object.metadata,
          resourceVersion: current.metadata?.resourceVersion,
        },
      });
    }
  }

  return {
    core,
    custom,
    apply,
    /** Request options that make a client-node patch a JSON merge patch. */
    mergePatch: k8s.setHeaderOptions(
      'Content-Type',
      k8s.PatchStrategy.MergePatch,
    ),
    /** Applies every manifest in order (the Namespace before what lives in it). */
    async applyAll(manifests: RbacManifest[]): Promise<void> {
      for (const manifest of manifests) {
        await apply(manifest);
      }
    },
    /** Replaces the Roles and ClusterRoles of `manifests`, leaving the rest as it is. */
    async replaceRoles(manifests: RbacManifest[]): Promise<void> {
      await Promise.all(
        manifests
          .filter(m => m.kind === 'Role' || m.kind === 'ClusterRole')
          .map(apply),
      );
    },
    /** A token for the ServiceAccount from the TokenRequest API, as `kubectl create token` gets one. */
    async serviceAccountToken(namespace: string, name: string) {
      const request = await core.createNamespacedServiceAccountToken({
        name,
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 3600 } },
      });
      const token = request.status?.token;
      if (!token) {
        throw new Error(
          `The API server at ${cluster.url} issued no token for ${namespace}/${name}`,
        );
      }
      return token;
    },
    /** Objects of an Istio networking kind carrying crossmesh's label. */
    async managed(plural: string): Promise<any[]> {
      const list = (await custom.listClusterCustomObject({
        group:
          plural === 'authorizationpolicies'
            ? 'security.istio.io'
            : 'networking.istio.io',
        version: 'v1beta1',
        plural,
        labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
      })) as { items: any[] };
      return list.items;
    },
    async deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
      try {
        await remove();
      } catch (error) {
        if (!answered(error, 404)) throw error;
      }
    },
  };
}

/** @see clusterAdmin */
export type ClusterAdmin = Awaited<ReturnType<typeof clusterAdmin>>;
