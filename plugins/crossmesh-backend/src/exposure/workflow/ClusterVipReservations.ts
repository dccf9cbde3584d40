import type { CustomObjectsApi, V1Deployment } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  loadKubernetesModule,
  withTimeout,
} from '../../clusters/kubernetesModule';
import { ISTIO_NETWORKING_API_VERSION } from '../render';
import {
  allocateVip,
  ClusterReservedRange,
  foreignServiceEntryAddresses,
  istioAutoAllocation,
  ServiceEntryAddresses,
  VipsInUse,
} from '../vip';

const [GROUP, VERSION] = ISTIO_NETWORKING_API_VERSION.split('/');

/**
 * What other parties use in the clusters a VIP will serve in.
 *
 * @internal
 */
export interface VipReservations {
  /** The ranges reserved in the named clusters; clusters that cannot be read add none. */
  reservedIn(clusters: readonly string[]): Promise<ClusterReservedRange[]>;
}

/**
 * The proposer {@link ExposureStore.allocateVip} calls for a request's host: seeded by the
 * host, stepping over what its source and consumer clusters reserve.
 *
 * @internal
 */
export async function vipProposal(
  request: { host: string; sourceCluster: string; consumerClusters: string[] },
  reservations: VipReservations | undefined,
): Promise<(inUse: VipsInUse) => string> {
  const reserved =
    (await reservations?.reservedIn([
      request.sourceCluster,
      ...request.consumerClusters,
    ])) ?? [];
  return inUse => allocateVip(inUse, { seed: request.host, reserved }).address;
}

/**
 * Reads, per cluster, istiod's auto-allocation range and the addresses of the
 * ServiceEntries crossmesh does not own (its own are in its database already).
 *
 * @internal
 */
export class ClusterVipReservations implements VipReservations {
  private readonly objects = new Map<string, Promise<CustomObjectsApi>>();

  constructor(
    private readonly clients: KubernetesClients,
    private readonly connections: readonly ClusterConnection[],
    private readonly options: {
      timeoutMs?: number;
      /** Told when a cluster cannot be read, which then reserves nothing beyond the default. */
      onUnreadable?: (cluster: string, reason: string) => void;
    } = {},
  ) {}

  async reservedIn(
    clusters: readonly string[],
  ): Promise<ClusterReservedRange[]> {
    const wanted = this.connections.filter(c => clusters.includes(c.name));
    const perCluster = await Promise.all(
      wanted.map(connection =>
        this.read(connection).catch(error => {
          this.options.onUnreadable?.(
            connection.name,
            describeKubernetesError(error, connection.url),
          );
          return [];
        }),
      ),
    );
    return perCluster.flat();
  }

  private async read(
    connection: ClusterConnection,
  ): Promise<ClusterReservedRange[]> {
    const { apps } = await this.clients.forCluster(connection);
    const objects = await this.customObjects(connection);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const [istiod, serviceEntries] = await withTimeout(
      Promise.all([
        apps
          .readNamespacedDeployment({
            name: 'istiod',
            namespace: 'istio-system',
          })
          .catch((error): V1Deployment | undefined => {
            if (isNotFound(error)) return undefined;
            throw error;
          }),
        objects.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: 'serviceentries',
        }) as Promise<{ items?: ServiceEntryAddresses[] }>,
      ]),
      timeoutMs,
      `the API server at ${connection.url} did not answer within ${timeoutMs} ms`,
    );
    return [
      istioAutoAllocation(istiod).range,
      ...foreignServiceEntryAddresses(serviceEntries.items ?? []),
    ].map(range => ({ ...range, what: `${connection.name}: ${range.what}` }));
  }

  private customObjects(connection: ClusterConnection) {
    let api = this.objects.get(connection.name);
    if (!api) {
      api = Promise.all([
        this.clients.forCluster(connection),
        loadKubernetesModule(),
      ]).then(([{ kubeConfig }, k8s]) =>
        kubeConfig.makeApiClient(k8s.CustomObjectsApi),
      );
      this.objects.set(connection.name, api);
    }
    return api;
  }
}
