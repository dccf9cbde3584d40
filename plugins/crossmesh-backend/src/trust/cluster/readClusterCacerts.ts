import type { CoreV1Api } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  CACERTS_SECRET_NAME,
  CONTENT_DIGEST_ANNOTATION,
  decodeSecretData,
  INTERMEDIATE_FINGERPRINT_ANNOTATION,
  isManagedByCrossmesh,
  ISTIO_NAMESPACE,
} from './cacertsSecret';

/**
 * A cluster's `istio-system/cacerts` Secret as read.
 *
 * @internal
 */
export interface ClusterCacerts {
  /** The Secret's data, decoded as text, every key it has; null when there is no Secret. */
  files: Record<string, string> | null;
  /** It carries the label `app.kubernetes.io/managed-by: crossmesh`. */
  managedByCrossmesh: boolean;
  /** The intermediate's SHA-256 fingerprint crossmesh recorded when it wrote the Secret. */
  fingerprintAnnotation?: string;
  /** The digest of the whole data crossmesh recorded when it wrote the Secret. */
  contentDigestAnnotation?: string;
}

/**
 * Reads a cluster's `cacerts` Secret.
 *
 * @throws Error with a sentence for people when the cluster cannot be read.
 * @internal
 */
export async function readClusterCacerts(
  clients: KubernetesClients,
  connection: ClusterConnection,
): Promise<ClusterCacerts> {
  const { core } = await clients.forCluster(connection);
  try {
    return await readWith(core);
  } catch (error) {
    throw new Error(
      `cannot read cacerts in cluster '${
        connection.name
      }': ${describeKubernetesError(error, connection.url)}`,
      { cause: error },
    );
  }
}

async function readWith(core: CoreV1Api): Promise<ClusterCacerts> {
  try {
    const secret = await core.readNamespacedSecret({
      name: CACERTS_SECRET_NAME,
      namespace: ISTIO_NAMESPACE,
    });
    const annotations = secret.metadata?.annotations ?? {};
    return {
      files: decodeSecretData(secret.data),
      managedByCrossmesh: isManagedByCrossmesh(secret),
      ...(annotations[INTERMEDIATE_FINGERPRINT_ANNOTATION]
        ? {
            fingerprintAnnotation:
              annotations[INTERMEDIATE_FINGERPRINT_ANNOTATION],
          }
        : {}),
      ...(annotations[CONTENT_DIGEST_ANNOTATION]
        ? { contentDigestAnnotation: annotations[CONTENT_DIGEST_ANNOTATION] }
        : {}),
    };
  } catch (error) {
    if (isNotFound(error)) {
      return { files: null, managedByCrossmesh: false };
    }
    throw error;
  }
}
