import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { MeshIcon } from '../components/MeshIcon';
import {
  approvalsRouteRef,
  rootRouteRef,
  scaffolderTemplateRouteRef,
} from '../routes';
import { crossmeshApi } from './apis';
import { entityMeshContent } from './entityContent';
import { approvalsPage } from './approvalsPage';
import { meshOverviewPage } from './pages';

/**
 * The crossmesh plugin for apps on Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'crossmesh',
  title: 'Crossmesh',
  icon: <MeshIcon />,
  info: { packageJson: () => import('../../package.json') },
  routes: {
    root: rootRouteRef,
    approvals: approvalsRouteRef,
  },
  externalRoutes: {
    scaffolderTemplate: scaffolderTemplateRouteRef,
  },
  extensions: [
    crossmeshApi,
    meshOverviewPage,
    approvalsPage,
    entityMeshContent,
  ],
});
