import type { KubeConnection } from '../kubeRequest';
import type { TestCluster } from '../types';

/** The cluster's API server as the bed's admin (system:masters). */
export const asAdmin = (cluster: TestCluster): KubeConnection => ({
  url: cluster.url,
  ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
  token: cluster.adminToken,
});

/** The cluster's API server as user crossmesh. */
export const asCrossmesh = (cluster: TestCluster): KubeConnection => ({
  ...asAdmin(cluster),
  token: cluster.crossmeshToken,
});
