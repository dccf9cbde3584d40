/**
 * Isomorphic types, permissions and naming rules shared by the crossmesh packages.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './permissions';
export * from './naming';
export * from './exposures';
export * from './exposureStates';
export * from './api';
export * from './trust';
export * from './remoteSecrets';
export * from './preflight';
export * from './onboarding';
export * from './groups';
export * from './errorCodes';
export * from './onboardingJobs';
