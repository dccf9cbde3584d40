import { NotFoundError } from '@backstage/errors';
import {
  AuthResolverContext,
  ProfileTransform,
  SignInResolver,
} from '@backstage/plugin-auth-node';
import { DemoSignInResult } from './demoAuthenticator';

type UserEntity = Awaited<
  ReturnType<AuthResolverContext['findCatalogUser']>
>['entity'];

async function findDemoUser(
  userName: string,
  context: AuthResolverContext,
): Promise<UserEntity> {
  try {
    const { entity } = await context.findCatalogUser({
      entityRef: { kind: 'User', namespace: 'default', name: userName },
    });
    return entity;
  } catch (error) {
    if ((error as Error)?.name === 'NotFoundError') {
      throw new NotFoundError(
        `There is no User "${userName}" in the catalog (namespace default); demo sign-in only signs in as catalog Users. Add the user to the catalog (e.g. examples/org.yaml) or pick one that is there.`,
      );
    }
    throw error;
  }
}

/**
 * Fills the profile from the User entity, so the app shows its display name and email.
 *
 * @public
 */
export const demoProfileTransform: ProfileTransform<DemoSignInResult> = async (
  { userName },
  context,
) => {
  const entity = await findDemoUser(userName, context);
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
    picture?: string;
  };
  return {
    profile: {
      displayName: profile.displayName ?? userName,
      email: profile.email,
      picture: profile.picture,
    },
  };
};

/**
 * Signs in as the named catalog User with the ownership the catalog gives it (the user and its
 * groups); never invents an identity for a name the catalog does not know.
 *
 * @public
 */
export const demoSignInResolver: SignInResolver<DemoSignInResult> = async (
  { result },
  context,
) => {
  const entity = await findDemoUser(result.userName, context);
  return context.signInWithCatalogUser({
    entityRef: {
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    },
  });
};
