import { UserInfoService } from '@backstage/backend-plugin-api';
import { GroupRole } from '../../access/GroupRole';

/**
 * The groups whose members may decide on exposures (`crossmesh.approvers.groups`); with
 * none configured, the permission framework alone decides.
 *
 * @internal
 */
export class Approvers extends GroupRole {
  constructor(groups: string[], userInfo: UserInfoService) {
    super(
      {
        setting: 'crossmesh.approvers.groups',
        groups,
        whenNoGroups: 'policy-decides',
      },
      userInfo,
    );
  }
}
