import type { V1ConfigMap } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { isConflict } from '../../clusters/kubernetesModule';
import {
  DesiredServiceSettings,
  editServiceSettings,
  MeshConfigConflictError,
} from './serviceSettings';

/** Where istiod reads the mesh config of its default revision. */
const MESH_CONFIG = { namespace: 'istio-system', name: 'istio' };
const MESH_KEY = 'mesh';
const ATTEMPTS = 3;

/**
 * What writing one cluster's `serviceSettings` did.
 *
 * @internal
 */
export interface MeshConfigResult {
  cluster: string;
  changed: boolean;
  error?: string;
}

/**
 * Keeps crossmesh's `serviceSettings` in a cluster's mesh config (ConfigMap
 * `istio-system/istio`, key `mesh`), which istiod watches and applies without a restart.
 * Each write is a replace guarded by resourceVersion: when someone else changed the
 * ConfigMap meanwhile, the edit is made again on what is there now, so their change stays.
 *
 * @internal
 */
export class MeshConfigWiring {
  constructor(private readonly clients: KubernetesClients) {}

  async setServiceSettings(
    connection: ClusterConnection,
    desired: DesiredServiceSettings,
  ): Promise<MeshConfigResult> {
    const cluster = connection.name;
    const where = `ConfigMap ${MESH_CONFIG.namespace}/${MESH_CONFIG.name} in ${cluster}`;
    try {
      const { core } = await this.clients.forCluster(connection);
      for (let attempt = 1; ; attempt++) {
        const current: V1ConfigMap = await core.readNamespacedConfigMap(
          MESH_CONFIG,
        );
        const text = current.data?.[MESH_KEY] ?? '';
        const edit = editServiceSettings(text, desired);
        if (!edit.changed) {
          return { cluster, changed: false };
        }
        try {
          await core.replaceNamespacedConfigMap({
            ...MESH_CONFIG,
            body: {
              ...current,
              data: { ...current.data, [MESH_KEY]: edit.text },
            },
          });
          return { cluster, changed: true };
        } catch (error) {
          if (isConflict(error) && attempt < ATTEMPTS) continue;
          throw error;
        }
      }
    } catch (error) {
      return {
        cluster,
        changed: false,
        error: describe(error, where, connection.url),
      };
    }
  }
}

function describe(error: unknown, where: string, url: string): string {
  if (error instanceof MeshConfigConflictError) {
    return `${where}: ${error.message}`;
  }
  if (isNotFound(error)) {
    return `${where} does not exist; Istio's installer creates it, and multi-primary keeps services cluster-local there`;
  }
  if (isConflict(error)) {
    return `${where} kept changing while crossmesh wrote its serviceSettings (${ATTEMPTS} attempts); the next pass tries again`;
  }
  return `writing serviceSettings to ${where} failed: ${describeKubernetesError(
    error,
    url,
  )}`;
}
