import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/**
 * The groups whose members may decide on exposures (`crossmesh.approvers.groups`); with
 * none configured, the permission framework alone decides.
 *
 * @internal
 */
export class Approvers {
  private readonly groups: string[];

  constructor(
    private readonly configuredGroups: string[],
    private readonly userInfo: UserInfoService,
  ) {
    this.groups = configuredGroups.map(g => g.toLocaleLowerCase('en-US'));
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
    if (this.groups.length === 0) {
      return true;
    }
    const mine = await this.ownershipRefs(credentials);
    return this.groups.some(g => mine.includes(g));
  }

  /** Throws NotAllowedError saying who may `what` (e.g. "approve exposure requests"). */
  async require(credentials: BackstageCredentials, what: string) {
    if (!(await this.includes(credentials))) {
      throw new NotAllowedError(
        `Only members of ${this.configuredGroups.join(', ')} may ${what}`,
      );
    }
  }
}
