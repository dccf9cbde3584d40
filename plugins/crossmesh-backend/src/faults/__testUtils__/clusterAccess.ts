import { TestCluster } from '@crossmesh/test-bed';

/** The ClusterRoleBinding that gives the bed's user `crossmesh` its access. */
const BINDING = 'crossmesh';

async function rbacApi(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
}

/**
 * Takes crossmesh's access to a cluster away, as an operator deleting its binding would,
 * and returns a function that puts the same binding back.
 */
export async function revokeCrossmeshAccess(
  cluster: TestCluster,
): Promise<() => Promise<void>> {
  const api = await rbacApi(cluster);
  const binding = await api.readClusterRoleBinding({ name: BINDING });
  await api.deleteClusterRoleBinding({ name: BINDING });
  return async () => {
    await api.createClusterRoleBinding({
      body: {
        metadata: { name: BINDING, labels: binding.metadata?.labels },
        roleRef: binding.roleRef,
        subjects: binding.subjects,
      },
    });
  };
}
