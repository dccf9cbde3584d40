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

const MESH_CONFIG_NAMESPACE = 'istio-system';
const MESH_KEY = 'mesh';

/**
 * The ConfigMap istiod of `revision` reads its mesh config from: `istio` for the default
 * revision, `istio-<revision>` for one installed with `--revision` (or `revision:` in Helm).
 *
 * @internal
 */
export function meshConfigMapName(revision: string): string {
  return revision === 'default' ? 'istio' : `istio-${revision}`;
}
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
 * Keeps crossmesh's `serviceSettings` in a cluster's mesh configs (ConfigMap
 * `istio-system/istio`, or `istio-<revision>` of each revision crossmesh is told of, key
 * `mesh`), which istiod watches and applies without a restart. Each write is a replace
 * guarded by resourceVersion: when someone else changed the ConfigMap meanwhile, the edit is
 * made again on what is there now, so their change stays.
 *
 * @internal
 */
export class MeshConfigWiring {
  private readonly configMaps: string[];

  constructor(
    private readonly clients: KubernetesClients,
    /** `crossmesh.multiPrimary.revisions`; every revision's istiod reads its own. */
    revisions: string[] = ['default'],
  ) {
    this.configMaps = revisions.map(meshConfigMapName);
  }

  async setServiceSettings(
    connection: ClusterConnection,
    desired: DesiredServiceSettings,
  ): Promise<MeshConfigResult> {
    const results = [];
    for (const name of this.configMaps) {
      results.push(await this.write(connection, name, desired));
    }
    const errors = results.flatMap(r => (r.error ? [r.error] : []));
    return {
      cluster: connection.name,
      changed: results.some(r => r.changed),
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    };
  }

  private async write(
    connection: ClusterConnection,
    name: string,
    desired: DesiredServiceSettings,
  ): Promise<{ changed: boolean; error?: string }> {
    const where = `ConfigMap ${MESH_CONFIG_NAMESPACE}/${name} in ${connection.name}`;
    const target = { namespace: MESH_CONFIG_NAMESPACE, name };
    try {
      const { core } = await this.clients.forCluster(connection);
      for (let attempt = 1; ; attempt++) {
        const current: V1ConfigMap = await core.readNamespacedConfigMap(target);
        const text = current.data?.[MESH_KEY] ?? '';
        const edit = editServiceSettings(text, desired);
        if (!edit.changed) {
          return { changed: false };
        }
        try {
          await core.replaceNamespacedConfigMap({
            ...target,
            body: {
              ...current,
              data: { ...current.data, [MESH_KEY]: edit.text },
            },
          });
          return { changed: true };
        } catch (error) {
          if (isConflict(error) && attempt < ATTEMPTS) continue;
          throw error;
        }
      }
    } catch (error) {
      return { changed: false, error: describe(error, where, connection.url) };
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
