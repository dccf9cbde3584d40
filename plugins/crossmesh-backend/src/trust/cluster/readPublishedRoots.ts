import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { ISTIO_NAMESPACE } from './cacertsSecret';

/**
 * The ConfigMap istiod writes into every namespace with the roots it tells workloads to trust.
 *
 * @internal
 */
export const PUBLISHED_ROOTS_CONFIGMAP = 'istio-ca-root-cert';

/**
 * What a cluster's istiod publishes for workloads to trust, as read from
 * `istio-system/istio-ca-root-cert`.
 *
 * @internal
 */
export interface PublishedRoots {
  cluster: string;
  /** `root-cert.pem` of the ConfigMap; null when there is none (no istiod has written it). */
  rootCertPem?: string | null;
  /** The ConfigMap could not be read. */
  error?: string;
}

/**
 * Reads the roots istiod publishes in a cluster. Never throws; a failed read is in `error`.
 *
 * @internal
 */
export async function readPublishedRoots(
  clients: KubernetesClients,
  connection: ClusterConnection,
): Promise<PublishedRoots> {
  try {
    const { core } = await clients.forCluster(connection);
    const configMap = await core.readNamespacedConfigMap({
      name: PUBLISHED_ROOTS_CONFIGMAP,
      namespace: ISTIO_NAMESPACE,
    });
    return {
      cluster: connection.name,
      rootCertPem: configMap.data?.['root-cert.pem'] ?? null,
    };
  } catch (error) {
    if (isNotFound(error)) {
      return { cluster: connection.name, rootCertPem: null };
    }
    return {
      cluster: connection.name,
      error: `cannot read ConfigMap ${ISTIO_NAMESPACE}/${PUBLISHED_ROOTS_CONFIGMAP}: ${describeKubernetesError(
        error,
        connection.url,
      )}`,
    };
  }
}
