/**
 * The part of Backstage's `Config` the group settings are read with.
 *
 * @public
 */
export interface GroupSettingsConfig {
  getOptionalStringArray(key: string): string[] | undefined;
}

/**
 * Who may do what beyond the permission policy: the approvers decide exposure requests, the
 * platform team changes the mesh's trust and clusters.
 *
 * @public
 */
export interface CrossmeshGroups {
  /** `crossmesh.approvers.groups`. */
  approvers: string[];
  /** `crossmesh.platform.groups`, or the approvers' groups when that is not set. */
  platform: string[];
  /** The setting `platform` was read from, for messages. */
  platformSetting: 'crossmesh.platform.groups' | 'crossmesh.approvers.groups';
}

/**
 * Reads the approvers' and the platform team's groups from app config.
 *
 * @public
 */
export function readCrossmeshGroups(
  config: GroupSettingsConfig,
): CrossmeshGroups {
  const approvers =
    config.getOptionalStringArray('crossmesh.approvers.groups') ?? [];
  const platform = config.getOptionalStringArray('crossmesh.platform.groups');
  return platform === undefined
    ? {
        approvers,
        platform: approvers,
        platformSetting: 'crossmesh.approvers.groups',
      }
    : {
        approvers,
        platform,
        platformSetting: 'crossmesh.platform.groups',
      };
}

/**
 * Whether someone with these ownership refs (a user's own ref and their groups, as Backstage's
 * user info gives them) belongs to one of `groups`. Entity refs compare case-insensitively.
 *
 * @public
 */
export function isMemberOfAny(
  ownershipEntityRefs: string[],
  groups: string[],
): boolean {
  const mine = new Set(
    ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  return groups.some(group => mine.has(group.toLocaleLowerCase('en-US')));
}
