export { EntityMeshContent } from './EntityMeshContent';
export { isCrossmeshAvailable } from './isCrossmeshAvailable';
