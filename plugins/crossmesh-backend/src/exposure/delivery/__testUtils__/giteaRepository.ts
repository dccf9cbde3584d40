import type { TestGitea } from '@crossmesh/test-bed';
import type { GitRepository } from '../deliverySettings';
import { GiteaRepository } from '../GiteaRepository';

/** Makes repository `name` on the bed's Gitea; returns it as crossmesh's settings name it. */
export async function giteaRepository(
  gitea: TestGitea,
  name: string,
): Promise<{ repository: GitRepository; repo: GiteaRepository }> {
  await gitea.createRepository(name);
  const repository: GitRepository = {
    url: `${gitea.url}/${gitea.username}/${name}`,
    provider: 'gitea',
    host: new URL(gitea.url).host,
    owner: gitea.username,
    name,
  };
  return { repository, repo: new GiteaRepository(repository, gitea.token) };
}
