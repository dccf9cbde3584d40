import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  CrossmeshGroups,
  crossmeshAuditReadPermission,
  crossmeshClusterManagePermission,
  crossmeshClusterReadPermission,
  crossmeshExposureDecidePermission,
  crossmeshExposureReadPermission,
  crossmeshExposureRequestPermission,
  crossmeshTrustManagePermission,
  crossmeshTrustReadPermission,
  isMemberOfAny,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Who gets each crossmesh permission: `everyone` signed in, members of the `approvers`'
 * groups, or members of the `platform` groups.
 *
 * @public
 */
export const CROSSMESH_POLICY: Record<
  string,
  'everyone' | 'approvers' | 'platform'
> = {
  [crossmeshClusterReadPermission.name]: 'everyone',
  [crossmeshTrustReadPermission.name]: 'everyone',
  [crossmeshExposureReadPermission.name]: 'everyone',
  [crossmeshAuditReadPermission.name]: 'everyone',
  // crossmesh itself also requires catalog ownership of the component and a Service that
  // belongs to it, whatever the policy says.
  [crossmeshExposureRequestPermission.name]: 'everyone',
  [crossmeshExposureDecidePermission.name]: 'approvers',
  [crossmeshTrustManagePermission.name]: 'platform',
  [crossmeshClusterManagePermission.name]: 'platform',
};

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * crossmesh's decision on one of its permissions for a signed-in user with these ownership
 * refs, or undefined for a permission that is not crossmesh's. For apps that write their own
 * policy: call it first, and decide the rest yourself.
 *
 * @public
 */
export function crossmeshPolicyDecision(
  permission: Permission,
  ownershipEntityRefs: string[] | undefined,
  groups: CrossmeshGroups,
): PolicyDecision | undefined {
  const who = CROSSMESH_POLICY[permission.name];
  if (!who) {
    return undefined;
  }
  if (!ownershipEntityRefs) {
    return DENY;
  }
  switch (who) {
    case 'everyone':
      return ALLOW;
    case 'approvers':
      return isMemberOfAny(ownershipEntityRefs, groups.approvers)
        ? ALLOW
        : DENY;
    case 'platform':
      return isMemberOfAny(ownershipEntityRefs, groups.platform) ? ALLOW : DENY;
    default:
      return DENY;
  }
}

/**
 * The policy crossmesh recommends for an app whose only plugin with rules is crossmesh:
 * crossmesh's permissions as {@link CROSSMESH_POLICY} says, everything else allowed (as
 * Backstage's allow-all policy does).
 *
 * @public
 */
export class CrossmeshPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly groups: CrossmeshGroups,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!CROSSMESH_POLICY[request.permission.name]) {
      return ALLOW;
    }
    const refs = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : undefined;
    return crossmeshPolicyDecision(request.permission, refs, this.groups)!;
  }
}
