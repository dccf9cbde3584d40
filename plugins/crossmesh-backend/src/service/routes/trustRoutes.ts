import {
  crossmeshTrustManagePermission,
  crossmeshTrustReadPermission,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { TrustServices } from '../../trust';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * The mesh's trust: its state and drift for readers; root, intermediates, distribution and
 * rotation for the platform team.
 *
 * @internal
 */
export function addTrustRoutes(
  router: ApiRouter,
  access: RouteAccess,
  trust: TrustServices,
) {
  const { authorize, authorizePlatform } = access;

  router.get('/trust', async (req, res) => {
    await authorize(req, crossmeshTrustReadPermission);
    res.json(await trust.getState());
  });

  router.get('/trust/drift', async (req, res) => {
    await authorize(req, crossmeshTrustReadPermission);
    res.json({ items: await trust.distribution.inspect() });
  });

  router.post('/trust/root', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'generate the root CA',
    );
    const root = await trust.roots.generateRoot(
      {
        keyType: req.body?.keyType ?? 'rsa-4096',
        validityDays: req.body?.validityDays ?? 3650,
      },
      actor,
    );
    res.status(201).json(root);
  });

  router.post('/trust/root/import', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'import a root CA',
    );
    res.status(201).json(await trust.roots.importRoot(req.body, actor));
  });

  router.post('/trust/clusters/:clusterName/intermediate', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'issue intermediate CAs',
    );
    res.status(201).json(
      await trust.intermediates.issueIntermediate(
        req.params.clusterName,
        actor,
        {
          keyType: req.body?.keyType,
        },
      ),
    );
  });

  router.put('/trust/clusters/:clusterName/intermediate', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'upload signed intermediate CAs',
    );
    res.json(
      await trust.intermediates.uploadSignedIntermediate(
        req.params.clusterName,
        req.body.certPem,
        actor,
      ),
    );
  });

  router.post('/trust/clusters/:clusterName/csr', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'create intermediate CA requests',
    );
    res
      .status(201)
      .json(await trust.intermediates.createCsr(req.params.clusterName, actor));
  });

  router.post('/trust/distribute', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'distribute cacerts',
    );
    res.json({
      items: await trust.distribution.distribute(actor, req.body?.clusterName),
    });
  });

  router.post('/trust/rotation', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'rotate the root CA',
    );
    const body = req.body ?? {};
    const input = body.certPem
      ? { certPem: body.certPem, keyPem: body.keyPem }
      : {
          keyType: body.keyType ?? 'rsa-4096',
          validityDays: body.validityDays ?? 3650,
        };
    res.status(202).json(await trust.rotation.startRotation(input, actor));
  });

  router.post('/trust/rotation/advance', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'advance a root rotation',
    );
    const result = await trust.rotation.advanceRotation(actor);
    res.status('confirmation' in result ? 202 : 200).json(result);
  });

  router.post(
    '/trust/confirmations/:confirmationId/confirm',
    async (req, res) => {
      const { actor } = await authorizePlatform(
        req,
        crossmeshTrustManagePermission,
        'confirm root operations',
      );
      res.json(
        await trust.rotation.confirm(
          req.params.confirmationId,
          req.body.fingerprintSha256,
          actor,
        ),
      );
    },
  );

  router.post(
    '/trust/confirmations/:confirmationId/cancel',
    async (req, res) => {
      const { actor } = await authorizePlatform(
        req,
        crossmeshTrustManagePermission,
        'cancel root operations',
      );
      res.json(
        await trust.confirmations.cancel(req.params.confirmationId, actor),
      );
    },
  );
}
