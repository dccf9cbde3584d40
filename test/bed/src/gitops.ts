import { startFlux, TestFlux } from './flux';
import { startGitea, TestGitea } from './gitea';
import type { TestCluster } from './types';

/**
 * One cluster of the bed delivered through Git, as crossmesh's `git` delivery expects it: a
 * Gitea with repository `mesh`, and Flux applying its folder `clusters/<cluster>` to the
 * cluster. `appConfig` is what the app needs to use it (the integration with Gitea's token,
 * and `crossmesh.delivery` for the cluster).
 *
 * @public
 */
export interface TestGitOps {
  gitea: TestGitea;
  flux: TestFlux;
  repositoryUrl: string;
  folder: string;
  appConfig: Record<string, unknown>;
  stop(): Promise<void>;
}

/** @public */
export async function startGitOps(
  cluster: TestCluster,
  stateDir: string,
): Promise<TestGitOps> {
  const gitea = await startGitea(stateDir);
  let flux: TestFlux | undefined;
  try {
    await gitea.createRepository('mesh');
    flux = await startFlux(cluster, stateDir);
    const repositoryUrl = `${gitea.url}/${gitea.username}/mesh`;
    const folder = `clusters/${cluster.name}`;
    await flux.applyFolder(repositoryUrl, folder);
    const started = flux;
    return {
      gitea,
      flux,
      repositoryUrl,
      folder,
      appConfig: {
        integrations: {
          gitea: [
            {
              host: new URL(gitea.url).host,
              baseUrl: gitea.url,
              username: gitea.username,
              password: gitea.token,
            },
          ],
        },
        crossmesh: {
          delivery: {
            clusters: [
              {
                cluster: cluster.name,
                mode: 'git',
                repository: repositoryUrl,
                path: folder,
                merge: 'reviewers',
                kustomization: 'flux-system/crossmesh',
              },
            ],
          },
        },
      },
      async stop() {
        await started.stop();
        await gitea.stop();
      },
    };
  } catch (error) {
    await flux?.stop();
    await gitea.stop();
    throw error;
  }
}
