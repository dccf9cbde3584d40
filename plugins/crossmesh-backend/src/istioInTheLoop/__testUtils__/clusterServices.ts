import type { TestCluster } from '@crossmesh/test-bed';

async function coreApi(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return kubeConfig.makeApiClient(k8s.CoreV1Api);
}

/** Creates a namespace as the cluster's admin, unless it exists. */
export async function createNamespace(cluster: TestCluster, name: string) {
  const core = await coreApi(cluster);
  try {
    await core.createNamespace({ body: { metadata: { name } } });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) {
      throw error;
    }
  }
}

/**
 * Creates Kubernetes Services (and their namespace) as the cluster's admin, as a team would,
 * each labelled as its catalog component's (`backstage.io/kubernetes-id: <name>`).
 */
export async function createServices(
  cluster: TestCluster,
  namespace: string,
  services: Array<{ name: string; port: { name: string; port: number } }>,
) {
  await createNamespace(cluster, namespace);
  const core = await coreApi(cluster);
  for (const { name, port } of services) {
    await core.createNamespacedService({
      namespace,
      body: {
        // The label proves the Service belongs to the catalog component of that name.
        metadata: {
          name,
          namespace,
          labels: { app: name, 'backstage.io/kubernetes-id': name },
        },
        spec: { selector: { app: name }, ports: [port] },
      },
    });
  }
}

/**
 * A Pod per Service, as sidecar injection leaves it (an `istio-proxy` container and the
 * injector's status annotation), so that `istioctl analyze` finds the Services' workloads in
 * the mesh. No kubelet runs here: the Pods stay Pending, and istiod sends no endpoint for them.
 */
export async function createSidecarPods(
  cluster: TestCluster,
  namespace: string,
  names: string[],
) {
  const core = await coreApi(cluster);
  for (const name of names) {
    // No controller makes a namespace's default ServiceAccount here; admission needs one.
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name, namespace } },
    });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `${name}-0`,
          namespace,
          labels: { app: name },
          annotations: {
            'sidecar.istio.io/status': JSON.stringify({
              containers: ['istio-proxy'],
            }),
          },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          containers: [
            { name, image: 'registry.invalid/app' },
            { name: 'istio-proxy', image: 'registry.invalid/proxyv2' },
          ],
        },
      },
    });
  }
}

/** Creates any object as the cluster's admin (an installer's or an operator's own objects). */
export async function applyAsAdmin(
  cluster: TestCluster,
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  },
) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  await k8s.KubernetesObjectApi.makeApiClient(kubeConfig).create(object);
}

/**
 * The one ready endpoint of Service `namespace/name`, written by hand as the EndpointSlice
 * controller would (no kubelet runs here, so no Pod becomes ready).
 */
export async function createReadyEndpoint(
  cluster: TestCluster,
  service: { namespace: string; name: string },
  endpoint: { address: string; port: { name: string; port: number } },
) {
  await applyAsAdmin(cluster, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service.name}-1`,
      namespace: service.namespace,
      labels: { 'kubernetes.io/service-name': service.name },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [endpoint.address], conditions: { ready: true } }],
    ports: [{ ...endpoint.port, protocol: 'TCP' }],
  } as Parameters<typeof applyAsAdmin>[1]);
}
