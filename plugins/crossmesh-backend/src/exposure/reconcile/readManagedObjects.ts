import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { ClusterConnection } from '../../clusters/clusterConnections';
import type { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  loadKubernetesModule,
  TimeoutError,
} from '../../clusters/kubernetesModule';
import { describeKubernetesError } from '../../clusters/kubernetesErrors';
import type { ObservedKubeObject } from '../render/types';
import { send, StopError, Tally } from './apiRequests';
import { MANAGED_KINDS, MANAGED_SELECTOR } from './istioObjects';

/**
 * crossmesh's objects in one cluster (labelled `app.kubernetes.io/managed-by=crossmesh`),
 * with one LIST per kind; what direct delivery converges and Git delivery checks as live.
 * A LIST refused stops the read with the reason, so nothing is decided on half a cluster.
 *
 * @internal
 */
export async function readManagedObjects(
  api: CustomObjectsApi,
  tally: Tally,
): Promise<ObservedKubeObject[]> {
  const objects: ObservedKubeObject[] = [];
  for (const { kind, plural, apiVersion } of MANAGED_KINDS) {
    const [group, version] = apiVersion.split('/');
    let list: { items?: ObservedKubeObject[] };
    try {
      list = await send(tally, 'reads', () =>
        api.listClusterCustomObject({
          group,
          version,
          plural,
          labelSelector: MANAGED_SELECTOR,
        }),
      );
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw error;
      }
      throw new StopError(
        `crossmesh could not list its ${kind} objects, so it changed nothing: ${describeKubernetesError(
          error,
          tally.url,
        )}`,
        error,
      );
    }
    for (const item of list.items ?? []) {
      // Items of a custom resource list carry these, but a missing one must not make two
      // objects of different kinds look alike.
      objects.push({
        ...item,
        apiVersion: item.apiVersion ?? apiVersion,
        kind: item.kind ?? kind,
      });
    }
  }
  return objects;
}

const customObjectsApis = new WeakMap<KubeConfig, CustomObjectsApi>();

/**
 * The custom-objects client of a cluster's connection, made once per KubeConfig.
 *
 * @internal
 */
export async function customObjectsApi(
  clients: KubernetesClients,
  connection: ClusterConnection,
): Promise<CustomObjectsApi> {
  const { kubeConfig } = await clients.forCluster(connection);
  let api = customObjectsApis.get(kubeConfig);
  if (!api) {
    const k8s = await loadKubernetesModule();
    api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    customObjectsApis.set(kubeConfig, api);
  }
  return api;
}
