import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import { crossmeshClusterManagePermission } from '@crossmesh/backstage-plugin-crossmesh-common';
import { GroupRole } from '../../access/GroupRole';
import { createOpenApiRouter } from '../../schema/openapi';

/**
 * The router generated from `src/schema/openapi.yaml`, which validates every request.
 *
 * @internal
 */
export type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** An incoming request, as the auth service reads its credentials. */
type Request = Parameters<HttpAuthService['credentials']>[0];

/**
 * Who is asking: the audit log's actor and the credentials services check further.
 *
 * @internal
 */
export interface Caller {
  actor: string;
  credentials: BackstageCredentials;
}

/**
 * The checks every route starts with, before it reads or writes anything.
 *
 * @internal
 */
export interface RouteAccess {
  /** Route kind "permission": the policy's decision alone (services add ownership rules). */
  authorize(req: Request, permission: BasicPermission): Promise<Caller>;
  /** Route kind "platform": the permission and membership of the platform groups. */
  authorizePlatform(
    req: Request,
    permission: BasicPermission,
    what: string,
  ): Promise<Caller>;
  /** Whether the caller may see cluster details: whoever may onboard clusters. */
  mayReadClusterDetails(req: Request): Promise<boolean>;
}

/**
 * The route checks on the plugin's auth and permission services; the routes that change
 * the mesh's trust and clusters also check membership of the platform team, whatever the
 * policy says.
 *
 * @internal
 */
export function createRouteAccess(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Members may change trust, clusters and adoption, on top of the permission. */
  platform: GroupRole;
}): RouteAccess {
  const { httpAuth, permissions, platform } = options;

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  async function allows(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === 'ALLOW';
  }

  async function authorize(
    req: Request,
    permission: BasicPermission,
  ): Promise<Caller> {
    const credentials = await credentialsOf(req);
    if (!(await allows(credentials, permission))) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.attributes.action ?? 'use'} ${
          permission.name
        }`,
      );
    }
    return { actor: actorOf(credentials), credentials };
  }

  return {
    authorize,
    async authorizePlatform(req, permission, what) {
      const caller = await authorize(req, permission);
      await platform.require(caller.credentials, what);
      return caller;
    },
    async mayReadClusterDetails(req) {
      const credentials = await credentialsOf(req);
      return (
        (await allows(credentials, crossmeshClusterManagePermission)) &&
        (await platform.includes(credentials))
      );
    },
  };
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return principal.subject ?? principal.type;
}
