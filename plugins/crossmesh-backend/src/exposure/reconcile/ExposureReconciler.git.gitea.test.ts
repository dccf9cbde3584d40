import { TestDatabases } from '@backstage/backend-test-utils';
import {
  kubeRequest,
  startFlux,
  startGitea,
  leaseTestBed,
  TestBed,
  TestFlux,
  TestGitea,
} from '@crossmesh/test-bed';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { eventually } from '../../__testUtils__/eventually';
import {
  insertApprovedRequest,
  managedObjects,
  migratedDatabase,
  reconcilerFor,
} from '../../__testUtils__/reconcilerFixture';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import type {
  ClusterDelivery,
  DeliverySettings,
  GitRepository,
} from '../delivery/deliverySettings';
import { GiteaRepository } from '../delivery/GiteaRepository';
import {
  asAdmin,
  giteaRepository,
  patchFluxKustomization,
  suspendFlux,
} from '../../__testUtils__/giteaRepository';
import { KUSTOMIZATION_FILE } from '../delivery/gitTree';
import { toYaml } from '../render';
import { renderPreview } from '../workflow/renderPreview';
import { GitClusterDelivery } from './GitClusterDelivery';

jest.setTimeout(300_000);

const FOLDER = 'clusters/cluster-1';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A replica whose cluster-1 is delivered as `cluster1` says; cluster-2 is direct. */
function replicaDelivering(
  bed: TestBed,
  knex: Knex,
  cluster1: ClusterDelivery,
  now?: () => Date,
) {
  const delivery: DeliverySettings = {
    of: cluster => (cluster === 'cluster-1' ? cluster1 : { mode: 'direct' }),
    gitClusters: () => ['cluster-1'],
  };
  return reconcilerFor(bed, knex, {
    git: {
      delivery,
      deliver: new GitClusterDelivery({
        clients: new KubernetesClients(),
        forge: d => new GiteaRepository(d.repository, d.token),
      }),
      appBaseUrl: 'http://backstage.test',
    },
    ...(now ? { now } : {}),
  });
}

/**
 * cluster-1 takes its objects from Git (Gitea, applied by Flux); cluster-2 is written
 * directly: one exposure from cluster-2 to cluster-1 crosses both modes.
 */
describe('the reconciler, for a cluster delivered through Git', () => {
  let bed: TestBed;
  let gitea: TestGitea;
  let flux: TestFlux;
  let repository: GitRepository;
  let repo: GiteaRepository;
  let parts: ReturnType<typeof reconcilerFor>;
  let knex: Knex;
  let git: Extract<ClusterDelivery, { mode: 'git' }>;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    gitea = await startGitea(bed.stateDir);
    ({ repository, repo } = await giteaRepository(gitea, 'mesh'));
    flux = await startFlux(bed.clusters[0], bed.stateDir);
    await flux.applyFolder(repository.url, FOLDER);
    git = {
      mode: 'git',
      repository,
      branch: 'main',
      path: FOLDER,
      merge: 'reviewers',
      token: gitea.token,
    };
    knex = await migratedDatabase(databases, 'SQLITE_3');
    parts = replicaDelivering(bed, knex, git);
  });
  afterAll(async () => {
    await flux?.stop();
    await gitea?.stop();
    await bed?.stop();
  });

  const statusIn = async (id: string, cluster: string) =>
    (await parts.store.getRequest(id))!.clusters.find(
      c => c.cluster === cluster,
    );
  const logs = () => `Flux logs: ${flux.logFiles.join(', ')}`;
  const fluxState = async () =>
    JSON.stringify(
      (
        await kubeRequest(
          asAdmin(bed.clusters[0]),
          '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/crossmesh',
        )
      ).body.status,
    );

  async function openPullRequests(): Promise<Array<{ number: number }>> {
    return (
      await fetch(
        `${gitea.url}/api/v1/repos/${repository.owner}/${repository.name}/pulls?state=open`,
        { headers: { authorization: `token ${gitea.token}` } },
      )
    ).json();
  }

  async function closePullRequest(number: number) {
    const answer = await fetch(
      `${gitea.url}/api/v1/repos/${repository.owner}/${repository.name}/pulls/${number}`,
      {
        method: 'PATCH',
        headers: {
          authorization: `token ${gitea.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ state: 'closed' }),
      },
    );
    expect(answer.status).toBe(201);
  }

  it('opens one pull request with the objects, waits for its merge, and turns active once Flux made them live', async () => {
    // Nothing wanted in a folder that does not exist yet: no pull request for an empty one.
    await parts.reconciler.reconcile();
    expect(await openPullRequests()).toEqual([]);

    const request = await insertApprovedRequest(parts.store, 'r-1', 'svc-2');
    await parts.reconciler.reconcile();

    const waiting = await statusIn('r-1', 'cluster-1');
    expect(waiting).toMatchObject({
      state: 'waiting-for-merge',
      lastError: null,
    });
    expect(await statusIn('r-1', 'cluster-2')).toMatchObject({
      state: 'applied',
    });
    expect((await parts.store.getRequest('r-1'))!.state).toBe('applying');
    const number = waiting!.pullRequest!.number;
    const pull = await repo.pullRequest(number);
    expect(pull).toMatchObject({ state: 'open', base: 'main' });
    expect(waiting!.pullRequest!.url).toBe(pull.url);

    // Its title and body say what it is for and link back.
    const details = await (
      await fetch(
        `${gitea.url}/api/v1/repos/${repository.owner}/${repository.name}/pulls/${number}`,
        { headers: { authorization: `token ${gitea.token}` } },
      )
    ).json();
    expect(details.title).toBe(
      'crossmesh: expose svc-2.bar.global in cluster-1',
    );
    expect(details.body).toContain('approved by user:default/carol');
    expect(details.body).toContain(
      'http://backstage.test/catalog/default/component/svc-2/mesh',
    );

    // Nothing in cluster-1 before the merge; a second pass opens nothing new.
    expect(await managedObjects(bed.clusters[0], 'serviceentries')).toEqual([]);
    await parts.reconciler.reconcile();
    expect((await statusIn('r-1', 'cluster-1'))!.pullRequest!.number).toBe(
      number,
    );

    // The pull request holds one file per object plus the kustomization, each object the
    // request's, in the YAML crossmesh renders.
    const files = await repo.readFolder('main', FOLDER);
    expect(files.size).toBe(0);
    const changed = await repo.changedFiles(number);
    expect(changed).toContain(`${FOLDER}/${KUSTOMIZATION_FILE}`);
    const proposed = await repo.readFolder(pull.head, FOLDER);
    const objects = [...proposed]
      .filter(([file]) => file !== KUSTOMIZATION_FILE)
      .map(([, { content }]) => parse(content));
    expect(objects.length).toBeGreaterThan(0);
    // Exactly the objects the approver previewed for cluster-1.
    const preview = await renderPreview(request, {
      store: parts.store,
      clusters: {
        names: () => parts.connections.map(c => c.name),
        getCluster: name =>
          parts.observer.observe(parts.connections.find(c => c.name === name)!),
      },
    });
    const previewed = parseAllDocuments(
      preview.clusters.find(c => c.cluster === 'cluster-1')!.yaml,
    ).map(d => d.toJS());
    const byName = (a: any, b: any) =>
      `${a.kind}/${a.metadata.name}`.localeCompare(
        `${b.kind}/${b.metadata.name}`,
      );
    expect([...objects].sort(byName)).toEqual([...previewed].sort(byName));
    for (const object of objects) {
      expect(object.metadata.labels['crossmesh.io/request-id']).toBe('r-1');
      expect(
        proposed.get(
          `${object.kind.toLowerCase()}.${object.metadata.namespace}.${
            object.metadata.name
          }.yaml`,
        )!.content,
      ).toBe(toYaml([object]));
    }

    const mergedAt = Date.now();
    await repo.merge(number);
    await eventually(
      'the request turns active once Flux applied the merged objects',
      async () => {
        await parts.reconciler.reconcile();
        expect((await parts.store.getRequest('r-1'))!.state).toBe('active');
      },
      { detail: logs, intervalMs: 250 },
    );
    // eslint-disable-next-line no-console
    console.log(`merge -> active: ${Date.now() - mergedAt} ms`);
    expect(await statusIn('r-1', 'cluster-1')).toMatchObject({
      state: 'applied',
      pullRequest: { number },
    });
    const live = await managedObjects(bed.clusters[0], 'serviceentries');
    expect(live.map(o => o.spec.hosts[0])).toEqual(['svc-2.bar.global']);
    // Flux made it, not crossmesh.
    expect(
      live[0].metadata.managedFields.map((f: any) => f.manager),
    ).not.toContain('crossmesh');
  });

  it('opens a removal pull request on revoke, and the request is revoked once its objects are gone', async () => {
    expect(
      await parts.store.transitionRequest('r-1', 'active', 'revoking', {}),
    ).toBe(true);
    await parts.reconciler.reconcile();
    const waiting = await statusIn('r-1', 'cluster-1');
    expect(waiting).toMatchObject({ state: 'waiting-for-merge' });
    const details = await repo.pullRequest(waiting!.pullRequest!.number);
    expect(details.state).toBe('open');

    // Merged while Flux is suspended: Git holds the removal, the cluster does not yet.
    await suspendFlux(bed.clusters[0], true);
    await repo.merge(details.number);
    await parts.reconciler.reconcile();
    expect(await statusIn('r-1', 'cluster-1')).toMatchObject({
      state: 'syncing',
      pullRequest: { number: details.number },
    });
    expect((await parts.store.getRequest('r-1'))!.state).toBe('revoking');
    expect(
      await managedObjects(bed.clusters[0], 'serviceentries'),
    ).toHaveLength(1);

    await suspendFlux(bed.clusters[0], false);
    await eventually(
      'the request is revoked once Flux pruned its objects',
      async () => {
        await parts.reconciler.reconcile();
        expect((await parts.store.getRequest('r-1'))!.state).toBe('revoked');
      },
      { detail: logs, intervalMs: 250 },
    );
    expect(await managedObjects(bed.clusters[0], 'serviceentries')).toEqual([]);
  });

  it('says on the request when Gitea is down or refuses the token, and opens one pull request once it answers', async () => {
    await insertApprovedRequest(parts.store, 'r-3', 'svc-4');
    const replicaWith = (url: string, token: string) =>
      replicaDelivering(bed, knex, {
        ...git,
        repository: { ...repository, url },
        token,
      }).reconciler;

    // A forge that does not answer: nothing listens on port 1.
    await replicaWith(
      `http://127.0.0.1:1/${repository.owner}/${repository.name}`,
      gitea.token,
    ).reconcile();
    const down = await statusIn('r-3', 'cluster-1');
    expect(down!.state).toBe('failed');
    expect(down!.lastError).toContain(
      `Gitea at http://127.0.0.1:1/${repository.owner}/${repository.name} cannot be reached`,
    );
    expect(down!.lastError).toContain(
      "check that it runs and the repository's address",
    );

    await replicaWith(repository.url, 'not-a-token').reconcile();
    const refused = await statusIn('r-3', 'cluster-1');
    expect(refused!.lastError).toContain('answered 401');
    expect(refused!.lastError).toContain(
      `renew it in integrations.gitea (password) for ${repository.host}`,
    );

    // Answering again: the next passes open one pull request, however many run.
    await parts.reconciler.reconcile();
    await parts.reconciler.reconcile();
    const waiting = await statusIn('r-3', 'cluster-1');
    expect(waiting).toMatchObject({
      state: 'waiting-for-merge',
      lastError: null,
    });
    const open = await openPullRequests();
    expect(open.map(p => p.number)).toEqual([waiting!.pullRequest!.number]);
    await repo.merge(waiting!.pullRequest!.number);
    await eventually(
      'r-3 turns active',
      async () => {
        await parts.reconciler.reconcile();
        expect((await parts.store.getRequest('r-3'))!.state).toBe('active');
      },
      { detail: logs, intervalMs: 250 },
    );
  });

  it('closes its earlier pull request, with a comment, when another change comes before the merge', async () => {
    await insertApprovedRequest(parts.store, 'r-4', 'svc-5');
    await parts.reconciler.reconcile();
    const first = (await statusIn('r-4', 'cluster-1'))!.pullRequest!;
    await insertApprovedRequest(parts.store, 'r-5', 'svc-6');
    await parts.reconciler.reconcile();

    const second = (await statusIn('r-5', 'cluster-1'))!.pullRequest!;
    expect(second.number).not.toBe(first.number);
    expect((await statusIn('r-4', 'cluster-1'))!.pullRequest!.number).toBe(
      second.number,
    );
    expect((await openPullRequests()).map(p => p.number)).toEqual([
      second.number,
    ]);
    expect((await repo.pullRequest(first.number)).state).toBe('closed');
    const comments = await (
      await fetch(
        `${gitea.url}/api/v1/repos/${repository.owner}/${repository.name}/issues/${first.number}/comments`,
        { headers: { authorization: `token ${gitea.token}` } },
      )
    ).json();
    expect(comments.map((c: { body: string }) => c.body)).toEqual([
      expect.stringContaining(`Superseded by #${second.number}`),
    ]);

    await repo.merge(second.number);
    await eventually(
      'both turn active with the one merge',
      async () => {
        await parts.reconciler.reconcile();
        for (const id of ['r-4', 'r-5']) {
          expect((await parts.store.getRequest(id))!.state).toBe('active');
        }
      },
      { detail: logs, intervalMs: 250 },
    );
  });

  it('merges its own pull request when the cluster is configured so, and audits each step', async () => {
    const autoMerging = replicaDelivering(bed, knex, {
      ...git,
      merge: 'auto',
    }).reconciler;
    await insertApprovedRequest(parts.store, 'r-6', 'svc-7');
    await autoMerging.reconcile();
    const after = (await statusIn('r-6', 'cluster-1'))!;
    expect(after.state).toBe('syncing');
    expect((await repo.pullRequest(after.pullRequest!.number)).state).toBe(
      'merged',
    );
    await eventually(
      'r-6 turns active without anyone merging',
      async () => {
        await autoMerging.reconcile();
        expect((await parts.store.getRequest('r-6'))!.state).toBe('active');
      },
      { detail: logs, intervalMs: 250 },
    );
    const steps = (
      await parts.audit.list({
        action: ['exposure.syncing', 'exposure.active'],
        limit: 100,
        offset: 0,
      })
    ).items.filter(e => e.details?.requestId === 'r-6');
    expect(steps.map(e => e.action)).toEqual(
      expect.arrayContaining(['exposure.syncing', 'exposure.active']),
    );
    expect(
      steps.find(e => e.action === 'exposure.syncing')!.details!.pullRequest,
    ).toBe(after.pullRequest!.url);
  });

  it('marks the cluster failed, with the reason, when its pull request is closed without merge', async () => {
    await insertApprovedRequest(parts.store, 'r-2', 'svc-3');
    await parts.reconciler.reconcile();
    const waiting = await statusIn('r-2', 'cluster-1');
    await closePullRequest(waiting!.pullRequest!.number);

    await parts.reconciler.reconcile();
    const failed = await statusIn('r-2', 'cluster-1');
    expect(failed!.state).toBe('failed');
    expect(failed!.lastError).toContain(
      `pull request #${waiting!.pullRequest!.number}`,
    );
    expect(failed!.lastError).toContain('closed without being merged');
    // It stays closed: crossmesh does not open the same change again behind the reviewers.
    await parts.reconciler.reconcile();
    expect((await statusIn('r-2', 'cluster-1'))!.pullRequest!.number).toBe(
      waiting!.pullRequest!.number,
    );
    // The refusal is r-2's alone: a request already live in cluster-1 stays applied.
    expect((await parts.store.getRequest('r-6'))!.state).toBe('active');
    expect((await statusIn('r-6', 'cluster-1'))!.state).toBe('applied');
  });

  it.each([
    [
      'read from Flux',
      { namespace: 'flux-system', name: 'crossmesh' },
      [
        "Flux's Kustomization flux-system/crossmesh applied Git's commit",
        'it is suspended, so nothing restores',
      ],
    ],
    [
      'read from the cluster alone',
      undefined,
      ['which was live before: the cluster changed, not Git'],
    ],
  ])(
    'reports an object changed in the cluster after it was live as drift (%s), writes nothing, and is applied again once Flux restores it',
    async (how, kustomization, explained) => {
      const replica = replicaDelivering(bed, knex, {
        ...git,
        ...(kustomization ? { kustomization } : {}),
      }).reconciler;
      await replica.reconcile();
      expect(await statusIn('r-6', 'cluster-1')).toMatchObject({
        state: 'applied',
      });
      const live = (
        await managedObjects(bed.clusters[0], 'serviceentries')
      ).find(o => o.spec.hosts[0] === 'svc-7.bar.global');
      // Someone deletes it by hand while Flux is suspended.
      await suspendFlux(bed.clusters[0], true);
      // A pass of Flux that began before the suspension may still apply it: delete until
      // it stays gone.
      await eventually(
        'the ServiceEntry stays deleted',
        async () => {
          const deleted = await kubeRequest(
            asAdmin(bed.clusters[0]),
            `/apis/networking.istio.io/v1beta1/namespaces/${live.metadata.namespace}/serviceentries/${live.metadata.name}`,
            { method: 'DELETE' },
          );
          expect([200, 404]).toContain(deleted.status);
          await new Promise(resolve => setTimeout(resolve, 1500));
          expect(
            (await managedObjects(bed.clusters[0], 'serviceentries')).map(
              o => o.metadata.name,
            ),
          ).not.toContain(live.metadata.name);
        },
        { detail: logs },
      );

      await replica.reconcile();
      const drifted = (await statusIn('r-6', 'cluster-1'))!;
      expect(drifted.state).toBe('drifted');
      expect(drifted.lastError).toContain(
        `gone from the cluster: ServiceEntry ${live.metadata.namespace}/${live.metadata.name}`,
      );
      expect(drifted.lastError).toContain('crossmesh does not write it');
      for (const words of explained) {
        expect(drifted.lastError).toContain(words);
      }
      // Reported, not repaired: the request stays active, the object stays gone, no pull request.
      expect((await parts.store.getRequest('r-6'))!.state).toBe('active');
      expect(
        (await managedObjects(bed.clusters[0], 'serviceentries')).map(
          o => o.metadata.name,
        ),
      ).not.toContain(live.metadata.name);
      expect(await openPullRequests()).toEqual([]);
      const audited = (
        await parts.audit.list({
          action: ['exposure.drifted'],
          limit: 100,
          offset: 0,
        })
      ).items.filter(e => e.details?.requestId === 'r-6');
      expect(audited.length).toBeGreaterThan(0);

      await suspendFlux(bed.clusters[0], false);
      await eventually(
        `r-6 is applied again once Flux restored Git's object (${how})`,
        async () => {
          await replica.reconcile();
          expect((await statusIn('r-6', 'cluster-1'))!.state).toBe('applied');
        },
        { detail: logs, intervalMs: 250 },
      );
    },
  );

  it("fails the request with Flux's words when Flux cannot apply the merged change, and turns it active once Flux can", async () => {
    const replica = replicaDelivering(bed, knex, {
      ...git,
      merge: 'auto',
      kustomization: { namespace: 'flux-system', name: 'crossmesh' },
    }).reconciler;
    // Flux applies as a service account with no rights: every apply is refused.
    await patchFluxKustomization(bed.clusters[0], {
      serviceAccountName: 'nobody',
    });
    try {
      await insertApprovedRequest(parts.store, 'r-7', 'svc-8');
      await replica.reconcile();
      expect((await statusIn('r-7', 'cluster-1'))!.state).toBe('syncing');
      await eventually(
        "r-7 fails with Flux's reason",
        async () => {
          await replica.reconcile();
          const failed = (await statusIn('r-7', 'cluster-1'))!;
          expect(
            `${failed.state}: ${failed.lastError}; Flux: ${await fluxState()}`,
          ).toMatch(/^failed/);
          expect(failed.lastError).toContain(
            "Flux's Kustomization flux-system/crossmesh could not apply commit",
          );
          expect(failed.lastError).toMatch(/forbidden/i);
        },
        { detail: logs, intervalMs: 250 },
      );
      // Requests already live stay applied.
      expect((await statusIn('r-6', 'cluster-1'))!.state).toBe('applied');
    } finally {
      await patchFluxKustomization(bed.clusters[0], {
        serviceAccountName: null,
      });
    }
    await eventually(
      'r-7 turns active once Flux applied it',
      async () => {
        await replica.reconcile();
        expect((await parts.store.getRequest('r-7'))!.state).toBe('active');
      },
      { detail: logs, intervalMs: 250 },
    );
  });

  it('opens a removal pull request when an end date passes, and the request is revoked once its objects are gone', async () => {
    const hour = 3_600_000;
    const autoMerging = replicaDelivering(bed, knex, {
      ...git,
      merge: 'auto',
    }).reconciler;
    await insertApprovedRequest(parts.store, 'r-8', 'svc-9', {
      endDate: new Date(Date.now() + hour).toISOString(),
    });
    await eventually(
      'r-8 turns active',
      async () => {
        await autoMerging.reconcile();
        expect((await parts.store.getRequest('r-8'))!.state).toBe('active');
      },
      { detail: logs, intervalMs: 250 },
    );

    // Two hours on: the end date has passed.
    const later = replicaDelivering(
      bed,
      knex,
      git,
      () => new Date(Date.now() + 2 * hour),
    ).reconciler;
    await later.reconcile();
    expect((await parts.store.getRequest('r-8'))!.state).toBe('revoking');
    const waiting = (await statusIn('r-8', 'cluster-1'))!;
    expect(waiting.state).toBe('waiting-for-merge');
    const removal = await repo.pullRequest(waiting.pullRequest!.number);
    expect(removal.state).toBe('open');
    expect(
      (await repo.changedFiles(removal.number)).some(f => f.includes('svc-9')),
    ).toBe(true);

    await repo.merge(removal.number);
    await eventually(
      'r-8 is revoked once Flux pruned its objects',
      async () => {
        await later.reconcile();
        expect((await parts.store.getRequest('r-8'))!.state).toBe('revoked');
      },
      { detail: logs, intervalMs: 250 },
    );
    expect(
      (await managedObjects(bed.clusters[0], 'serviceentries')).map(
        o => o.spec.hosts[0],
      ),
    ).not.toContain('svc-9.bar.global');
  });

  it('never commits private key bytes: the whole history of the repository is scanned', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-history-'));
    try {
      const url = new URL(`${repository.url}.git`);
      url.username = gitea.username;
      url.password = gitea.token;
      execFileSync('git', [
        'clone',
        '--quiet',
        '--mirror',
        url.toString(),
        dir,
      ]);
      const history = execFileSync(
        'git',
        ['-C', dir, 'log', '--all', '-p', '--format=commit %H'],
        { maxBuffer: 64 * 1024 * 1024 },
      ).toString('utf8');
      expect(history).toContain('kind: ServiceEntry');
      expect(history).not.toMatch(/PRIVATE KEY|kind: Secret\b/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
