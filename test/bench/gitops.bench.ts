/*
 * Benchmark: how soon a request turns active after its pull request is merged, for a cluster
 * delivered through Git (ADR 0037), against Flux alone in the same run: the moment the
 * ServiceEntry is live in the cluster, which no tool can report sooner. On the test bed:
 * cluster-0 exports (written directly), cluster-1 consumes through a real Gitea repository
 * applied by real Flux controllers (intervals 1 s). crossmesh runs as the plugin runs it:
 * watches of both clusters, a pass per change (ADR 0030), no timer.
 *
 * For each of --merges requests, one after another: approved, a pass opens its pull request,
 * the pull request is merged (t0); an admin watch sees the ServiceEntry appear (Flux: t_live);
 * the request is polled every 20 ms until active (crossmesh: t_active).
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/gitops.bench.ts [--merges 10] [--check]
 * `--check` exits 1 when a request did not turn active or the median ratio exceeds 1.5.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  startFlux,
  startGitea,
  startTestBed,
  TestBed,
  TestFlux,
  TestGitea,
} from '@crossmesh/test-bed';
import knexFactory from 'knex';
import { KubernetesClients } from '../../plugins/crossmesh-backend/src/clusters/KubernetesClients';
import { GiteaRepository } from '../../plugins/crossmesh-backend/src/exposure/delivery/GiteaRepository';
import { GitClusterDelivery } from '../../plugins/crossmesh-backend/src/exposure/reconcile/GitClusterDelivery';
import { giteaRepository } from '../../plugins/crossmesh-backend/src/__testUtils__/giteaRepository';
import { watchingReplicaFor } from '../../plugins/crossmesh-backend/src/__testUtils__/reconcilerFixture';
import {
  adminCustomObjects,
  insertApprovedRequest,
  managedServiceEntries,
  untilCustomResourcesServed,
} from './benchCluster';
import { BenchRow, fmtMs, reportRows } from './benchResult';

const FOLDER = 'clusters/cluster-1';
const GIVE_UP_MS = 60_000;
const TARGET_RATIO = 1.5;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  intervalMs: number,
): Promise<T> {
  const deadline = performance.now() + GIVE_UP_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (performance.now() > deadline) {
      throw new Error(`${what}: not within ${GIVE_UP_MS} ms`);
    }
    await sleep(intervalMs);
  }
}

async function main() {
  const merges = arg('--merges', 10);
  let bed: TestBed | undefined;
  let gitea: TestGitea | undefined;
  let flux: TestFlux | undefined;
  let stop = () => {};
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  try {
    bed = await startTestBed({ clusters: ['cluster-0', 'cluster-1'] });
    const consumer = bed.clusters[1];
    await untilCustomResourcesServed(await adminCustomObjects(consumer));
    gitea = await startGitea(bed.stateDir);
    const { repository, repo } = await giteaRepository(gitea, 'mesh');
    flux = await startFlux(consumer, bed.stateDir);
    await flux.applyFolder(repository.url, FOLDER);
    await knex.migrate.latest({
      directory: resolve(
        __dirname,
        '../../plugins/crossmesh-backend/migrations',
      ),
    });
    const token = gitea.token;
    const replica = await watchingReplicaFor(bed, knex, {
      reconciler: {
        git: {
          delivery: {
            of: cluster =>
              cluster === 'cluster-1'
                ? {
                    mode: 'git',
                    repository,
                    branch: 'main',
                    path: FOLDER,
                    merge: 'reviewers',
                    token,
                  }
                : { mode: 'direct' },
            gitClusters: () => ['cluster-1'],
          },
          deliver: new GitClusterDelivery({
            clients: new KubernetesClients(),
            forge: d => new GiteaRepository(d.repository, d.token),
          }),
          appBaseUrl: 'http://backstage.test',
        },
      },
    });
    stop = () => replica.stop();

    const flux_: number[] = [];
    const crossmesh: number[] = [];
    for (let i = 0; i < merges; i++) {
      const request = await insertApprovedRequest(
        replica.store,
        `svc-${i}`,
        i,
        ['cluster-1'],
      );
      replica.trigger.request(`request ${request.id} approved`);
      const pullRequest = await until(
        `the pull request of ${request.host}`,
        async () =>
          (await replica.store.getRequest(request.id))!.clusters.find(
            c => c.cluster === 'cluster-1' && c.state === 'waiting-for-merge',
          )?.pullRequest,
        20,
      );
      const t0 = performance.now();
      await repo.merge(pullRequest.number);
      const live = until(
        `${request.host} live in cluster-1`,
        async () =>
          (await managedServiceEntries(consumer)).some(
            (e: { spec: { hosts: string[] } }) =>
              e.spec.hosts[0] === request.host,
          )
            ? performance.now() - t0
            : undefined,
        20,
      );
      const active = until(
        `${request.host} active`,
        async () =>
          (await replica.store.getRequest(request.id))!.state === 'active'
            ? performance.now() - t0
            : undefined,
        20,
      );
      flux_.push(await live);
      crossmesh.push(await active);
      console.log(
        `  ${request.host}: live after ${fmtMs(flux_[i])}, active after ${fmtMs(
          crossmesh[i],
        )}`,
      );
    }
    const ratio = median(crossmesh) / median(flux_);
    const pass = ratio <= TARGET_RATIO;
    console.log(
      `merge -> active (crossmesh): median ${fmtMs(
        median(crossmesh),
      )}, max ${fmtMs(
        Math.max(...crossmesh),
      )}; merge -> live (Flux alone): median ${fmtMs(
        median(flux_),
      )}, max ${fmtMs(Math.max(...flux_))}; ratio ${ratio.toFixed(
        2,
      )} (target <= ${TARGET_RATIO})`,
    );
    const row: BenchRow = {
      benchmark: `GitOps: pull request merged -> request active, ${merges} merges`,
      figure: `median ${fmtMs(median(crossmesh))}`,
      baseline: `Flux applied it (object live): median ${fmtMs(median(flux_))}`,
      ratio,
      target: `ratio <= ${TARGET_RATIO}`,
      pass,
    };
    reportRows([row]);
    if (process.argv.includes('--check') && !pass) process.exitCode = 1;
  } finally {
    stop();
    await flux?.stop();
    await gitea?.stop();
    await knex.destroy();
    await bed?.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
