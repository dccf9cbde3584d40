import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { CrossmeshClient, crossmeshApiRef } from './api';
import { rootRouteRef } from './routes';

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
