/**
 * crossmesh's scaffolder backend module.
 *
 * @packageDocumentation
 */

export { default } from './module';
