import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { ISTIO_NAMESPACE } from './cacertsSecret';
import { RESTARTED_AT_ANNOTATION } from './restartDeployments';

/**
 * When a cluster's istiod was last restarted, as `kubectl rollout restart` (and crossmesh,
 * after a `cacerts` write) records it on the Deployment's pod template.
 *
 * @internal
 */
export interface IstiodRestart {
  cluster: string;
  /** The `restartedAt` annotation; null when istiod has none or there is no istiod Deployment. */
  restartedAt?: string | null;
  /** The Deployment could not be read. */
  error?: string;
}

/**
 * Reads istiod's last restart in a cluster. Never throws; a failed read is in `error`.
 *
 * @internal
 */
export async function readIstiodRestart(
  clients: KubernetesClients,
  connection: ClusterConnection,
): Promise<IstiodRestart> {
  try {
    const { apps } = await clients.forCluster(connection);
    const istiod = await apps.readNamespacedDeployment({
      name: 'istiod',
      namespace: ISTIO_NAMESPACE,
    });
    return {
      cluster: connection.name,
      restartedAt:
        istiod.spec?.template?.metadata?.annotations?.[
          RESTARTED_AT_ANNOTATION
        ] ?? null,
    };
  } catch (error) {
    if (isNotFound(error)) {
      return { cluster: connection.name, restartedAt: null };
    }
    return {
      cluster: connection.name,
      error: `cannot read Deployment ${ISTIO_NAMESPACE}/istiod: ${describeKubernetesError(
        error,
        connection.url,
      )}`,
    };
  }
}
