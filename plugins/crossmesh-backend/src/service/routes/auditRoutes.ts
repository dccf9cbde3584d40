import { crossmeshAuditReadPermission } from '@crossmesh/backstage-plugin-crossmesh-common';
import { AuditLog } from '../../audit';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * The audit log, newest first, filtered and paged.
 *
 * @internal
 */
export function addAuditRoutes(
  router: ApiRouter,
  access: RouteAccess,
  audit: Pick<AuditLog, 'list'>,
) {
  router.get('/audit-events', async (req, res) => {
    await access.authorize(req, crossmeshAuditReadPermission);
    const { clusterName, action, actor, limit, offset } = req.query;
    res.json(
      await audit.list({
        clusterName,
        action,
        actor,
        limit: limit ?? 50,
        offset: offset ?? 0,
      }),
    );
  });
}
