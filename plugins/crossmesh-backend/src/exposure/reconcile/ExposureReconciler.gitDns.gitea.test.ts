import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startFlux,
  startGitea,
  leaseTestBed,
  TestBed,
  TestFlux,
  TestGitea,
} from '@crossmesh/test-bed';
import { Knex } from 'knex';
import { parse } from 'yaml';
import { eventually } from '../../__testUtils__/eventually';
import { giteaRepository } from '../../__testUtils__/giteaRepository';
import {
  insertApprovedRequest,
  migratedDatabase,
  reconcilerFor,
} from '../../__testUtils__/reconcilerFixture';
import { adminApis } from '../../__testUtils__/trustTestKit';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import type {
  ClusterDelivery,
  GitRepository,
} from '../delivery/deliverySettings';
import { GiteaRepository } from '../delivery/GiteaRepository';
import { GitDnsWiring } from '../delivery/GitDnsWiring';
import { DatabaseReconcileStatusStore } from './DatabaseReconcileStatusStore';
import { GitClusterDelivery } from './GitClusterDelivery';
import { fixtureText } from '../../__testUtils__/dnsFixtures';

jest.setTimeout(300_000);

const DNS_FOLDER = 'clusters/cluster-1/kube-system';
const DNS_FILE = `${DNS_FOLDER}/coredns.yaml`;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const kubeadm = fixtureText('kubeadm.yaml');

/**
 * cluster-1 (legacy-global, Istio 1.6) has its CoreDNS ConfigMap in Git, applied by Flux:
 * an exposure it consumes gets `.global` forwarding by a pull request editing that file,
 * and crossmesh never writes the ConfigMap itself.
 */
describe('the reconciler, for a cluster whose CoreDNS ConfigMap is in Git', () => {
  let bed: TestBed;
  let gitea: TestGitea;
  let flux: TestFlux;
  let repository: GitRepository;
  let repo: GiteaRepository;
  let knex: Knex;
  let parts: ReturnType<typeof reconcilerFor>;
  let status: DatabaseReconcileStatusStore;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    gitea = await startGitea(bed.stateDir);
    ({ repository, repo } = await giteaRepository(gitea, 'mesh'));
    // The platform team's repository already holds the ConfigMap, and Flux applies it.
    const seeded = await repo.propose(DNS_FOLDER, {
      base: 'main',
      head: 'platform/coredns',
      write: [{ file: 'coredns.yaml', content: kubeadm }],
      remove: [],
      title: 'CoreDNS of cluster-1',
      body: '',
    });
    await repo.merge(seeded.number);
    flux = await startFlux(bed.clusters[0], bed.stateDir);
    await flux.applyFolder(repository.url, DNS_FOLDER);
    await eventually('Flux takes the ConfigMap over', async () => {
      const labels = (await liveCoredns()).metadata?.labels ?? {};
      if (labels['kustomize.toolkit.fluxcd.io/name'] !== 'crossmesh') {
        throw new Error(`not applied by Flux yet: ${JSON.stringify(labels)}`);
      }
    });

    const delivery: Extract<ClusterDelivery, { mode: 'git' }> = {
      mode: 'git',
      repository,
      branch: 'main',
      path: 'clusters/cluster-1/crossmesh',
      merge: 'reviewers',
      token: gitea.token,
      dnsFile: DNS_FILE,
    };
    const forge = (d: { repository: GitRepository; token: string }) =>
      new GiteaRepository(d.repository, d.token);
    knex = await migratedDatabase(databases, 'SQLITE_3');
    status = new DatabaseReconcileStatusStore(knex);
    parts = reconcilerFor(bed, knex, {
      status,
      git: {
        delivery: {
          of: c => (c === 'cluster-1' ? delivery : { mode: 'direct' }),
          gitClusters: () => ['cluster-1'],
        },
        deliver: new GitClusterDelivery({
          clients: new KubernetesClients(),
          forge,
        }),
        appBaseUrl: 'http://backstage.test',
        dns: new GitDnsWiring({ clients: new KubernetesClients(), forge }),
      },
    });
  });
  afterAll(async () => {
    await flux?.stop();
    await gitea?.stop();
    await bed?.stop();
  });

  async function liveCoredns() {
    const { core } = await adminApis(bed.clusters[0]);
    return core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });
  }
  const dnsOf = async (cluster: string) =>
    (await status.list()).find(s => s.cluster === cluster);
  async function openDnsPullRequests(): Promise<Array<{ number: number }>> {
    const open: Array<{ number: number; head: { ref: string } }> = await (
      await fetch(
        `${gitea.url}/api/v1/repos/${repository.owner}/${repository.name}/pulls?state=open`,
        { headers: { authorization: `token ${gitea.token}` } },
      )
    ).json();
    return open.filter(p => p.head.ref.startsWith('crossmesh-dns/cluster-1/'));
  }
  const logs = () => `Flux logs: ${flux.logFiles.join(', ')}`;

  it('proposes the edited ConfigMap file, waits for its merge, and sees Flux apply it', async () => {
    const before = await liveCoredns();
    const { core } = await adminApis(bed.clusters[0]);
    const istiocoredns = (
      await core.readNamespacedService({
        name: 'istiocoredns',
        namespace: 'istio-system',
      })
    ).spec!.clusterIP!;

    await insertApprovedRequest(parts.store, 'r-1', 'svc-2');
    await parts.reconciler.reconcile();
    const [pull] = await openDnsPullRequests();
    expect(pull).toBeDefined();
    expect(await dnsOf('cluster-1')).toMatchObject({
      dns: 'waiting-for-merge',
      dnsError: null,
      dnsDetail: `waiting for pull request #${pull.number} (${repository.url}/pulls/${pull.number}), which edits ${DNS_FILE}, to be merged`,
    });
    // The pull request changes that one file; the cluster has nothing yet.
    expect(await repo.changedFiles(pull.number)).toEqual([DNS_FILE]);
    expect((await liveCoredns()).data).toEqual(before.data);

    // A second pass finds the same pull request.
    await parts.reconciler.reconcile();
    expect((await openDnsPullRequests()).map(p => p.number)).toEqual([
      pull.number,
    ]);
    expect((await dnsOf('cluster-1'))!.dns).toBe('waiting-for-merge');

    await repo.merge(pull.number);
    const inGit = parse((await repo.readFile('main', DNS_FILE))!.content);
    expect(inGit.data.Corefile).toContain(
      `global:53 {\n    errors\n    cache 30\n    forward . ${istiocoredns}:53\n}`,
    );
    await eventually(
      'Flux applies the merged file, and the pass sees it live',
      async () => {
        await parts.reconciler.reconcile();
        expect(await dnsOf('cluster-1')).toMatchObject({
          dns: 'unchanged',
          dnsError: null,
        });
      },
      { detail: logs },
    );
    const live = await liveCoredns();
    expect(live.data).toEqual(inGit.data);
    // Written by Flux from Git, never by crossmesh.
    const managers = (live.metadata?.managedFields ?? []).map(f => f.manager);
    expect(managers).toContain('kustomize-controller');
    expect(managers).not.toContain('crossmesh');
    expect(await openDnsPullRequests()).toEqual([]);
  });

  it('proposes the removal once nothing is consumed, and the cluster gets the file back', async () => {
    const { state } = (await parts.store.getRequest('r-1'))!;
    await parts.store.transitionRequest('r-1', state, 'revoked', {
      updatedAt: new Date().toISOString(),
    });
    await parts.reconciler.reconcile();
    const [pull] = await openDnsPullRequests();
    expect(pull).toBeDefined();
    expect((await dnsOf('cluster-1'))!.dns).toBe('waiting-for-merge');
    await repo.merge(pull.number);
    expect((await repo.readFile('main', DNS_FILE))!.content).toBe(kubeadm);
    await eventually(
      'Flux applies the file without the block',
      async () => {
        await parts.reconciler.reconcile();
        expect((await dnsOf('cluster-1'))!.dns).toBe('not-needed');
      },
      { detail: logs },
    );
    expect((await liveCoredns()).data).toEqual(parse(kubeadm).data);
  });
});
