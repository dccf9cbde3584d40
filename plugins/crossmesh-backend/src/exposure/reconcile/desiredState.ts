import { InputError } from '@backstage/errors';
import {
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  KubeObject,
  manifestsForRequest,
  memberNetworks,
  MeshRenderSettings,
  RequestManifests,
} from '../render';

/**
 * What one reconcile pass wants in the clusters.
 *
 * @internal
 */
export interface DesiredState {
  /** Per cluster of the mesh, the objects crossmesh wants there. */
  objects: Map<string, KubeObject[]>;
  /** Live requests whose objects cannot be rendered now, and why. */
  problems: Map<string, string>;
  /**
   * Clusters to leave as they are, and why: a request they serve cannot be rendered. A
   * cluster whose desired set is unknown is not emptied, since deleting objects because a
   * gateway is briefly unknown would cut traffic.
   */
  held: Map<string, string>;
}

/**
 * The objects every live request wants, per cluster, from the one mapping the preview
 * shows ({@link manifestsForRequest}). Objects shared by several requests (one per cluster
 * and name) are wanted once. Pure.
 *
 * @internal
 */
export function desiredState(
  requests: ExposureRequest[],
  observed: Map<string, MeshCluster>,
  clusters: string[],
  mesh: MeshRenderSettings = {},
): DesiredState {
  const wanted = new Map<string, Map<string, KubeObject>>(
    clusters.map(c => [c, new Map()]),
  );
  const problems = new Map<string, string>();
  const live = requests.filter(r => isLiveExposureState(r.state));
  const settings = { ...mesh, networks: memberNetworks(observed.values()) };
  for (const request of live) {
    const manifests = renderedOrProblem(
      request,
      observed.get(request.sourceCluster),
      live.filter(r => r.host === request.host && r.id !== request.id),
      settings,
    );
    if ('problem' in manifests) {
      problems.set(request.id, manifests.problem);
      continue;
    }
    for (const { cluster, objects } of manifests.clusters) {
      const bucket = wanted.get(cluster);
      for (const o of objects) {
        bucket?.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
      }
    }
  }
  const held = new Map<string, string>();
  for (const request of requests) {
    const problem = problems.get(request.id);
    if (!problem) continue;
    for (const cluster of [
      ...request.consumerClusters,
      request.sourceCluster,
    ]) {
      if (!held.has(cluster)) held.set(cluster, problem);
    }
  }
  return {
    objects: new Map(
      [...wanted].map(([cluster, objects]) => [cluster, [...objects.values()]]),
    ),
    problems,
    held,
  };
}

/** A stored request that does not render (a bug, or data from elsewhere) holds back only itself. */
function renderedOrProblem(
  request: ExposureRequest,
  source: MeshCluster | undefined,
  otherExposuresOfHost: ExposureRequest[],
  mesh: MeshRenderSettings,
): RequestManifests {
  try {
    return manifestsForRequest(
      { ...request, vip: request.vip ?? '' },
      source,
      otherExposuresOfHost,
      mesh,
    );
  } catch (error) {
    if (error instanceof InputError) {
      return {
        problem: `request ${request.id} cannot be rendered: ${error.message}`,
      };
    }
    throw error;
  }
}
