import { kubeRequest, TestBed, TestGitea } from '@crossmesh/test-bed';
import type { GitRepository } from '../exposure/delivery/deliverySettings';
import { GiteaRepository } from '../exposure/delivery/GiteaRepository';

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

/** The bed cluster's admin credentials, for kubeRequest. */
export function asAdmin(cluster: TestBed['clusters'][number]) {
  return {
    url: cluster.url,
    ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
    token: cluster.adminToken,
  };
}

/** Suspends or resumes the bed's Kustomization `flux-system/crossmesh` (TestFlux.applyFolder), as an operator does. */
export function suspendFlux(
  cluster: TestBed['clusters'][number],
  suspend: boolean,
): Promise<void> {
  return patchFluxKustomization(cluster, { suspend });
}

/** Changes the spec of the bed's Kustomization `flux-system/crossmesh`; null removes a field. */
export async function patchFluxKustomization(
  cluster: TestBed['clusters'][number],
  spec: Record<string, unknown>,
): Promise<void> {
  const answer = await kubeRequest(
    asAdmin(cluster),
    '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/crossmesh',
    {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec },
    },
  );
  if (answer.status !== 200) {
    throw new Error(
      `patching the Flux Kustomization answered ${
        answer.status
      }: ${JSON.stringify(answer.body)}`,
    );
  }
}
