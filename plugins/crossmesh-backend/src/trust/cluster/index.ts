/**
 * Cluster I/O for the mesh's certificates: Istio's `cacerts` Secret and the restarts
 * that make istiod and the ingress gateway pick it up.
 */

export { CacertsDistributor } from './CacertsDistributor';
export type {
  CacertsDistribution,
  DistributeContext,
} from './CacertsDistributor';
export { readClusterCacerts } from './readClusterCacerts';
export type { ClusterCacerts } from './readClusterCacerts';
export { inspectClusterTrust } from './inspectClusterTrust';
export { readPublishedRoots } from './readPublishedRoots';
export type { PublishedRoots } from './readPublishedRoots';
export type {
  ClusterTrustInspection,
  InspectClusterTrustOptions,
  MissingCacertsReport,
} from './inspectClusterTrust';
export {
  CACERTS_SECRET_NAME,
  CONTENT_DIGEST_ANNOTATION,
  INTERMEDIATE_FINGERPRINT_ANNOTATION,
  ISTIO_NAMESPACE,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RESTART_PENDING_ANNOTATION,
} from './cacertsSecret';
export { CACERTS_CONSUMERS } from './restartDeployments';
export { cacertsConsumersFor } from './restartDeployments';
export { readIstiodRestart } from './readIstiodRestart';
export type { IstiodRestart } from './readIstiodRestart';
