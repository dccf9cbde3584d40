export {
  ClusterExposureApplier,
  MANAGED_KINDS,
} from './ClusterExposureApplier';
export type { ClusterConvergence } from './ClusterExposureApplier';
export {
  FIELD_MANAGER,
  foreignSpecFieldsPatch,
  objectKey,
  planClusterChanges,
} from './plan';
export type { ClusterChangePlan, ObservedKubeObject } from './plan';
export { DatabaseReconcileStatusStore } from './DatabaseReconcileStatusStore';
export type { ReconcileStatusStore } from './ReconcileStatusStore';
