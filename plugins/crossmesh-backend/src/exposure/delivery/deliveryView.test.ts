import { deliveryView } from './deliveryView';
import type { ClusterDelivery } from './deliverySettings';

const git: ClusterDelivery = {
  mode: 'git',
  repository: {
    url: 'https://gitea.example.net/git/platform/mesh',
    provider: 'gitea',
    host: 'gitea.example.net',
    owner: 'platform',
    name: 'mesh',
  },
  branch: 'release/mesh',
  path: 'clusters/cluster 2',
  merge: 'reviewers',
  token: 'the-gitea-token',
};

describe('deliveryView', () => {
  it('shows a direct cluster as direct', () => {
    expect(
      deliveryView({ mode: 'direct' }, { openPullRequests: [], drifted: [] }),
    ).toEqual({ mode: 'direct' });
  });

  it("shows a Git cluster's repository, its folder on the branch and the open pull requests and drifted hosts, never the token", () => {
    const pullRequest = {
      number: 4,
      url: 'https://gitea.example.net/git/platform/mesh/pulls/4',
    };
    const view = deliveryView(git, {
      openPullRequests: [pullRequest],
      drifted: ['svc-2.bar.global'],
    });
    expect(view).toEqual({
      mode: 'git',
      repository: 'https://gitea.example.net/git/platform/mesh',
      branch: 'release/mesh',
      path: 'clusters/cluster 2',
      merge: 'reviewers',
      folderUrl:
        'https://gitea.example.net/git/platform/mesh/src/branch/release/mesh/clusters/cluster%202',
      openPullRequests: [pullRequest],
      drifted: ['svc-2.bar.global'],
    });
    expect(JSON.stringify(view)).not.toContain('the-gitea-token');
  });
});
