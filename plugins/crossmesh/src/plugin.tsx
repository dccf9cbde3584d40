import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/crossmesh',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const crossmeshPlugin = createFrontendPlugin({
  pluginId: 'crossmesh',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
