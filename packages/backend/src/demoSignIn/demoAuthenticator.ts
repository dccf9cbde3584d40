import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/**
 * The request header that names the catalog User to sign in as.
 *
 * @public
 */
export const demoUserHeader = 'x-crossmesh-demo-user';

/**
 * What the demo authenticator hands to the sign-in resolver.
 *
 * @public
 */
export interface DemoSignInResult {
  /** The `metadata.name` of a User entity in the default namespace. */
  userName: string;
}

const entityNamePattern = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/i;

function allowedHere(config: Config): boolean {
  return (
    process.env.NODE_ENV === 'development' ||
    config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true
  );
}

/**
 * Reads the user name from {@link demoUserHeader}. Anyone who can reach the backend can
 * claim any name, so the provider refuses to work outside development unless told to.
 *
 * @public
 */
export const demoAuthenticator = createProxyAuthenticator<
  { allowed: boolean },
  DemoSignInResult,
  undefined
>({
  async defaultProfileTransform(result) {
    return { profile: { displayName: result.userName } };
  },
  initialize({ config }) {
    return { allowed: allowedHere(config) };
  },
  async authenticate({ req }, { allowed }) {
    if (!allowed) {
      throw new NotAllowedError(
        'The demo sign-in lets anyone act as any user, so it only runs with NODE_ENV=development; remove auth.providers.demo, or set auth.providers.demo.dangerouslyAllowOutsideDevelopment: true for a throwaway demo.',
      );
    }
    const userName = req.header(demoUserHeader)?.trim();
    if (!userName) {
      throw new InputError(
        `Demo sign-in needs the name of a catalog User in the ${demoUserHeader} header, e.g. "${demoUserHeader}: bob".`,
      );
    }
    if (!entityNamePattern.test(userName) || userName.length > 63) {
      throw new InputError(
        `"${userName}" in the ${demoUserHeader} header is not a catalog entity name; use a User's metadata.name, e.g. bob.`,
      );
    }
    return { result: { userName } };
  },
});
