import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { describeKubernetesError } from '../../clusters/kubernetesErrors';
import { retryWhileThrottled } from '../../clusters/retryWhileThrottled';
import {
  loadKubernetesModule,
  TimeoutError,
  withTimeout,
} from '../../clusters/kubernetesModule';
import { ISTIO_NETWORKING_API_VERSION } from '../render';
import type { KubeObject } from '../render';
import { FIELD_MANAGER } from '../../clusters/ownership';
import type { ObservedKubeObject } from '../render';
import {
  HandMadeServiceEntry,
  readHandMadeEntry,
} from './handMadeServiceEntry';

const [GROUP, VERSION] = ISTIO_NETWORKING_API_VERSION.split('/');
const PLURAL = 'serviceentries';

/**
 * Reads and writes the ServiceEntries of one cluster for adoption: lists the hand-made
 * `.global` ones, applies crossmesh's (server-side apply under crossmesh's field manager,
 * as the reconciler does) and deletes a hand-made one only if it is still the object that
 * was read. Errors are thrown as sentences a person can act on.
 *
 * @internal
 */
export class ClusterServiceEntries {
  constructor(
    private readonly clients: KubernetesClients,
    /** `timeoutMs`: how long one request may take; default 30 s. */
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  async listHandMade(
    connection: ClusterConnection,
  ): Promise<HandMadeServiceEntry[]> {
    const api = await this.api(connection);
    const list = await this.send(
      connection,
      'list its ServiceEntries',
      () =>
        api.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
        }) as Promise<{ items?: ObservedKubeObject[] }>,
    );
    return (list.items ?? [])
      .map(item => readHandMadeEntry(connection.name, item))
      .filter((e): e is HandMadeServiceEntry => e !== undefined);
  }

  async apply(connection: ClusterConnection, object: KubeObject) {
    const api = await this.api(connection);
    const k8s = await loadKubernetesModule();
    await this.send(
      connection,
      `apply ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`,
      () =>
        api.patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            plural: PLURAL,
            namespace: object.metadata.namespace,
            name: object.metadata.name,
            body: object,
            fieldManager: FIELD_MANAGER,
            force: true,
          },
          k8s.setHeaderOptions(
            'Content-Type',
            k8s.PatchStrategy.ServerSideApply,
          ),
        ),
    );
  }

  /**
   * Deletes the entry only while it has the uid and resourceVersion it was read with: one
   * changed since is left for a person to look at (the API server answers 409).
   */
  async remove(connection: ClusterConnection, entry: HandMadeServiceEntry) {
    const api = await this.api(connection);
    await this.send(
      connection,
      `delete the hand-made ServiceEntry ${entry.namespace}/${entry.name}`,
      () =>
        api.deleteNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace: entry.namespace,
          name: entry.name,
          body: {
            preconditions: {
              uid: entry.uid,
              resourceVersion: entry.resourceVersion,
            },
          },
        }),
    );
  }

  private async send<T>(
    connection: ClusterConnection,
    what: string,
    request: () => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      return await retryWhileThrottled(() =>
        withTimeout(
          request(),
          timeoutMs,
          `the API server at ${connection.url} did not answer within ${timeoutMs} ms`,
        ),
      );
    } catch (error) {
      const reason =
        error instanceof TimeoutError
          ? error.message
          : describeKubernetesError(error, connection.url);
      throw new Error(
        `crossmesh could not ${what} in cluster '${connection.name}': ${reason}`,
      );
    }
  }

  private async api(connection: ClusterConnection): Promise<CustomObjectsApi> {
    const authProblem = unsupportedAuthProblem(connection);
    if (authProblem) {
      throw new Error(authProblem);
    }
    const { kubeConfig } = await this.clients.forCluster(connection);
    const k8s = await loadKubernetesModule();
    return kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }
}
