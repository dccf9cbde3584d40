/**
 * The crossmesh frontend plugin: one Istio mesh across several Kubernetes
 * clusters. The new frontend system plugin is the default export of
 * `@crossmesh/backstage-plugin-crossmesh/alpha`.
 *
 * @packageDocumentation
 */

export {
  crossmeshPlugin,
  CrossmeshMeshOverviewPage,
  CrossmeshApprovalsPage,
  EntityCrossmeshContent,
} from './plugin';
export { isCrossmeshAvailable } from './components/EntityMeshContent';
export { rootRouteRef as crossmeshRootRouteRef } from './routes';
export { approvalsRouteRef as crossmeshApprovalsRouteRef } from './routes';
export { scaffolderTemplateRouteRef as crossmeshScaffolderTemplateRouteRef } from './routes';
export * from './api';
export * from './hooks';
export * from './components/MeshOverviewPage';
