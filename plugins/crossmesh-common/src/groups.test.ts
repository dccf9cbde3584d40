import { ConfigReader } from '@backstage/config';
import { isMemberOfAny, readCrossmeshGroups } from './groups';

describe('readCrossmeshGroups', () => {
  it('takes the platform groups from crossmesh.platform.groups when set', () => {
    expect(
      readCrossmeshGroups(
        new ConfigReader({
          crossmesh: {
            approvers: { groups: ['group:default/approvers'] },
            platform: { groups: ['group:default/mesh-admins'] },
          },
        }),
      ),
    ).toEqual({
      approvers: ['group:default/approvers'],
      platform: ['group:default/mesh-admins'],
      platformSetting: 'crossmesh.platform.groups',
    });
  });

  it("falls back to the approvers' groups, and to none", () => {
    expect(
      readCrossmeshGroups(
        new ConfigReader({
          crossmesh: { approvers: { groups: ['group:default/approvers'] } },
        }),
      ),
    ).toEqual({
      approvers: ['group:default/approvers'],
      platform: ['group:default/approvers'],
      platformSetting: 'crossmesh.approvers.groups',
    });
    expect(readCrossmeshGroups(new ConfigReader({}))).toEqual({
      approvers: [],
      platform: [],
      platformSetting: 'crossmesh.approvers.groups',
    });
  });

  it('keeps an explicitly empty platform list empty', () => {
    expect(
      readCrossmeshGroups(
        new ConfigReader({
          crossmesh: {
            approvers: { groups: ['group:default/approvers'] },
            platform: { groups: [] },
          },
        }),
      ).platform,
    ).toEqual([]);
  });
});

describe('isMemberOfAny', () => {
  it('compares entity refs case-insensitively, and is false for no groups', () => {
    const refs = ['user:default/carol', 'group:default/Platform-Team'];
    expect(isMemberOfAny(refs, ['group:default/platform-team'])).toBe(true);
    expect(isMemberOfAny(refs, ['group:default/team-b'])).toBe(false);
    expect(isMemberOfAny(refs, [])).toBe(false);
  });
});
