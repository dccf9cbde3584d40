import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The route of the mesh overview page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'crossmesh' });
