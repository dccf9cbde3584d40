import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { MeshIcon } from '../components/MeshIcon';
import { rootRouteRef } from '../routes';

export const meshOverviewPage = PageBlueprint.make({
  params: {
    path: '/crossmesh',
    title: 'Mesh',
    icon: <MeshIcon />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/MeshOverviewPage').then(m => (
        <m.MeshOverviewPage />
      )),
  },
});
