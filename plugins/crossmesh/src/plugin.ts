import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { CrossmeshClient, crossmeshApiRef } from './api';
import {
  approvalsRouteRef,
  rootRouteRef,
  scaffolderTemplateRouteRef,
} from './routes';

/**
 * The crossmesh plugin for apps on Backstage's legacy frontend system.
 *
 * @public
 */
export const crossmeshPlugin = createPlugin({
  id: 'crossmesh',
  apis: [
    createApiFactory({
      api: crossmeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CrossmeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    approvals: approvalsRouteRef,
  },
  externalRoutes: {
    scaffolderTemplate: scaffolderTemplateRouteRef,
  },
});

/**
 * The mesh overview page, for a `<Route>` of a legacy frontend system app.
 *
 * @public
 */
export const CrossmeshMeshOverviewPage = crossmeshPlugin.provide(
  createRoutableExtension({
    name: 'CrossmeshMeshOverviewPage',
    component: () =>
      import('./components/MeshOverviewPage').then(m => m.MeshOverviewPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The approvals inbox, where the platform team reviews, approves and rejects exposure
 * requests, for a `<Route>` of a legacy frontend system app.
 *
 * @public
 */
export const CrossmeshApprovalsPage = crossmeshPlugin.provide(
  createRoutableExtension({
    name: 'CrossmeshApprovalsPage',
    component: () =>
      import('./components/ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);

/**
 * The Mesh tab content of a Component: where it is exposed and a form to request more. Put
 * it in an `EntityLayout.Route` shown when {@link isCrossmeshAvailable} says so.
 *
 * @public
 */
export const EntityCrossmeshContent = crossmeshPlugin.provide(
  createComponentExtension({
    name: 'EntityCrossmeshContent',
    component: {
      lazy: () =>
        import('./components/EntityMeshContent').then(m => m.EntityMeshContent),
    },
  }),
);
