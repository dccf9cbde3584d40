export { ClusterExposureApplier } from './ClusterExposureApplier';
export { MANAGED_KINDS } from './istioObjects';
export type { ClusterConvergence } from './ClusterExposureApplier';
export { FIELD_MANAGER } from '../../clusters/ownership';
export { foreignSpecFieldsPatch, objectKey, planClusterChanges } from './plan';
export type { ClusterChangePlan } from './plan';
export type { ObservedKubeObject } from '../render';
export { DatabaseReconcileStatusStore } from './DatabaseReconcileStatusStore';
export type { ReconcileStatusStore } from './ReconcileStatusStore';
