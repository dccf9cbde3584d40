/**
 * crossmesh's scaffolder backend module: actions that onboard a cluster into the mesh and
 * request an exposure.
 *
 * @packageDocumentation
 */

export { default } from './module';
export { createOnboardClusterAction } from './actions/onboardCluster';
export { createRequestExposureAction } from './actions/requestExposure';
