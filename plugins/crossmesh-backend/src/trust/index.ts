export { createTrustServices } from './createTrustServices';
export type { TrustServices, TrustState } from './createTrustServices';
export { DistributionService } from './DistributionService';
export { IntermediateService } from './IntermediateService';
export type { IssueResult } from './IntermediateService';
export { RootService } from './RootService';
export { RotationService } from './RotationService';
export type { RotationResult } from './RotationService';
export type {
  IntermediateView,
  RootView,
  TrustMode,
  TrustSettings,
} from './TrustContext';
