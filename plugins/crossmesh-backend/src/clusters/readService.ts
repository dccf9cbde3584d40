import { ServiceUnavailableError } from '@backstage/errors';
import type { V1Service } from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from './clusterConnections';
import { describeKubernetesError, isNotFound } from './kubernetesErrors';
import { KubernetesClients } from './KubernetesClients';
import { TimeoutError, withTimeout } from './kubernetesModule';

/**
 * Reads one Service from a cluster: undefined when it does not exist; a
 * ServiceUnavailableError saying why (ending with `remedy`) when the cluster cannot answer.
 *
 * @internal
 */
export async function readService(
  clients: KubernetesClients,
  connection: ClusterConnection,
  service: { namespace: string; name: string },
  options: { timeoutMs: number; remedy: string },
): Promise<V1Service | undefined> {
  const { namespace, name } = service;
  const authProblem = unsupportedAuthProblem(connection);
  if (authProblem) {
    throw new ServiceUnavailableError(
      `Cannot read Service ${namespace}/${name}: ${authProblem}`,
    );
  }
  const { timeoutMs } = options;
  try {
    const { core } = await clients.forCluster(connection);
    return await withTimeout(
      core.readNamespacedService({ name, namespace }),
      timeoutMs,
      `the API server at ${connection.url} did not answer within ${timeoutMs} ms`,
    );
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw new ServiceUnavailableError(
      `Cannot read Service ${namespace}/${name} in cluster ${
        connection.name
      }: ${
        error instanceof TimeoutError
          ? error.message
          : describeKubernetesError(error, connection.url)
      }; ${options.remedy}`,
    );
  }
}
