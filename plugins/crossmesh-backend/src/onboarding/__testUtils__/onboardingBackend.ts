import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { TestBed, TestCluster } from '@crossmesh/test-bed';
import request from 'supertest';
import { crossmeshPlugin } from '../../plugin';
import { defaultUserOnPlatformTeam } from '../../__testUtils__/apiTestKit';

/** A key-encryption secret for tests only. */
export const TEST_KEK = 'a-test-key-encryption-secret-of-enough-length';

/**
 * The real crossmesh backend over the bed's clusters, with ECDSA intermediates for speed
 * and the reconciler's passes far apart. Calls go through its HTTP API, as a member of the
 * platform team.
 */
export async function startOnboardingBackend(
  bed: TestBed,
  extra: { features?: any[]; crossmesh?: object } = {},
) {
  const backend = await startTestBackend({
    features: [
      crossmeshPlugin,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: bed.kubernetesConfig() as any,
          crossmesh: {
            clusterTimeoutSeconds: 5,
            reconcileIntervalSeconds: 3600,
            // Passes run when the test asks for one, so what a request changes is its own.
            watchClusters: false,
            reconcileOnChange: false,
            trust: {
              keyEncryptionSecret: TEST_KEK,
              intermediateKeyType: 'ecdsa-p256',
            },
            ...defaultUserOnPlatformTeam.crossmesh,
            ...extra.crossmesh,
          },
        },
      }),
      defaultUserOnPlatformTeam.userInfo(),
      ...(extra.features ?? []),
    ],
  });
  const call = (
    method: 'get' | 'post' | 'put',
    path: string,
    body?: object,
  ) => {
    const req = request(backend.server)[method](`/api/crossmesh${path}`);
    return body ? req.send(body) : req;
  };
  return { backend, call };
}

/** API clients with the cluster's admin token, independent of crossmesh's code. */
export async function adminClients(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return {
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    rbac: kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api),
  };
}

/** The Corefile of kube-system/coredns, read as admin. */
export async function corefileOf(cluster: TestCluster): Promise<string> {
  const { core } = await adminClients(cluster);
  const cm = await core.readNamespacedConfigMap({
    name: 'coredns',
    namespace: 'kube-system',
  });
  return cm.data?.Corefile ?? '';
}
