import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { crossmeshClusterReadPermission } from '@crossmesh/backstage-plugin-crossmesh-common';
import express, { Request } from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { ClusterService } from './ClusterService';

/**
 * The HTTP API, validated against `src/schema/openapi.yaml`.
 *
 * @internal
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterService;
}): Promise<express.Router> {
  const { httpAuth, permissions, clusters } = options;
  const router = await createOpenApiRouter();

  async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== 'ALLOW') {
      throw new NotAllowedError(
        `You are not allowed to ${permission.attributes.action ?? 'use'} ${
          permission.name
        }`,
      );
    }
  }

  router.get('/clusters', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({ items: await clusters.listClusters() });
  });

  router.get('/clusters/:clusterName', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json(await clusters.getCluster(req.params.clusterName));
  });

  return router;
}
