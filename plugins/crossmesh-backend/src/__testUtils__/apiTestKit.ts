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

/** The group test backends configure as `crossmesh.platform.groups`. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/**
 * Another member of the platform team beside the default mock user, for the root
 * operations that need two people (ADR 0026).
 */
export const SECOND_PLATFORM_MEMBER = 'user:default/second-platform-member';

/**
 * For test backends whose calls carry no token, so act as Backstage's default mock user
 * (`mockCredentials.user()`): config naming the platform team, and a user-info service
 * making that user a member, so the platform-only routes let it through.
 */
export const defaultUserOnPlatformTeam = {
  crossmesh: { platform: { groups: [PLATFORM_TEAM] } },
  userInfo: () =>
    userInfoWithGroups({
      [mockCredentials.user().principal.userEntityRef]: [PLATFORM_TEAM],
      [SECOND_PLATFORM_MEMBER]: [PLATFORM_TEAM],
    }),
};
