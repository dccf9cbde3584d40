import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { isMemberOfAny } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * A role held through membership of configured groups, checked on top of the permission
 * policy's decision, whatever that policy says.
 *
 * @internal
 */
export interface GroupRoleOptions {
  /** The config key the groups come from, named in refusals. */
  setting: string;
  groups: string[];
  /**
   * With no group configured: `policy-decides` lets the permission policy decide alone;
   * `refuse` refuses everyone, because the operations are too dangerous to leave to a
   * policy that may allow all.
   */
  whenNoGroups: 'policy-decides' | 'refuse';
}

/**
 * Whether a caller belongs to a role's groups (a user's ownership refs as the catalog gives
 * them; a service principal belongs to none).
 *
 * @internal
 */
export class GroupRole {
  constructor(
    private readonly options: GroupRoleOptions,
    private readonly userInfo: UserInfoService,
  ) {}

  get groups(): string[] {
    return this.options.groups;
  }

  /** The caller's ownership refs, lower-cased; none for a service principal. */
  async ownershipRefs(credentials: BackstageCredentials): Promise<string[]> {
    if (
      credentials.principal &&
      (credentials.principal as { type?: string }).type !== 'user'
    ) {
      return [];
    }
    const info = await this.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
  }

  async includes(credentials: BackstageCredentials): Promise<boolean> {
    if (this.options.groups.length === 0) {
      return this.options.whenNoGroups === 'policy-decides';
    }
    return isMemberOfAny(
      await this.ownershipRefs(credentials),
      this.options.groups,
    );
  }

  /** Throws NotAllowedError saying who may `what` (e.g. "approve exposure requests"). */
  async require(credentials: BackstageCredentials, what: string) {
    if (await this.includes(credentials)) {
      return;
    }
    const { groups, setting } = this.options;
    if (groups.length === 0) {
      throw new NotAllowedError(
        `Nobody may ${what}: no group is configured in ${setting}; set it to the groups of the people who may`,
      );
    }
    throw new NotAllowedError(
      `Only members of ${groups.join(', ')} may ${what} (${setting})`,
    );
  }
}
