import { startGitea, TestGitea } from '@crossmesh/test-bed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderExposure } from '../render';
import type { GitRepository } from './deliverySettings';
import { GiteaRepository } from './GiteaRepository';
import { giteaRepository } from '../../__testUtils__/giteaRepository';
import { renderGitTree, treeChanges } from './gitTree';

jest.setTimeout(120_000);

const FOLDER = 'clusters/cluster-1';

/** A real Gitea, built from the Go module proxy and set up with its own CLI. */
describe('GiteaRepository, on a real Gitea', () => {
  let gitea: TestGitea;
  let stateDir: string;
  let repository: GitRepository;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-gitea-'));
    gitea = await startGitea(stateDir);
    ({ repository } = await giteaRepository(gitea, 'mesh'));
  });
  afterAll(async () => {
    await gitea?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const repo = () => new GiteaRepository(repository, gitea.token);
  const rendered = renderExposure('dns-proxy', {
    requestId: 'r-1',
    host: 'svc-2.bar.global',
    vip: '240.0.0.7',
    ports: [{ name: 'http', number: 8000 }],
    remoteGateway: { address: '172.18.0.3', port: 15443 },
  });
  const desired = renderGitTree(rendered.consumer);

  async function openPulls(): Promise<number> {
    const response = await fetch(
      `${gitea.url}/api/v1/repos/${gitea.username}/mesh/pulls?state=open`,
      { headers: { authorization: `token ${gitea.token}` } },
    );
    return ((await response.json()) as unknown[]).length;
  }

  const contentOf = (files: Map<string, { content: string }>) =>
    new Map([...files].map(([file, { content }]) => [file, content]));

  it("reads a folder that does not exist yet as empty, and proposes the cluster's files as one pull request, once however often and by however many replicas", async () => {
    expect((await repo().readFolder('main', FOLDER)).size).toBe(0);
    const change = {
      base: 'main',
      head: 'crossmesh/cluster-1/apply-1',
      ...treeChanges(new Map(), desired),
      title: 'crossmesh: svc-2.bar.global for cluster-1',
      body: 'Approved by carol',
    };
    const [first, second] = await Promise.all([
      repo().propose(FOLDER, change),
      repo().propose(FOLDER, change),
    ]);
    expect(first).toEqual({
      number: expect.any(Number),
      url: `${repository.url}/pulls/${first.number}`,
      state: 'open',
      head: 'crossmesh/cluster-1/apply-1',
      base: 'main',
    });
    expect(second).toEqual(first);
    expect(await repo().propose(FOLDER, change)).toEqual(first);
    expect(await openPulls()).toBe(1);
    expect(await repo().changedFiles(first.number)).toEqual(
      [...desired.keys()].map(file => `${FOLDER}/${file}`).sort(),
    );
    // Nothing is on the base branch before the merge.
    expect((await repo().readFolder('main', FOLDER)).size).toBe(0);

    const merged = await repo().merge(first.number);
    expect(merged.state).toBe('merged');
    expect(contentOf(await repo().readFolder('main', FOLDER))).toEqual(desired);
  });

  it('proposes a removal of every object, and a pull request closed unmerged reads as closed', async () => {
    const current = contentOf(await repo().readFolder('main', FOLDER));
    const removal = await repo().propose(FOLDER, {
      base: 'main',
      head: 'crossmesh/cluster-1/remove-1',
      ...treeChanges(current, renderGitTree([])),
      title: 'crossmesh: remove svc-2.bar.global from cluster-1',
      body: 'Revoked by bob',
    });
    // Every file changes: the objects' go, the kustomization lists none.
    expect(await repo().changedFiles(removal.number)).toEqual(
      [...current.keys()].map(file => `${FOLDER}/${file}`).sort(),
    );
    await fetch(
      `${gitea.url}/api/v1/repos/${gitea.username}/mesh/pulls/${removal.number}`,
      {
        method: 'PATCH',
        headers: {
          authorization: `token ${gitea.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ state: 'closed' }),
      },
    );
    expect((await repo().pullRequest(removal.number)).state).toBe('closed');
    expect(contentOf(await repo().readFolder('main', FOLDER))).toEqual(desired);
  });

  it("reads one file outside the cluster's folder, and proposes a change of it alone", async () => {
    const file = 'clusters/cluster-1-dns/coredns.yaml';
    expect(await repo().readFile('main', file)).toBeUndefined();
    // A folder is no file.
    expect(await repo().readFile('main', FOLDER)).toBeUndefined();
    const seeded = await repo().propose('clusters/cluster-1-dns', {
      base: 'main',
      head: 'platform/coredns',
      write: [{ file: 'coredns.yaml', content: 'kind: ConfigMap # é\n' }],
      remove: [],
      title: 'CoreDNS',
      body: '',
    });
    await repo().merge(seeded.number);
    const found = await repo().readFile('main', file);
    expect(found).toEqual({
      content: 'kind: ConfigMap # é\n',
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const edit = await repo().propose('clusters/cluster-1-dns', {
      base: 'main',
      head: 'crossmesh-dns/cluster-1/edit',
      write: [{ file: 'coredns.yaml', content: 'kind: ConfigMap # edited\n' }],
      remove: [],
      title: 'crossmesh: forward .global names to istiocoredns in cluster-1',
      body: '',
    });
    expect(await repo().changedFiles(edit.number)).toEqual([file]);
    expect((await repo().readFile(edit.head, file))!.content).toBe(
      'kind: ConfigMap # edited\n',
    );
    expect((await repo().readFile('main', file))!.content).toBe(
      'kind: ConfigMap # é\n',
    );
  });

  it('says what to fix when Gitea refuses the token or cannot be reached', async () => {
    await expect(
      new GiteaRepository(repository, 'not-a-token').readFolder('main', FOLDER),
    ).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringMatching(
        /answered 401.*; Gitea refused crossmesh's token: renew it in integrations\.gitea \(password\) for 127\.0\.0\.1:\d+$/,
      ),
    });
    const gone = { ...repository, url: 'http://127.0.0.1:9/crossmesh/mesh' };
    await expect(
      new GiteaRepository(gone, gitea.token).readFolder('main', FOLDER),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^Gitea at http:\/\/127\.0\.0\.1:9\/crossmesh\/mesh cannot be reached .*; check that it runs and the repository's address in crossmesh\.delivery$/,
      ),
    });
  });
});
