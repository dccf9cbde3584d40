import {
  ExposureRequest,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { renderExposure, toYaml } from '../render';
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

// The value of the crossmesh.io/request-id label in a draft's manifests; the id comes at creation.
const DRAFT_LABEL_ID = 'draft';

/**
 * Renders the manifests approval would apply, per cluster, without writing anything: the VIP
 * is the request's, else the host's, else the one approval would try first.
 *
 * @internal
 */
export async function renderPreview(
  subject: PreviewSubject,
  deps: {
    store: Pick<ExposureStore, 'getVip' | 'listVips'>;
    clusters: ClusterLookup;
  },
): Promise<ExposurePreview> {
  let vip = subject.vip;
  const vipIsProvisional = vip === null;
  if (!vip) {
    const existing = await deps.store.getVip(subject.host);
    const inUse = new Set(
      (await deps.store.listVips()).map(v => ipv4ToNumber(v.address)),
    );
    vip =
      existing?.address ?? allocateVip(inUse, { seed: subject.host }).address;
  }
  const preview = {
    requestId: subject.id,
    host: subject.host,
    vip,
    vipIsProvisional,
  };
  const source = await deps.clusters.getCluster(subject.sourceCluster);
  const problem =
    (!source.reachable &&
      `cluster ${source.name} cannot be read: ${source.error}`) ||
    (!source.gateway &&
      `cluster ${source.name} has no gateway address: ${
        source.error ?? 'set crossmesh.clusters.<name>.gatewayAddress'
      }`) ||
    (!source.strategy &&
      `the mesh strategy is unknown (istiod's version was not found in ${source.name}); set crossmesh.strategy`) ||
    undefined;
  if (problem) {
    return {
      ...preview,
      clusters: subject.consumerClusters.map(cluster => ({
        cluster,
        role: 'consumer' as const,
        yaml: '',
        error: problem,
      })),
    };
  }
  const rendered = renderExposure(source.strategy!, {
    requestId: subject.id || DRAFT_LABEL_ID,
    host: subject.host,
    vip,
    ports: subject.service.ports,
    exportTo: subject.consumerNamespaces,
    remoteGateway: {
      address: source.gateway!.address,
      port: source.gateway!.port,
    },
    localService: {
      name: subject.service.name,
      namespace: subject.service.namespace,
    },
  });
  const clusters: ExposurePreview['clusters'] = subject.consumerClusters.map(
    cluster => ({
      cluster,
      role: 'consumer',
      yaml: toYaml(rendered.consumer),
    }),
  );
  if (rendered.exporter.length) {
    clusters.push({
      cluster: subject.sourceCluster,
      role: 'exporter',
      yaml: toYaml(rendered.exporter),
    });
  }
  return { ...preview, clusters };
}
