/**
 * crossmesh's catalog backend module: the mesh and its clusters as catalog entities.
 *
 * @packageDocumentation
 */

export { default } from './module';
export { CLUSTER_ANNOTATIONS } from './annotations';
