import type { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from './clusterConnections';
import { loadKubernetesModule } from './kubernetesModule';

/**
 * The typed API clients crossmesh uses against one cluster.
 *
 * @internal
 */
export interface ClusterApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  kubeConfig: KubeConfig;
}

/**
 * Builds and caches API clients per cluster from the Kubernetes plugin's connection
 * details.
 *
 * @internal
 */
export class KubernetesClients {
  private readonly cache = new Map<string, Promise<ClusterApis>>();

  forCluster(connection: ClusterConnection): Promise<ClusterApis> {
    let apis = this.cache.get(connection.name);
    if (!apis) {
      apis = this.build(connection);
      this.cache.set(connection.name, apis);
    }
    return apis;
  }

  private async build(connection: ClusterConnection): Promise<ClusterApis> {
    const k8s = await loadKubernetesModule();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: connection.name,
          server: connection.url,
          caData: connection.caData,
          caFile: connection.caFile,
          skipTLSVerify: connection.skipTLSVerify,
        },
      ],
      users: [{ name: 'crossmesh', token: connection.serviceAccountToken }],
      contexts: [
        { name: connection.name, cluster: connection.name, user: 'crossmesh' },
      ],
      currentContext: connection.name,
    });
    return {
      kubeConfig,
      core: kubeConfig.makeApiClient(k8s.CoreV1Api),
      apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    };
  }
}
