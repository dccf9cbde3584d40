import {
  ExposureRequest,
  LIVE_EXPOSURE_STATES,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  manifestsForRequest,
  memberNetworks,
  MeshRenderSettings,
  toYaml,
} from '../render';
import { serviceSettingsEntry } from '../meshConfig/serviceSettings';
import { ExposureStore } from '../store/ExposureStore';
import { allocateVip, ipv4ToNumber } from '../vip';

/**
 * The manifests approval would apply, per cluster.
 *
 * @internal
 */
export interface ExposurePreview {
  requestId: string;
  host: string;
  vip: string;
  /** True while the request is pending: the VIP shown is the one approval would try first. */
  vipIsProvisional: boolean;
  clusters: Array<{
    cluster: string;
    role: 'consumer' | 'exporter';
    yaml: string;
    /** multi-primary: the `serviceSettings` entry approval adds to the cluster's mesh config. */
    meshConfig?: string;
    error?: string;
  }>;
}

/**
 * The mesh's clusters, as the workflow asks about them.
 *
 * @internal
 */
export interface ClusterLookup {
  names(): string[];
  getCluster(name: string): Promise<MeshCluster>;
}

/**
 * What a preview needs of a request; a draft that is not stored yet has no id.
 *
 * @internal
 */
export type PreviewSubject = Pick<
  ExposureRequest,
  | 'id'
  | 'host'
  | 'vip'
  | 'service'
  | 'sourceCluster'
  | 'consumerClusters'
  | 'consumerNamespaces'
>;

/**
 * Renders the manifests approval would apply, per cluster, without writing anything, with
 * the mapping the reconciler applies ({@link manifestsForRequest}): the VIP is the
 * request's, else the host's, else the one approval would try first.
 *
 * @internal
 */
export async function renderPreview(
  subject: PreviewSubject,
  deps: {
    store: Pick<ExposureStore, 'getVip' | 'listVips' | 'listRequests'>;
    clusters: ClusterLookup;
    /** Mesh-wide settings every request renders with; the reconciler uses the same. */
    render?: MeshRenderSettings;
  },
): Promise<ExposurePreview> {
  const vip = subject.vip ?? (await provisionalVip(subject.host, deps.store));
  const preview = {
    requestId: subject.id,
    host: subject.host,
    vip,
    vipIsProvisional: subject.vip === null,
  };
  const source = await deps.clusters.getCluster(subject.sourceCluster);
  // Only multi-primary's objects depend on the consumers' networks.
  const consumers =
    source.strategy === 'multi-primary'
      ? await Promise.all(
          subject.consumerClusters.map(c => deps.clusters.getCluster(c)),
        )
      : [];
  const manifests = manifestsForRequest(
    { ...subject, vip },
    source,
    await otherLiveExposuresOfHost(subject, deps.store),
    { ...deps.render, networks: memberNetworks([source, ...consumers]) },
  );
  if ('problem' in manifests) {
    return {
      ...preview,
      clusters: subject.consumerClusters.map(cluster => ({
        cluster,
        role: 'consumer' as const,
        yaml: '',
        error: manifests.problem,
      })),
    };
  }
  return {
    ...preview,
    clusters: manifests.clusters.map(
      ({ cluster, role, objects, globalHosts }) => ({
        cluster,
        role,
        yaml: toYaml(objects),
        ...(globalHosts
          ? { meshConfig: serviceSettingsEntry(false, globalHosts) }
          : {}),
      }),
    ),
  };
}

/** The host's live exposures other than the subject, whose consumers its exporter admits too. */
async function otherLiveExposuresOfHost(
  subject: PreviewSubject,
  store: Pick<ExposureStore, 'listRequests'>,
): Promise<ExposureRequest[]> {
  const { items } = await store.listRequests({
    states: [...LIVE_EXPOSURE_STATES],
    cluster: subject.sourceCluster,
    limit: 10_000,
    offset: 0,
  });
  return items.filter(r => r.host === subject.host && r.id !== subject.id);
}

/** The host's VIP, or the address approval's allocator would propose first. */
async function provisionalVip(
  host: string,
  store: Pick<ExposureStore, 'getVip' | 'listVips'>,
): Promise<string> {
  const existing = await store.getVip(host);
  if (existing) {
    return existing.address;
  }
  const inUse = new Set(
    (await store.listVips()).map(v => ipv4ToNumber(v.address)),
  );
  return allocateVip(inUse, { seed: host }).address;
}
