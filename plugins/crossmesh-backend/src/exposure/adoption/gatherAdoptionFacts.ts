import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MeshCluster,
  OPEN_EXPOSURE_STATES,
  parseGlobalHost,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { ExposureStore } from '../store/ExposureStore';
import { listAllRequests } from '../store/listAllRequests';
import { ANNOTATIONS } from '../workflow/validateRequestInput';
import { AdoptionFacts } from './assessAdoption';
import { ClusterServiceEntries } from './ClusterServiceEntries';
import { HandMadeServiceEntry } from './handMadeServiceEntry';
import { AdoptionCandidateList } from './types';

/**
 * Reads what adoption decides on: the hand-made entries of every cluster that answers,
 * the clusters as observed, crossmesh's VIPs and open requests for those hosts, and the
 * Components that name their services.
 *
 * @internal
 */
export async function gatherAdoptionFacts(
  deps: {
    connections: ClusterConnection[];
    serviceEntries: ClusterServiceEntries;
    observeClusters: () => Promise<MeshCluster[]>;
    store: ExposureStore;
    catalog: CatalogService;
  },
  credentials: BackstageCredentials,
  now: Date,
): Promise<{
  facts: AdoptionFacts;
  unreadClusters: AdoptionCandidateList['unreadClusters'];
}> {
  const { connections, serviceEntries, store } = deps;
  const [clusters, listed, vips, openRequests] = await Promise.all([
    deps.observeClusters(),
    Promise.all(
      connections.map(c =>
        serviceEntries.listHandMade(c).then(
          entries => ({ cluster: c.name, entries }),
          (error: Error) => ({ cluster: c.name, error: error.message }),
        ),
      ),
    ),
    store.listVips(),
    listAllRequests(store, OPEN_EXPOSURE_STATES),
  ]);
  const entries = listed.flatMap(l => ('entries' in l ? l.entries : []));
  const unreadClusters = listed.flatMap(l =>
    'error' in l ? [{ cluster: l.cluster, error: l.error }] : [],
  );
  const hosts = new Set(entries.map(e => e.host));
  return {
    facts: {
      entries,
      clusters,
      vips,
      openRequests: openRequests.filter(r => hosts.has(r.host)),
      components: await componentsFor(entries, deps.catalog, credentials),
      now,
    },
    unreadClusters,
  };
}

/** The Components whose `backstage.io/kubernetes-id` names one of the entries' services. */
async function componentsFor(
  entries: HandMadeServiceEntry[],
  catalog: CatalogService,
  credentials: BackstageCredentials,
) {
  const services = [
    ...new Set(entries.map(e => parseGlobalHost(e.host)!.service)),
  ];
  if (services.length === 0) {
    return [];
  }
  const { items } = await catalog.getEntities(
    {
      filter: {
        kind: 'Component',
        [`metadata.annotations.${ANNOTATIONS.serviceName}`]: services,
      },
    },
    { credentials },
  );
  return items;
}
