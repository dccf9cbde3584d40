/**
 * Real kube-apiservers over one etcd, seeded like an Istio install.
 *
 * @packageDocumentation
 */

export { startTestBed } from './startTestBed';
export { seedServices } from './demoServices';
export type { BedService } from './demoServices';
export { startProcess, stopProcess } from './processes';
export type { ManagedProcess, StartProcessOptions } from './processes';
export type { CrossmeshAccess } from './crossmeshAccess';
export type {
  KubernetesClusterConfig,
  KubernetesConfig,
  TestBed,
  TestBedOptions,
  TestCluster,
} from './types';
