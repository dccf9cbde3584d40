/**
 * Real kube-apiservers over one etcd, seeded like an Istio install.
 *
 * @packageDocumentation
 */

export { startTestBed } from './startTestBed';
export { leaseTestBed } from './pool/leaseTestBed';
export { kubeRequest } from './kubeRequest';
export type { KubeConnection, KubeResponse } from './kubeRequest';
export { followAuditLog } from './audit';
export type { AuditLogEvent } from './audit';
export { seedServices } from './demoServices';
export {
  clusterRequest,
  refuseCrossmeshConfigMapWrites,
  refuseSecretWrites,
  REFUSED_CONFIGMAP_WRITE,
} from './admissionFaults';
export type { BedService } from './demoServices';
export { startProcess, stopProcess } from './processes';
export type { ManagedProcess, StartProcessOptions } from './processes';
export type { CrossmeshAccess } from './crossmeshAccess';
export {
  ingressGatewayProxy,
  publishedRootCert,
  registryClusters,
  workloadCertificate,
  xdsSnapshot,
} from './istio/probe';
export type { ProbeProxy, RegistryCluster, XdsSnapshot } from './istio/probe';
export { analyzeCluster } from './istio/analyze';
export { seedWorkloads } from './dataPlane/workloads';
export type { BedWorkload } from './dataPlane/workloads';
export type {
  DataPlane,
  ExecResult,
  LoadRecord,
  RunningLoad,
  RunningWorkload,
} from './dataPlane/DataPlane';
export type { IngressGateway } from './dataPlane/IngressGateway';
export type { AnalysisMessage } from './istio/analyze';
export type {
  DataPlaneOptions,
  IstiodOptions,
  KubernetesClusterConfig,
  KubernetesConfig,
  TestBed,
  TestBedOptions,
  TestCluster,
  TestIstiod,
} from './types';
export { startGitea } from './gitea';
export type { TestGitea } from './gitea';
export { startFlux } from './flux';
export type { TestFlux } from './flux';
export { startGitOps } from './gitops';
export type { TestGitOps } from './gitops';
