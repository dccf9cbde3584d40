import { adminConnection } from './kubeRequest';
import type { Manifest } from './resourcePaths';
import { apply } from './seedCluster';
import type { TestCluster } from './types';

/**
 * A Kubernetes Service to create in a bed cluster, as a component's owners deploy it.
 *
 * @public
 */
export interface BedService {
  cluster: string;
  namespace: string;
  name: string;
  /**
   * The catalog Component it belongs to, as the label `backstage.io/kubernetes-id` (the
   * Kubernetes plugin's convention, which crossmesh takes as proof of ownership). Default:
   * `name`; `null` leaves the label off.
   */
  component?: string | null;
  /** More labels. */
  labels?: Record<string, string>;
  /** Default: `http` 8000, as in Istio's sample. */
  ports?: Array<{ name: string; port: number }>;
}

/** The services of Istio's multicluster sample: svc-1 in foo on cluster-1 calls svc-2 in bar on cluster-2. */
export const demoServices: BedService[] = [
  { cluster: 'cluster-1', namespace: 'foo', name: 'svc-1' },
  { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
];

/** Its namespace and the ClusterIP Service, labelled with its component. */
export function serviceManifests(service: BedService): Manifest[] {
  const { namespace, name } = service;
  const component = service.component === undefined ? name : service.component;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace,
        labels: {
          app: name,
          ...(component === null
            ? {}
            : { 'backstage.io/kubernetes-id': component }),
          ...service.labels,
        },
      },
      spec: {
        selector: { app: name },
        ports: (service.ports ?? [{ name: 'http', port: 8000 }]).map(p => ({
          ...p,
          targetPort: p.port,
        })),
      },
    },
  ];
}

/**
 * Creates (or updates) Services in the bed's clusters; safe to repeat.
 *
 * @public
 */
export async function seedServices(
  clusters: TestCluster[],
  services: BedService[],
) {
  await Promise.all(
    services.map(async service => {
      const cluster = clusters.find(c => c.name === service.cluster);
      if (!cluster) {
        throw new Error(
          `Service ${service.namespace}/${service.name} needs a cluster named ${
            service.cluster
          }; start the bed with --clusters ${[
            ...new Set(services.map(s => s.cluster)),
          ].join(',')}.`,
        );
      }
      const connection = adminConnection(cluster);
      for (const manifest of serviceManifests(service)) {
        await apply(connection, manifest);
      }
    }),
  );
}

/**
 * Creates the demo's Services (see {@link demoServices}) in the bed's clusters, for the local demo
 * and the end-to-end tests; plain test beds stay without them.
 */
export function seedDemoServices(clusters: TestCluster[]) {
  return seedServices(clusters, demoServices);
}
