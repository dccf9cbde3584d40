import {
  crossmeshExposureDecidePermission,
  crossmeshExposureReadPermission,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { AdoptionService } from '../../exposure/adoption';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * Taking over hand-made `.global` ServiceEntries: the candidates for readers, the takeover
 * for the platform team.
 *
 * @internal
 */
export function addAdoptionRoutes(
  router: ApiRouter,
  access: RouteAccess,
  adoption: AdoptionService,
) {
  router.get('/adoption/candidates', async (req, res) => {
    const { credentials } = await access.authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await adoption.listCandidates(credentials));
  });

  // Adopting makes exposures active without a request: the platform team's act.
  router.post('/adoption', async (req, res) => {
    const { actor, credentials } = await access.authorizePlatform(
      req,
      crossmeshExposureDecidePermission,
      'adopt hand-made ServiceEntries',
    );
    res.json(await adoption.adopt(req.body, credentials, actor));
  });
}
