import { LoggerService, UserInfoService } from '@backstage/backend-plugin-api';
import { CrossmeshGroups } from '@crossmesh/backstage-plugin-crossmesh-common';
import { GroupRole } from './GroupRole';

/**
 * The platform team: the only people who may change the mesh's trust (roots, intermediates,
 * rotation, distribution), its clusters (membership, DNS wiring) and adopt hand-made
 * entries. With no group configured nobody may (ADR 0011).
 *
 * @internal
 */
export function platformTeam(
  groups: CrossmeshGroups,
  userInfo: UserInfoService,
): GroupRole {
  return new GroupRole(
    {
      setting: groups.platformSetting,
      groups: groups.platform,
      whenNoGroups: 'refuse',
    },
    userInfo,
  );
}

/** Says at start-up, loudly, what an unset group setting means. */
export function warnAboutGroups(
  groups: CrossmeshGroups,
  logger: LoggerService,
) {
  if (groups.platform.length === 0) {
    logger.warn(
      `crossmesh: no platform group is configured (crossmesh.platform.groups, or crossmesh.approvers.groups), so NOBODY may change the mesh's trust or clusters or adopt ServiceEntries: every such request is refused with 403. Set crossmesh.platform.groups to the platform team's groups, e.g. [group:default/platform-team].`,
    );
  }
  if (groups.approvers.length === 0) {
    logger.warn(
      `crossmesh: crossmesh.approvers.groups is not set, so the permission policy alone decides who approves exposure requests; with an allow-all policy anyone signed in can approve another person's request. Set it to the approvers' groups.`,
    );
  }
}
