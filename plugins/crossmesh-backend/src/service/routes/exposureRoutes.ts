import {
  crossmeshExposureDecidePermission,
  crossmeshExposureReadPermission,
  crossmeshExposureRequestPermission,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ServicePortsReader } from '../../exposure/servicePorts/ServicePortsReader';
import { ExposureService } from '../../exposure/workflow/ExposureService';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * Exposure requests and their decisions, previews, the ports a component offers, and the
 * VIPs taken. Ownership and approver rules beyond the permission are the service's.
 *
 * @internal
 */
export function addExposureRoutes(
  router: ApiRouter,
  access: RouteAccess,
  services: { exposures: ExposureService; servicePorts: ServicePortsReader },
) {
  const { authorize } = access;
  const { exposures, servicePorts } = services;

  router.get('/exposures', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    const { state, entityRef, cluster, requestedBy, limit, offset } = req.query;
    res.json(
      await exposures.list({
        states: state
          ? (state.split(',').map(s => s.trim()) as ExposureRequestState[])
          : undefined,
        entityRef,
        cluster,
        requestedBy,
        limit: limit ?? 50,
        offset: offset ?? 0,
      }),
    );
  });

  router.post('/exposures', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.status(201).json(await exposures.create(req.body, credentials, actor));
  });

  // Read permission is enough: nothing is stored, and the catalog read checks the entity.
  router.post('/exposures/preview', async (req, res) => {
    const { credentials } = await authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await exposures.previewDraft(req.body, credentials));
  });

  router.get('/service-ports', async (req, res) => {
    const { credentials } = await authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await servicePorts.read(req.query.entityRef, credentials));
  });

  router.get('/exposures/:requestId', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json(await exposures.get(req.params.requestId));
  });

  router.get('/exposures/:requestId/preview', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json(await exposures.preview(req.params.requestId));
  });

  router.post('/exposures/:requestId/cancel', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.json(await exposures.cancel(req.params.requestId, credentials, actor));
  });

  router.post('/exposures/:requestId/revoke', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.json(await exposures.revoke(req.params.requestId, credentials, actor));
  });

  router.post('/exposures/:requestId/approve', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureDecidePermission,
    );
    res.json(
      await exposures.approve(
        req.params.requestId,
        req.body?.comment,
        credentials,
        actor,
      ),
    );
  });

  router.post('/exposures/:requestId/reject', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureDecidePermission,
    );
    res.json(
      await exposures.reject(
        req.params.requestId,
        req.body?.comment,
        credentials,
        actor,
      ),
    );
  });

  router.get('/vips', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json({ items: await exposures.listVips() });
  });
}
