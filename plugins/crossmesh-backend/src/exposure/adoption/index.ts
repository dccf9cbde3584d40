export { AdoptionService } from './AdoptionService';
export { ClusterServiceEntries } from './ClusterServiceEntries';
export { ADOPTION_REASON, assessAdoption } from './assessAdoption';
export type {
  AdoptionFacts,
  AdoptionPlan,
  AdoptionProblem,
  AdoptionTakeover,
  HostAssessment,
} from './assessAdoption';
export { readHandMadeEntry, roleOf } from './handMadeServiceEntry';
export type {
  HandMadePort,
  HandMadeServiceEntry,
} from './handMadeServiceEntry';
export type * from './types';
