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
      '.global DNS edits stay a direct write of ConfigMap kube-system/coredns (no dnsFile names a file of the repository holding it).',
    );
    expect(outcome.detail).toContain(
      'Written directly all the same: the cacerts Secret and the remote secrets (key material never goes to Git), and the mesh config.',
    );
  });

  it('warns when Flux applies the live CoreDNS ConfigMap and no dnsFile is set, naming the setting', async () => {
    const outcome = await deliveryCheck(git, forge, async () => ({
      metadata: {
        name: 'coredns',
        namespace: 'kube-system',
        labels: {
          'kustomize.toolkit.fluxcd.io/name': 'infra',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
      },
    })).run();
    expect(outcome.status).toBe('warn');
    expect(outcome.detail).toContain(
      ".global DNS edits stay a direct write of ConfigMap kube-system/coredns, but Flux's Kustomization flux-system/infra applies that ConfigMap and would revert crossmesh's edit.",
    );
    expect(outcome.remedy).toBe(
      `Set crossmesh.delivery.clusters[].dnsFile to the file of ${git.repository.url} that holds ConfigMap kube-system/coredns, so that crossmesh proposes its edit there by pull request.`,
    );
  });

  it('checks that dnsFile is on the branch and holds ConfigMap kube-system/coredns', async () => {
    const dnsFile = 'clusters/cluster-1-dns/coredns.yaml';
    const missing = await deliveryCheck({ ...git, dnsFile }, forge).run();
    expect(missing).toMatchObject({
      status: 'fail',
      remedy: expect.stringContaining(
        'Point crossmesh.delivery.clusters[].dnsFile at the file of',
      ),
    });
    expect(missing.detail).toContain(
      `.global DNS edits are to go through Git, but ${dnsFile} is not on branch main.`,
    );

    const seed = async (head: string, content: string) => {
      const pull = await forge(git).propose('clusters/cluster-1-dns', {
        base: 'main',
        head,
        write: [{ file: 'coredns.yaml', content }],
        remove: [],
        title: 'CoreDNS',
        body: '',
      });
      await forge(git).merge(pull.number);
    };
    await seed(
      'platform/not-coredns',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: kube-system\n',
    );
    const wrong = await deliveryCheck({ ...git, dnsFile }, forge).run();
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toContain(
      `${dnsFile} holds no ConfigMap kube-system/coredns`,
    );

    await seed(
      'platform/coredns',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\ndata:\n  Corefile: |\n    .:53 {\n        forward . /etc/resolv.conf\n    }\n',
    );
    const right = await deliveryCheck({ ...git, dnsFile }, forge).run();
    expect(right.status).toBe('pass');
    expect(right.detail).toContain(
      `.global DNS edits go through Git as well: pull requests change ${dnsFile}, which holds ConfigMap kube-system/coredns.`,
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
