import { startGitea, TestGitea } from '@crossmesh/test-bed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { giteaRepository } from '../../__testUtils__/giteaRepository';
import type {
  ClusterDelivery,
  GitRepository,
} from '../../exposure/delivery/deliverySettings';
import { GiteaRepository } from '../../exposure/delivery/GiteaRepository';
import { deliveryCheck } from './deliveryCheck';

jest.setTimeout(120_000);

const forge = (d: { repository: GitRepository; token: string }) =>
  new GiteaRepository(d.repository, d.token);

describe('the delivery check', () => {
  let dir: string;
  let gitea: TestGitea;
  let git: Extract<ClusterDelivery, { mode: 'git' }>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-delivery-check-'));
    gitea = await startGitea(dir);
    const { repository } = await giteaRepository(gitea, 'mesh');
    git = {
      mode: 'git',
      repository,
      branch: 'main',
      path: 'clusters/cluster-1',
      merge: 'reviewers',
      token: gitea.token,
    };
  });
  afterAll(async () => {
    await gitea?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says a direct cluster is written by crossmesh itself', async () => {
    expect(await deliveryCheck({ mode: 'direct' }, forge).run()).toEqual({
      status: 'pass',
      detail:
        'Directly: crossmesh applies them itself (server-side apply, field manager crossmesh).',
    });
  });

  it('says where the pull requests go and what stays a direct write, once the repository answers', async () => {
    const outcome = await deliveryCheck(git, forge).run();
    expect(outcome.status).toBe('pass');
    expect(outcome.detail).toContain(
      `Through Git: pull requests on ${git.repository.url}, branch main, folder clusters/cluster-1 (reviewers merge them; the folder holds 0 files now)`,
    );
    expect(outcome.detail).toContain(
      'Written directly all the same: the cacerts Secret and the remote secrets (key material never goes to Git), .global DNS and the mesh config',
    );
  });

  it('fails with the forge error and the fix when the token is refused', async () => {
    const outcome = await deliveryCheck(
      { ...git, token: 'not-a-token' },
      forge,
    ).run();
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('answered 401');
    expect(outcome.detail).toContain('renew it in integrations.gitea');
    expect(outcome.remedy).toContain('the token in integrations.gitea');
  });
});
