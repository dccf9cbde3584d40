import { createRouteRef } from '@backstage/core-plugin-api';

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
