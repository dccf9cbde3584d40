import type {
  ExposureRequest,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { meshHostOfService } from './names';
import { renderExposure } from './renderExposure';
import type { KubeObject } from './types';

/**
 * The `crossmesh.io/request-id` label of the objects of a request that has no id yet: a
 * draft being previewed, or the request an adoption dry run would create.
 *
 * @internal
 */
export const DRAFT_REQUEST_ID = 'draft';

/**
 * What a request's manifests are made of: the request, with the VIP its host has (or, before
 * approval, the one approval would give it). An empty id stands for a request not stored yet.
 *
 * @internal
 */
export type ManifestSubject = Pick<
  ExposureRequest,
  | 'id'
  | 'host'
  | 'service'
  | 'sourceCluster'
  | 'consumerClusters'
  | 'consumerNamespaces'
> & { vip: string };

/**
 * The facts of the mesh a request's manifests depend on: the strategy and the gateway of
 * the cluster the service runs in, as observed.
 *
 * @internal
 */
export type SourceClusterFacts = Pick<MeshCluster, 'strategy' | 'gateway'> &
  Partial<Pick<MeshCluster, 'error'>>;

/**
 * The objects one cluster gets for a request.
 *
 * @internal
 */
export interface ClusterManifests {
  cluster: string;
  role: 'consumer' | 'exporter';
  objects: KubeObject[];
  /**
   * multi-primary: the hosts the cluster's mesh config makes global for the request (the
   * reconciler's `serviceSettingsFor` gathers them over every live request).
   */
  globalHosts?: string[];
}

/**
 * A request's objects per cluster, or, when the mesh's facts are not known well enough to
 * render them now, why not.
 *
 * @internal
 */
export type RequestManifests =
  | { clusters: ClusterManifests[] }
  | { problem: string };

/**
 * Why the objects of a request served from `cluster` cannot be rendered now, in words, or
 * undefined when they can.
 *
 * @internal
 */
export function sourceClusterProblem(
  cluster: string,
  source: SourceClusterFacts | undefined,
  keepGlobalNames = false,
): string | undefined {
  if (!source) {
    return `cluster ${cluster} has not been observed yet`;
  }
  if (
    !source.gateway &&
    objectStrategy(source.strategy, { keepGlobalNames }) !== 'multi-primary'
  ) {
    return `the gateway address of ${cluster} is unknown: ${
      source.error ?? `set crossmesh.clusters.${cluster}.gatewayAddress`
    }`;
  }
  if (!source.strategy) {
    return `the mesh strategy of ${cluster} is unknown (${
      source.error ?? "istiod's version could not be read"
    }); set crossmesh.strategy`;
  }
  return undefined;
}

/** The strategy whose objects a request gets: dns-proxy's while multi-primary keeps `.global` names. */
function objectStrategy<S extends MeshCluster['strategy']>(
  strategy: S,
  mesh: MeshRenderSettings,
): S | 'dns-proxy' {
  return strategy === 'multi-primary' && mesh.keepGlobalNames
    ? 'dns-proxy'
    : strategy;
}

/** Whether a consumer cluster is on another network than the source (both known). */
function crossesNetworks(
  request: Pick<ManifestSubject, 'sourceCluster' | 'consumerClusters'>,
  networks: Record<string, string>,
): boolean {
  const source = networks[request.sourceCluster];
  return (
    source !== undefined &&
    request.consumerClusters.some(
      c => networks[c] !== undefined && networks[c] !== source,
    )
  );
}

/**
 * The network of each member cluster, from the clusters as observed.
 *
 * @internal
 */
export function memberNetworks(
  clusters: Iterable<Pick<MeshCluster, 'name' | 'membership'>>,
): Record<string, string> {
  return Object.fromEntries(
    [...clusters].flatMap(c =>
      c.membership ? [[c.name, c.membership.network]] : [],
    ),
  );
}

/**
 * The consumer namespaces the exporting cluster admits for a host: the union of its live
 * exposures' (a policy per exposure would refuse the others' consumers); empty, meaning any
 * authenticated workload, when one of them is to whole clusters.
 *
 * @internal
 */
export function admittedNamespaces(
  exposures: Array<Pick<ExposureRequest, 'consumerNamespaces'>>,
): string[] {
  if (exposures.some(e => e.consumerNamespaces.length === 0)) {
    return [];
  }
  return [...new Set(exposures.flatMap(e => e.consumerNamespaces))].sort();
}

/**
 * Mesh-wide settings that shape every request's objects.
 *
 * @internal
 */
export interface MeshRenderSettings {
  /** The longest life of a caller's connection to an exposed host, in seconds (ADR 0023). */
  connectionLifetimeSeconds?: number;
  /**
   * multi-primary: render the dns-proxy `.global` objects as well, while callers move to the
   * `.svc.cluster.local` name.
   */
  keepGlobalNames?: boolean;
  /**
   * The network of each member cluster (its membership's). multi-primary: a consumer on
   * another network than the source needs the source's gateway to pass the Service through.
   */
  networks?: Record<string, string>;
}

/**
 * The one mapping from a request to the objects each cluster gets: every consumer cluster
 * the consumer side, the source cluster the exporter side when the strategy has one. The
 * reconciler applies exactly this, the preview shows exactly this, adoption takes over with
 * exactly this. `otherExposuresOfHost` are the host's other live exposures, whose consumers
 * the exporting cluster admits as well; `mesh` holds the mesh-wide settings every request
 * renders with.
 *
 * @throws InputError naming every invalid field of the request.
 * @internal
 */
export function manifestsForRequest(
  request: ManifestSubject,
  source: SourceClusterFacts | undefined,
  otherExposuresOfHost: Array<Pick<ExposureRequest, 'consumerNamespaces'>> = [],
  mesh: MeshRenderSettings = {},
): RequestManifests {
  const problem = sourceClusterProblem(
    request.sourceCluster,
    source,
    mesh.keepGlobalNames,
  );
  if (problem) {
    return { problem };
  }
  const { strategy, gateway } = source as Required<SourceClusterFacts>;
  const rendered = renderExposure(objectStrategy(strategy!, mesh), {
    requestId: request.id || DRAFT_REQUEST_ID,
    host: request.host,
    vip: request.vip,
    ports: request.service.ports,
    exportTo: request.consumerNamespaces,
    ...(gateway
      ? { remoteGateway: { address: gateway.address, port: gateway.port } }
      : {}),
    localService: {
      name: request.service.name,
      namespace: request.service.namespace,
    },
    admittedNamespaces: admittedNamespaces([request, ...otherExposuresOfHost]),
    maxConnectionDurationSeconds: mesh.connectionLifetimeSeconds,
    crossNetwork: crossesNetworks(request, mesh.networks ?? {}),
  });
  const globalHosts =
    strategy === 'multi-primary'
      ? { globalHosts: [meshHostOfService(request.service)] }
      : {};
  const clusters: ClusterManifests[] = request.consumerClusters.map(
    cluster => ({
      cluster,
      role: 'consumer',
      objects: rendered.consumer,
      ...globalHosts,
    }),
  );
  if (rendered.exporter.length > 0) {
    clusters.push({
      cluster: request.sourceCluster,
      role: 'exporter',
      objects: rendered.exporter,
    });
  }
  return { clusters };
}
