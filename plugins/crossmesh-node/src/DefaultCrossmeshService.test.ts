import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The service is tested against the real backend it calls.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crossmeshBackend from '@crossmesh/backstage-plugin-crossmesh-backend';
import { CrossmeshService } from './CrossmeshService';
import { crossmeshServiceRef } from './crossmeshServiceRef';

jest.setTimeout(60_000);

describe('DefaultCrossmeshService against the real backend', () => {
  let crossmesh: CrossmeshService;
  let stop: () => Promise<void>;
  const auth = { credentials: mockCredentials.user('user:default/alice') };

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        crossmeshBackend,
        createBackendPlugin({
          pluginId: 'caller',
          register(env) {
            env.registerInit({
              deps: { service: crossmeshServiceRef },
              async init({ service }) {
                crossmesh = service;
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
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
            crossmesh: {
              clusterTimeoutSeconds: 2,
              platform: { groups: ['group:default/platform-team'] },
            },
          },
        }),
        // alice registers memberships: she is on the platform team.
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: [
              'user:default/alice',
              'group:default/platform-team',
            ],
          }),
        }).factory,
      ],
    });
    stop = () => backend.stop();
  });
  afterAll(async () => {
    await stop?.();
  });

  it('reads no membership until one is registered, and tells an unknown cluster apart', async () => {
    expect(await crossmesh.getMembership('offline', auth)).toBeUndefined();
    await expect(
      crossmesh.getMembership('nowhere', auth),
    ).rejects.toMatchObject({
      statusCode: 404,
      cause: {
        message: expect.stringContaining("No cluster named 'nowhere'"),
      },
    });
    const registered = await crossmesh.registerMembership(
      'offline',
      { network: 'network-9' },
      auth,
    );
    expect(registered).toMatchObject({
      cluster: 'offline',
      network: 'network-9',
      onboardedBy: 'user:default/alice',
    });
    expect(await crossmesh.getMembership('offline', auth)).toEqual(registered);
    expect((await crossmesh.getCluster('offline', auth)).membership).toEqual(
      registered,
    );
  });

  it('returns the preflight of a cluster that does not answer, every other check skipped', async () => {
    const report = await crossmesh.getPreflight('offline', auth);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({
      id: 'api-reachable',
      status: 'fail',
    });
    expect(new Set(report.checks.slice(1).map(c => c.status))).toEqual(
      new Set(['skipped']),
    );
  });
});
