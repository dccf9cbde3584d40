import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';

/**
 * The user-info service of a test backend: each user owns itself and the groups listed for
 * it, as the catalog would say.
 */
export function userInfoWithGroups(groupsByUser: Record<string, string[]>) {
  return mockServices.userInfo.mock({
    getUserInfo: async (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...(groupsByUser[userEntityRef] ?? []),
        ],
      };
    },
  }).factory;
}

/** Calls the crossmesh API of a test backend as `user:default/<user>`. */
export function asUser(server: any, user: string) {
  const header = mockCredentials.user.header(`user:default/${user}`);
  return {
    get: (path: string) =>
      request(server).get(`/api/crossmesh${path}`).set('Authorization', header),
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`/api/crossmesh${path}`)
        .set('Authorization', header)
        .send(body),
  };
}
