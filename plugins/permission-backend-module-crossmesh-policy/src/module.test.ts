import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { crossmeshPermissions } from '@crossmesh/backstage-plugin-crossmesh-common';
import request from 'supertest';
import policyModule from '.';

/** The demo organisation (examples/org.yaml). */
const GROUPS: Record<string, string[]> = {
  'user:default/guest': ['group:default/team-b'],
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
  'user:default/dave': ['group:default/approvers'],
};

async function startPermissionBackend(crossmesh: object) {
  return startTestBackend({
    features: [
      import('@backstage/plugin-permission-backend'),
      policyModule,
      mockServices.rootConfig.factory({
        data: { permission: { enabled: true }, crossmesh },
      }),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: any) => {
          const userEntityRef = credentials.principal.userEntityRef;
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(GROUPS[userEntityRef] ?? []),
            ],
          };
        },
      }).factory,
    ],
  });
}

/** What the permission backend answers for each crossmesh permission, as this user. */
async function decisions(server: any, user: string) {
  const response = await request(server)
    .post('/api/permission/authorize')
    .set('Authorization', mockCredentials.user.header(user))
    .send({
      items: crossmeshPermissions.map(permission => ({
        id: permission.name,
        permission,
      })),
    });
  expect(response.status).toBe(200);
  return Object.fromEntries(
    response.body.items.map((item: { id: string; result: string }) => [
      item.id,
      item.result,
    ]),
  );
}

/** Every crossmesh permission's decision: reads and requests for all, the rest as given. */
function expected(rights: { decide: string; manage: string }) {
  return {
    'crossmesh.cluster.read': 'ALLOW',
    'crossmesh.trust.read': 'ALLOW',
    'crossmesh.audit.read': 'ALLOW',
    'crossmesh.exposure.read': 'ALLOW',
    'crossmesh.exposure.request': 'ALLOW',
    'crossmesh.exposure.decide': rights.decide,
    'crossmesh.trust.manage': rights.manage,
    'crossmesh.cluster.manage': rights.manage,
  };
}

describe('the crossmesh permission policy, installed in the permission backend', () => {
  it('lets the platform team manage, the approvers decide, and everyone signed in read and request', async () => {
    const backend = await startPermissionBackend({
      approvers: { groups: ['group:default/approvers'] },
      platform: { groups: ['group:default/platform-team'] },
    });
    try {
      expect(await decisions(backend.server, 'user:default/carol')).toEqual(
        expected({ decide: 'DENY', manage: 'ALLOW' }),
      );
      expect(await decisions(backend.server, 'user:default/dave')).toEqual(
        expected({ decide: 'ALLOW', manage: 'DENY' }),
      );
      for (const user of ['guest', 'alice', 'bob']) {
        expect(await decisions(backend.server, `user:default/${user}`)).toEqual(
          expected({ decide: 'DENY', manage: 'DENY' }),
        );
      }
    } finally {
      await backend.stop();
    }
  });

  it("gives the platform team's rights to the approvers when no platform group is set, and allows what is not crossmesh's", async () => {
    const backend = await startPermissionBackend({
      approvers: { groups: ['group:default/platform-team'] },
    });
    try {
      expect(await decisions(backend.server, 'user:default/carol')).toEqual(
        expected({ decide: 'ALLOW', manage: 'ALLOW' }),
      );
      const other = await request(backend.server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({
          items: [
            {
              id: 'read',
              permission: {
                type: 'basic',
                name: 'catalog.entity.create',
                attributes: { action: 'create' },
              },
            },
          ],
        });
      expect(other.body.items).toEqual([{ id: 'read', result: 'ALLOW' }]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses every managing and deciding right when no group is configured', async () => {
    const backend = await startPermissionBackend({});
    try {
      expect(await decisions(backend.server, 'user:default/carol')).toEqual(
        expected({ decide: 'DENY', manage: 'DENY' }),
      );
    } finally {
      await backend.stop();
    }
  });
});
