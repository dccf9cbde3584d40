import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The service ref is tested against the real backend it calls.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crossmeshBackend from '@crossmesh/backstage-plugin-crossmesh-backend';
import { Router } from 'express';
import request from 'supertest';
import { crossmeshServiceRef } from './crossmeshServiceRef';

// A plugin that reaches the crossmesh backend only through the service ref, as the
// scaffolder module does.
const callerPlugin = createBackendPlugin({
  pluginId: 'caller',
  register(env) {
    env.registerInit({
      deps: {
        crossmesh: crossmeshServiceRef,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ crossmesh, httpRouter, httpAuth }) {
        const router = Router();
        router.get('/clusters', (req, res, next) => {
          httpAuth
            .credentials(req)
            .then(credentials => crossmesh.listClusters({ credentials }))
            .then(clusters => res.json(clusters))
            .catch(next);
        });
        httpRouter.use(router);
      },
    });
  },
});

const config = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'offline',
            url: 'https://127.0.0.1:9',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token',
          },
        ],
      },
    ],
  },
  crossmesh: { clusterTimeoutSeconds: 2 },
};

jest.setTimeout(60_000);

describe('crossmeshServiceRef', () => {
  it('calls the real crossmesh backend over HTTP on behalf of the caller', async () => {
    const backend = await startTestBackend({
      features: [
        crossmeshBackend,
        callerPlugin,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    try {
      const response = await request(backend.server).get(
        '/api/caller/clusters',
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        expect.objectContaining({
          name: 'offline',
          reachable: false,
          error: expect.stringContaining('cannot reach the API server'),
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it("surfaces the backend's refusal as an error with its message", async () => {
    const backend = await startTestBackend({
      features: [
        crossmeshBackend,
        callerPlugin,
        mockServices.rootConfig.factory({ data: config }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      const response = await request(backend.server).get(
        '/api/caller/clusters',
      );
      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).toContain(
        'not allowed to read crossmesh.cluster.read',
      );
    } finally {
      await backend.stop();
    }
  });
});
