/**
 * crossmesh's catalog backend module.
 *
 * @packageDocumentation
 */

export { default } from './module';
