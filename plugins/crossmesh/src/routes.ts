import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/**
 * The route of the mesh overview page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'crossmesh' });

/**
 * The route of the approvals inbox, where the platform team decides exposure requests.
 *
 * @public
 */
export const approvalsRouteRef = createRouteRef({ id: 'crossmesh-approvals' });

/**
 * A scaffolder template's page, where "Add cluster" leads to the template "Add a cluster to
 * the mesh". Bound to the scaffolder's selected-template route by default (new frontend
 * system); bind it to `scaffolderPlugin.routes.selectedTemplate` in a legacy app.
 *
 * @public
 */
export const scaffolderTemplateRouteRef = createExternalRouteRef({
  id: 'crossmesh-scaffolder-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});
