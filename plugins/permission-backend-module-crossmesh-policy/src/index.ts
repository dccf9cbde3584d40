/**
 * crossmesh's recommended permission policy, as a module of the permission backend.
 *
 * @packageDocumentation
 */

export { permissionModuleCrossmeshPolicy as default } from './module';
export {
  CROSSMESH_POLICY,
  CrossmeshPermissionPolicy,
  crossmeshPolicyDecision,
} from './CrossmeshPermissionPolicy';
