/**
 * Real kube-apiservers over one etcd, seeded like an Istio install.
 *
 * @packageDocumentation
 */

export { startTestBed } from './startTestBed';
export type {
  KubernetesClusterConfig,
  KubernetesConfig,
  TestBed,
  TestBedOptions,
  TestCluster,
} from './types';
