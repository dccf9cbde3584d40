import {
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  CLUSTER_LOCAL_BY_DEFAULT,
  DesiredServiceSettings,
} from '../meshConfig/serviceSettings';
import type {
  MeshConfigResult,
  MeshConfigWiring,
} from '../meshConfig/MeshConfigWiring';
import { meshHostOfService } from '../render/names';

/**
 * The `serviceSettings` a multi-primary cluster's mesh config needs: services stay in their
 * cluster, except those of the live exposures the cluster consumes. A cluster's istiod
 * decides which endpoints its own sidecars get, so only the consumer clusters' configs name
 * a host, and a cluster that consumes nothing keeps everything local.
 *
 * @internal
 */
export function serviceSettingsFor(
  cluster: string,
  requests: ExposureRequest[],
): DesiredServiceSettings {
  return {
    clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
    global: requests
      .filter(
        r =>
          isLiveExposureState(r.state) && r.consumerClusters.includes(cluster),
      )
      .map(r => meshHostOfService(r.service)),
  };
}

/**
 * Writes each reachable multi-primary cluster's `serviceSettings` (ADR 0035); other
 * strategies' clusters are left alone. Returns the clusters written or failed.
 *
 * @internal
 */
export async function wireServiceSettings(options: {
  requests: ExposureRequest[];
  observed: Map<string, MeshCluster>;
  connections: ClusterConnection[];
  wiring: MeshConfigWiring;
}): Promise<MeshConfigResult[]> {
  const { requests, observed, connections, wiring } = options;
  const results = await Promise.all(
    connections.map(c => {
      const cluster = observed.get(c.name);
      if (!cluster?.reachable || cluster.strategy !== 'multi-primary') {
        return undefined;
      }
      return wiring.setServiceSettings(c, serviceSettingsFor(c.name, requests));
    }),
  );
  return results.filter(
    (r): r is MeshConfigResult => !!r && (r.changed || !!r.error),
  );
}
