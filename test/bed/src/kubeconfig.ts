import yaml from 'js-yaml';
import type { KubernetesConfig, TestCluster } from './types';

/** A kubeconfig for one cluster, authenticating with the given bearer token. */
export function renderKubeconfig(
  cluster: Pick<TestCluster, 'name' | 'url' | 'caData'>,
  token: string,
  user = 'admin',
): string {
  const userName = `${cluster.name}-${user}`;
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: cluster.url,
          'certificate-authority-data': cluster.caData,
        },
      },
    ],
    users: [{ name: userName, user: { token } }],
    contexts: [
      {
        name: cluster.name,
        context: { cluster: cluster.name, user: userName },
      },
    ],
    'current-context': cluster.name,
  });
}

/** Backstage's `kubernetes:` config block, authenticating as user `crossmesh`. */
export function kubernetesConfigFor(clusters: TestCluster[]): KubernetesConfig {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(cluster => ({
          name: cluster.name,
          url: cluster.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: cluster.crossmeshToken,
          caData: cluster.caData,
          skipTLSVerify: false,
        })),
      },
    ],
  };
}

/** The app-config file the CLI writes: `kubernetes:`, and what `extra` adds (Git delivery). */
export function renderAppConfig(
  config: KubernetesConfig,
  extra: Record<string, unknown> = {},
): string {
  return yaml.dump({ kubernetes: config, ...extra }, { lineWidth: -1 });
}
