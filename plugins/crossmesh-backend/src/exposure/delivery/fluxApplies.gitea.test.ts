import {
  kubeRequest,
  startFlux,
  startGitea,
  leaseTestBed,
  TestBed,
  TestFlux,
  TestGitea,
} from '@crossmesh/test-bed';
import { eventually } from '../../__testUtils__/eventually';
import { renderExposure } from '../render';
import type { GiteaRepository } from './GiteaRepository';
import { asAdmin, giteaRepository } from '../../__testUtils__/giteaRepository';
import { renderGitTree, treeChanges } from './gitTree';

jest.setTimeout(300_000);

const FOLDER = 'clusters/cluster-1';

/**
 * The real parts of GitOps delivery together: crossmesh's folder of a cluster, proposed and
 * merged on a real Gitea, applied to a real API server by real Flux controllers, and pruned
 * again by a removal pull request.
 */
describe('a merged pull request, applied by Flux', () => {
  let bed: TestBed;
  let gitea: TestGitea;
  let flux: TestFlux;
  let repo: GiteaRepository;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    gitea = await startGitea(bed.stateDir);
    const made = await giteaRepository(gitea, 'mesh');
    repo = made.repo;
    flux = await startFlux(bed.clusters[0], bed.stateDir);
    await flux.applyFolder(made.repository.url, FOLDER);
  });
  afterAll(async () => {
    await flux?.stop();
    await gitea?.stop();
    await bed?.stop();
  });

  const rendered = renderExposure('dns-proxy', {
    requestId: 'r-1',
    host: 'svc-2.bar.global',
    vip: '240.0.0.7',
    ports: [{ name: 'http', number: 8000 }],
    remoteGateway: { address: '172.18.0.3', port: 15443 },
  });

  /** The names of the objects crossmesh rendered that the cluster holds now. */
  async function live(): Promise<string[]> {
    const found: string[] = [];
    for (const object of rendered.consumer) {
      const plural = `${object.kind.toLowerCase()}s`.replace(/ys$/, 'ies');
      const answer = await kubeRequest(
        asAdmin(bed.clusters[0]),
        `/apis/${object.apiVersion}/namespaces/${object.metadata.namespace}/${plural}/${object.metadata.name}`,
      );
      if (answer.status === 200)
        found.push(`${object.kind}/${object.metadata.name}`);
    }
    return found.sort();
  }
  const names = rendered.consumer
    .map(o => `${o.kind}/${o.metadata.name}`)
    .sort();
  const logs = () => `Flux logs: ${flux.logFiles.join(', ')}`;

  it('applies the objects once their pull request is merged, not before', async () => {
    const pull = await repo.propose(FOLDER, {
      base: 'main',
      head: 'crossmesh/cluster-1/apply',
      ...treeChanges(new Map(), renderGitTree(rendered.consumer)),
      title: 'crossmesh: svc-2.bar.global for cluster-1',
      body: 'Approved by carol',
    });
    await new Promise(resolve => setTimeout(resolve, 3_000));
    expect(await live()).toEqual([]);

    await repo.merge(pull.number);
    await eventually(
      'Flux applies the merged objects',
      async () => {
        expect(await live()).toEqual(names);
      },
      { detail: logs },
    );
  });

  it('prunes them once the removal pull request is merged', async () => {
    const current = new Map(
      [...(await repo.readFolder('main', FOLDER))].map(([f, { content }]) => [
        f,
        content,
      ]),
    );
    const pull = await repo.propose(FOLDER, {
      base: 'main',
      head: 'crossmesh/cluster-1/remove',
      ...treeChanges(current, renderGitTree([])),
      title: 'crossmesh: remove svc-2.bar.global from cluster-1',
      body: 'Revoked by bob',
    });
    await repo.merge(pull.number);
    await eventually(
      'Flux prunes the removed objects',
      async () => {
        expect(await live()).toEqual([]);
      },
      { detail: logs },
    );
  });
});
