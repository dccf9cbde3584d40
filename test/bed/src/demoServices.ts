import { KubeConnection } from './kubeRequest';
import type { Manifest } from './resourcePaths';
import { apply } from './seedCluster';
import type { TestCluster } from './types';

/** The services of Istio's multicluster sample: svc-1 in foo on cluster-1 calls svc-2 in bar on cluster-2. */
export const demoServices = [
  { cluster: 'cluster-1', namespace: 'foo', name: 'svc-1' },
  { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
] as const;

/** A namespace and a ClusterIP Service with port `http` 8000, as in the sample. */
export function demoServiceManifests(
  namespace: string,
  name: string,
): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { app: name } },
      spec: {
        selector: { app: name },
        ports: [{ name: 'http', port: 8000, targetPort: 8000 }],
      },
    },
  ];
}

/**
 * Creates the demo's Services (see {@link demoServices}) in the bed's clusters, for the local demo
 * and the end-to-end tests; plain test beds stay without them.
 */
export async function seedDemoServices(clusters: TestCluster[]) {
  await Promise.all(
    demoServices.map(async ({ cluster: clusterName, namespace, name }) => {
      const cluster = clusters.find(c => c.name === clusterName);
      if (!cluster) {
        throw new Error(
          `The demo services need a cluster named ${clusterName} (for ${namespace}/${name}); start the bed with --clusters ${demoServices
            .map(s => s.cluster)
            .join(',')}.`,
        );
      }
      const connection: KubeConnection = {
        url: cluster.url,
        ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
        token: cluster.adminToken,
      };
      for (const manifest of demoServiceManifests(namespace, name)) {
        await apply(connection, manifest);
      }
    }),
  );
}
