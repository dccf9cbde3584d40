import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  EntityLink,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CLUSTER_ANNOTATIONS } from './annotations';
import { clusterEntityName } from './clusterEntityName';

/**
 * Where the mesh's entities go and who owns them.
 *
 * @internal
 */
export interface MeshEntityOptions {
  /** Name of the `System` entity for the mesh. */
  systemName: string;
  /** Catalog namespace of every entity. */
  namespace: string;
  /** Full entity ref of the owner of the system and its clusters. */
  owner: string;
  /** The location ref every entity is `managed-by`. */
  locationRef: string;
  /** The mesh overview page, linked from every entity, when the app's URL is known. */
  overviewUrl?: string;
}

/**
 * Turns the mesh as the crossmesh backend reports it into catalog entities: one `System`
 * for the mesh and one `Resource` of type `kubernetes-cluster` per cluster, part of it.
 *
 * Relations to Components follow Backstage's meaning of "A depends on B" (A needs B):
 * - a component depends on the cluster it runs in (the Resource's `spec.dependencyOf`);
 * - a consumer cluster depends on each component exposed to it (the Resource's
 *   `spec.dependsOn`), since its workloads call that component.
 *
 * The graph then reads `consumer cluster → component → source cluster`, the way a call
 * travels. Unreachable clusters are emitted all the same, with their error.
 *
 * @internal
 */
export function buildMeshEntities(input: {
  clusters: MeshCluster[];
  exposures: ExposureRequest[];
  options: MeshEntityOptions;
}): Entity[] {
  const { clusters, exposures, options } = input;
  const systemRef = stringifyEntityRef({
    kind: 'System',
    namespace: options.namespace,
    name: options.systemName,
  });
  const exposed = exposures.filter(e => isLiveExposureState(e.state));
  const links: EntityLink[] = options.overviewUrl
    ? [{ url: options.overviewUrl, title: 'Mesh overview', icon: 'dashboard' }]
    : [];
  const annotations = {
    [ANNOTATION_LOCATION]: options.locationRef,
    [ANNOTATION_ORIGIN_LOCATION]: options.locationRef,
  };

  const system: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: options.systemName,
      namespace: options.namespace,
      description: `The Istio mesh crossmesh manages, ${clusterCount(
        clusters.length,
      )}.`,
      annotations,
      ...(links.length ? { links } : {}),
    },
    spec: { owner: options.owner },
  };

  const resources = clusters.map(cluster => {
    const runningHere = componentRefs(
      exposed.filter(e => e.sourceCluster === cluster.name),
    );
    const exposedHere = componentRefs(
      exposed.filter(e => e.consumerClusters.includes(cluster.name)),
    );
    const name = clusterEntityName(cluster.name);
    const resource: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        namespace: options.namespace,
        ...(name === cluster.name ? {} : { title: cluster.name }),
        description: describeCluster(cluster),
        annotations: { ...annotations, ...clusterAnnotations(cluster) },
        ...(links.length ? { links } : {}),
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: options.owner,
        system: systemRef,
        ...(runningHere.length ? { dependencyOf: runningHere } : {}),
        ...(exposedHere.length ? { dependsOn: exposedHere } : {}),
      },
    };
    return resource;
  });

  return [system, ...resources];
}

function clusterCount(count: number): string {
  if (count === 0) return 'with no clusters yet';
  return `spanning ${count} cluster${count === 1 ? '' : 's'}`;
}

/** Sorted and deduplicated, so an unchanged mesh gives byte-identical entities. */
function componentRefs(exposures: ExposureRequest[]): string[] {
  const refs = new Set<string>();
  for (const exposure of exposures) {
    try {
      refs.add(
        stringifyEntityRef(
          parseEntityRef(exposure.entityRef, { defaultKind: 'component' }),
        ).toLocaleLowerCase('en-US'),
      );
    } catch {
      // The backend validates refs on creation; one it cannot parse names nothing to relate.
    }
  }
  return [...refs].sort();
}

function clusterAnnotations(cluster: MeshCluster): Record<string, string> {
  const result: Record<string, string> = {
    [CLUSTER_ANNOTATIONS.clusterName]: cluster.name,
    [CLUSTER_ANNOTATIONS.reachable]: String(cluster.reachable),
  };
  if (cluster.istio) {
    result[CLUSTER_ANNOTATIONS.istioVersion] = cluster.istio.version;
  }
  if (cluster.strategy) {
    result[CLUSTER_ANNOTATIONS.strategy] = cluster.strategy;
  }
  if (cluster.gateway) {
    result[
      CLUSTER_ANNOTATIONS.gatewayAddress
    ] = `${cluster.gateway.address}:${cluster.gateway.port}`;
  }
  if (!cluster.reachable && cluster.error) {
    result[CLUSTER_ANNOTATIONS.clusterError] = cluster.error;
  }
  return result;
}

function describeCluster(cluster: MeshCluster): string {
  if (!cluster.reachable) {
    return `Kubernetes cluster of the mesh. crossmesh cannot reach it: ${
      cluster.error ?? 'no reason given'
    }`;
  }
  const facts = [
    cluster.istio ? `Istio ${cluster.istio.version}` : 'Istio not found',
    cluster.strategy ? `strategy ${cluster.strategy}` : undefined,
    cluster.gateway
      ? `gateway ${cluster.gateway.address}:${cluster.gateway.port}`
      : 'no gateway address',
  ].filter(Boolean);
  return `Kubernetes cluster of the mesh: ${facts.join(', ')}.`;
}
