/*
 * Benchmark: how soon crossmesh acts on a change, with 2,000 active exposures to 4 consumer
 * clusters (Istio 1.6.8, legacy-global, 8,000 ServiceEntries) on the test bed, event-driven
 * (watches of every cluster, a pass per change: ADR 0030) against the 30-second timer alone
 * (what crossmesh did before), in the same run:
 *
 * - approval -> the ServiceEntry present in every consumer cluster (50 approvals);
 * - a ServiceEntry deleted by hand -> recreated (50 deletes, timed from the DELETE);
 * - revoke -> the ServiceEntry gone from every consumer cluster (50 revokes);
 * - API requests per minute in steady state: crossmesh's own (user crossmesh, whose every
 *   request the bed's audit logs record here), not the API servers' informers;
 * - the heap the watches hold (4 clusters x 2,000 objects).
 *
 * Each change is committed to the database as the workflow commits it (an approved request
 * with its VIP, a request moved to `revoking`), then the trigger is told, as ExposureService
 * tells it. Changes are made 600 ms apart, without waiting for the previous one; a watch of
 * the bed's admin in each consumer cluster times when each object appears or goes.
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/watch.bench.ts [--exposures 2000] [--changes 50] [--check]
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { startTestBed, TestBed, TestCluster } from '@crossmesh/test-bed';
import knexFactory, { Knex } from 'knex';
import { DatabaseAuditLog } from '../../plugins/crossmesh-backend/src/audit';
import { ClusterObserver } from '../../plugins/crossmesh-backend/src/clusters/ClusterObserver';
import { KubernetesClients } from '../../plugins/crossmesh-backend/src/clusters/KubernetesClients';
import { ClusterDnsWiring } from '../../plugins/crossmesh-backend/src/exposure/dns/cluster';
import { ClusterExposureApplier } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ClusterExposureApplier';
import { ClusterWatches } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ClusterWatches';
import { ExposureReconciler } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ExposureReconciler';
import { ReconcileLease } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ReconcileLease';
import { ReconcileTrigger } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ReconcileTrigger';
import { DatabaseExposureStore } from '../../plugins/crossmesh-backend/src/exposure/store/DatabaseExposureStore';
import { databaseExposureTransaction } from '../../plugins/crossmesh-backend/src/exposure/store/ExposureTransaction';
import { connectionsOf } from '../../plugins/crossmesh-backend/src/__testUtils__/trustTestKit';
import {
  adminCustomObjects,
  crossmeshRequestsFrom,
  GROUP,
  insertApprovedRequest,
  managedServiceEntries,
  total,
  untilCustomResourcesServed,
  VERSION,
} from './benchCluster';
import { BenchRow, reportRows } from './benchResult';

const CONSUMERS = ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'];
const TIMER_SECONDS = 30;
/** The default of crossmesh.reconcileIntervalSeconds with watches. */
const SAFETY_NET_SECONDS = 600;
/** How long a watch request lasts before it is made again (ResourceWatch). */
const WATCH_SECONDS = 1800;
const SPACING_MS = 600;
const GIVE_UP_MS = 120_000;

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** When each managed ServiceEntry host appeared in and went from each consumer cluster. */
class Sightings {
  private readonly seen = new Map<
    string,
    { added?: number; deleted?: number }
  >();
  private readonly aborts: AbortController[] = [];

  async start(clusters: TestCluster[]) {
    const k8s = await import('@kubernetes/client-node');
    for (const cluster of clusters) {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromFile(cluster.kubeconfigPath);
      const list: any = await kubeConfig
        .makeApiClient(k8s.CustomObjectsApi)
        .listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural: 'serviceentries',
          labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
        });
      this.aborts.push(
        await new k8s.Watch(kubeConfig).watch(
          `/apis/${GROUP}/${VERSION}/serviceentries`,
          {
            labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
            resourceVersion: list.metadata.resourceVersion,
          },
          (type, object) => {
            const key = `${cluster.name} ${object.spec.hosts[0]}`;
            const entry = this.seen.get(key) ?? {};
            if (type === 'ADDED') entry.added = performance.now();
            if (type === 'DELETED') entry.deleted = performance.now();
            this.seen.set(key, entry);
          },
          error =>
            error && log(`admin watch of ${cluster.name} ended: ${error}`),
        ),
      );
    }
  }

  forget(host: string, clusters: string[]) {
    for (const c of clusters) this.seen.delete(`${c} ${host}`);
  }

  /** When `event` happened to `host` in every cluster: the latest of them, or undefined. */
  when(host: string, clusters: string[], event: 'added' | 'deleted') {
    const times = clusters.map(c => this.seen.get(`${c} ${host}`)?.[event]);
    return times.every(t => t !== undefined)
      ? Math.max(...(times as number[]))
      : undefined;
  }

  stop() {
    for (const a of this.aborts) a.abort();
  }
}

interface Crossmesh {
  store: DatabaseExposureStore;
  reconciler: ExposureReconciler;
  watches: ClusterWatches;
  trigger: ReconcileTrigger;
  /** Passes the trigger runs: how many now, and when the last one ended. */
  passes: { running: number; lastEnd: number };
}

function wire(bed: TestBed, knex: Knex): Crossmesh {
  const connections = connectionsOf(bed);
  const clients = new KubernetesClients();
  const observer = new ClusterObserver(clients, { timeoutMs: 30_000 });
  const store = new DatabaseExposureStore(knex);
  const watches = new ClusterWatches({ clients, connections });
  const reconciler = new ExposureReconciler({
    store,
    transaction: databaseExposureTransaction(knex),
    applier: new ClusterExposureApplier(clients, { writes: watches }),
    dns: new ClusterDnsWiring(clients),
    lease: new ReconcileLease(knex),
    watches,
    connections,
    observeClusters: () =>
      Promise.all(connections.map(c => observer.observe(c))),
    audit: new DatabaseAuditLog(knex),
  });
  const passes = { running: 0, lastEnd: performance.now() };
  const trigger = new ReconcileTrigger({
    reconcile: async mode => {
      passes.running++;
      try {
        return await reconciler.reconcile(mode);
      } finally {
        passes.running--;
        passes.lastEnd = performance.now();
      }
    },
  });
  return { store, reconciler, watches, trigger, passes };
}

/**
 * Makes `count` changes SPACING_MS apart and returns how long each took to show in every
 * consumer cluster.
 */
async function measure(
  count: number,
  change: (i: number) => Promise<{ host: string; clusters: string[] }>,
  sightings: Sightings,
  event: 'added' | 'deleted',
): Promise<number[]> {
  const pending: Array<{ host: string; clusters: string[]; at: number }> = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const { host, clusters } = await change(i);
    pending.push({ host, clusters, at: started });
    await sleep(Math.max(0, SPACING_MS - (performance.now() - started)));
  }
  const deadline = performance.now() + GIVE_UP_MS;
  for (;;) {
    const done = pending.map(p => sightings.when(p.host, p.clusters, event));
    if (done.every(d => d !== undefined)) {
      return done.map((d, i) => d! - pending[i].at);
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${
          done.filter(d => d === undefined).length
        } of ${count} changes did not show within ${GIVE_UP_MS / 1000} s`,
      );
    }
    await sleep(50);
  }
}

/**
 * The name of each managed ServiceEntry of `cluster`, by host: read once before the deletes,
 * so the clock of a delete by hand starts at the DELETE, not at the bench's own LIST of
 * 2,000 objects.
 */
async function serviceEntryNames(
  cluster: TestCluster,
): Promise<Map<string, { namespace: string; name: string }>> {
  return new Map(
    (await managedServiceEntries(cluster)).map(e => [
      e.spec.hosts[0] as string,
      { namespace: e.metadata.namespace, name: e.metadata.name },
    ]),
  );
}

async function deleteByHand(
  cluster: TestCluster,
  entry: { namespace: string; name: string },
) {
  await (
    await adminCustomObjects(cluster)
  ).deleteNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: entry.namespace,
    plural: 'serviceentries',
    name: entry.name,
  });
}

interface ModeFigures {
  approval: number[];
  repair: number[];
  revoke: number[];
}

/** The three latencies in one mode, on the same bed and database. */
async function latencies(
  label: string,
  crossmesh: Crossmesh,
  bed: TestBed,
  sightings: Sightings,
  changes: number,
  tell: (cause: string) => void,
): Promise<ModeFigures> {
  const byName = new Map(bed.clusters.map(c => [c.name, c]));
  log(`${label}: ${changes} approvals`);
  const approved: ExposureRequest[] = [];
  const approval = await measure(
    changes,
    async i => {
      const request = await insertApprovedRequest(
        crossmesh.store,
        `${label}-${i}`,
        i,
        CONSUMERS,
      );
      approved.push(request);
      tell('approved');
      return { host: request.host, clusters: CONSUMERS };
    },
    sightings,
    'added',
  );

  log(`${label}: ${changes} ServiceEntries deleted by hand`);
  const names = new Map(
    await Promise.all(
      CONSUMERS.map(
        async c => [c, await serviceEntryNames(byName.get(c)!)] as const,
      ),
    ),
  );
  const repair = await measure(
    changes,
    async i => {
      const { host } = approved[i];
      const cluster = CONSUMERS[i % CONSUMERS.length];
      const entry = names.get(cluster)!.get(host);
      if (!entry) throw new Error(`no ServiceEntry for ${host} in ${cluster}`);
      sightings.forget(host, [cluster]);
      await deleteByHand(byName.get(cluster)!, entry);
      return { host, clusters: [cluster] };
    },
    sightings,
    'added',
  );

  log(`${label}: ${changes} revokes`);
  const revoke = await measure(
    changes,
    async i => {
      const request = approved[i];
      const moved = await crossmesh.store.transitionRequest(
        request.id,
        'active',
        'revoking',
      );
      if (!moved) throw new Error(`${request.id} was not active`);
      tell('revoked');
      return { host: request.host, clusters: CONSUMERS };
    },
    sightings,
    'deleted',
  );
  return { approval, repair, revoke };
}

function heapUsed(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const exposures = argValue('--exposures', 2000);
  const changes = argValue('--changes', 50);
  const quietMs = argValue('--quiet-seconds', 60) * 1000;
  const bed = await startTestBed({
    clusters: ['cluster-0', ...CONSUMERS],
    istioVersion: '1.6.8',
    auditCrossmeshReads: true,
    log,
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  const sightings = new Sightings();
  let crossmesh: Crossmesh | undefined;
  try {
    await Promise.all(
      bed.clusters.map(async c =>
        untilCustomResourcesServed(await adminCustomObjects(c)),
      ),
    );
    await knex.migrate.latest({
      directory: resolve(
        __dirname,
        '../../plugins/crossmesh-backend/migrations',
      ),
    });
    crossmesh = wire(bed, knex);
    const { store, reconciler, watches, trigger } = crossmesh;

    log(
      `setup: ${exposures} exposures to ${CONSUMERS.length} consumers, converged`,
    );
    for (let i = 0; i < exposures; i++) {
      await insertApprovedRequest(store, `svc-${i}`, i, CONSUMERS);
    }
    for (let pass = 0; pass < 5; pass++) {
      await reconciler.reconcile({ fresh: true });
      const active = await store.listRequests({
        states: ['active'],
        limit: 1,
        offset: 0,
      });
      if (active.totalCount === exposures) break;
    }
    await sightings.start(bed.clusters.filter(c => CONSUMERS.includes(c.name)));

    // Baseline first: the 30-second timer alone, as before (no watches, no triggers).
    const timer = setInterval(() => {
      reconciler.reconcile({ fresh: true }).catch(e => log(`timer pass: ${e}`));
    }, TIMER_SECONDS * 1000);
    let pollingPerMinute: number;
    let baseline: ModeFigures;
    try {
      baseline = await latencies(
        'timer',
        crossmesh,
        bed,
        sightings,
        changes,
        () => {},
      );
      log('steady state with the 30 s timer: a minute of requests');
      pollingPerMinute = perMinute(
        countAll(await crossmeshCallsDuring(bed, quietMs)),
        quietMs,
      );
    } finally {
      clearInterval(timer);
    }

    const heapWithout = heapUsed();
    await watches.start((cluster, concern, reason) => {
      reconciler.clusterAnswered(cluster);
      if (concern === 'exposures') trigger.request(`${cluster}: ${reason}`);
    });
    for (let waited = 0; watches.status().some(w => !w.synced); waited += 100) {
      if (waited > 60_000)
        throw new Error('the watches did not sync within 60 s');
      await sleep(100);
    }
    const heapWith = heapUsed();
    const watchCount = watches.status().length;

    const crossmeshFigures = await latencies(
      'watch',
      crossmesh,
      bed,
      sightings,
      changes,
      cause => trigger.request(cause),
    );
    // Let the passes the last changes asked for finish: 5 s without one.
    while (
      crossmesh.passes.running > 0 ||
      performance.now() - crossmesh.passes.lastEnd < 5_000
    ) {
      await sleep(250);
    }
    log(
      'steady state with watches: a minute of requests, then one safety-net pass',
    );
    const quietCalls = await crossmeshCallsDuring(bed, quietMs);
    logCalls('quiet', quietCalls);
    const quiet = perMinute(countAll(quietCalls), quietMs);
    const passCalls = crossmeshRequestsFrom(bed.clusters);
    await trigger.timerPass();
    const safetyPass = countAll(passCalls());
    const watchPerMinute =
      quiet +
      (safetyPass * 60) / SAFETY_NET_SECONDS +
      (watchCount * 60) / WATCH_SECONDS;

    printAndReport({
      exposures,
      changes,
      crossmesh: crossmeshFigures,
      baseline,
      pollingPerMinute,
      quiet,
      safetyPass,
      watchCount,
      watchPerMinute,
      heapWithout,
      heapWith,
    });
  } finally {
    sightings.stop();
    crossmesh?.trigger.stop();
    crossmesh?.watches.stop();
    await knex.destroy();
    await bed.stop();
  }
}

type Calls = Map<string, Map<string, number>>;

/** The requests of user crossmesh in the next `ms`, from the API servers' audit logs. */
async function crossmeshCallsDuring(bed: TestBed, ms: number): Promise<Calls> {
  const count = crossmeshRequestsFrom(bed.clusters);
  await sleep(ms);
  return count();
}

const perMinute = (count: number, ms: number) => (count * 60_000) / ms;

function logCalls(label: string, calls: Calls) {
  for (const [cluster, counts] of calls) {
    log(
      `  ${label} ${cluster}: ${[...counts]
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
}

function countAll(calls: Calls): number {
  return [...calls.values()].reduce((a, c) => a + total(c), 0);
}

function printAndReport(f: {
  exposures: number;
  changes: number;
  crossmesh: ModeFigures;
  baseline: ModeFigures;
  pollingPerMinute: number;
  quiet: number;
  safetyPass: number;
  watchCount: number;
  watchPerMinute: number;
  heapWithout: number;
  heapWith: number;
}) {
  const rows: BenchRow[] = [];
  const latencyRow = (
    name: string,
    ours: number[],
    theirs: number[],
    target: { p50?: number; p99: number },
  ) => {
    const p50 = percentile(ours, 50);
    const p99 = percentile(ours, 99);
    const b50 = percentile(theirs, 50);
    const b99 = percentile(theirs, 99);
    console.log(
      `${name.padEnd(58)} p50 ${seconds(p50).padStart(8)} p99 ${seconds(
        p99,
      ).padStart(8)} | 30 s timer: p50 ${seconds(b50).padStart(
        8,
      )} p99 ${seconds(b99).padStart(8)} | p99 ratio ${(p99 / b99).toFixed(3)}`,
    );
    rows.push({
      benchmark: `${name}, ${f.exposures.toLocaleString(
        'en',
      )} active exposures, 4 clusters, ${f.changes} changes`,
      figure: `p50 ${seconds(p50)}, p99 ${seconds(p99)}`,
      baseline: `30 s timer: p50 ${seconds(b50)}, p99 ${seconds(b99)}`,
      ratio: p99 / b99,
      target: `${target.p50 ? `p50 <= ${target.p50} s, ` : ''}p99 <= ${
        target.p99
      } s`,
      pass:
        (!target.p50 || p50 <= target.p50 * 1000) && p99 <= target.p99 * 1000,
    });
  };
  console.log(
    `${f.exposures} active exposures x ${CONSUMERS.length} consumer clusters (legacy-global, Istio 1.6.8); ${f.changes} changes each, ${SPACING_MS} ms apart; node ${process.version}`,
  );
  latencyRow(
    'approval -> ServiceEntry in every consumer cluster',
    f.crossmesh.approval,
    f.baseline.approval,
    { p50: 0.5, p99: 2 },
  );
  latencyRow(
    'ServiceEntry deleted by hand -> recreated',
    f.crossmesh.repair,
    f.baseline.repair,
    { p99: 2 },
  );
  latencyRow(
    'revoke -> ServiceEntry gone from every consumer cluster',
    f.crossmesh.revoke,
    f.baseline.revoke,
    { p99: 2 },
  );

  const ratio = f.watchPerMinute / f.pollingPerMinute;
  console.log(
    `API requests per minute of crossmesh, steady state (user crossmesh in the API servers' audit logs): watches ${f.watchPerMinute.toFixed(
      1,
    )} = ${f.quiet.toFixed(1)} in a quiet minute + one safety-net pass (${
      f.safetyPass
    } requests) every ${SAFETY_NET_SECONDS} s + ${
      f.watchCount
    } watches renewed every ${WATCH_SECONDS} s; 30 s timer: ${f.pollingPerMinute.toFixed(
      1,
    )}; ratio ${ratio.toFixed(3)}`,
  );
  rows.push({
    benchmark: `API requests per minute in steady state, ${f.exposures.toLocaleString(
      'en',
    )} exposures x 4 clusters (crossmesh's own, from the audit logs)`,
    figure: `${f.watchPerMinute.toFixed(1)}/min (quiet minute ${f.quiet.toFixed(
      1,
    )} + safety-net pass ${f.safetyPass} per ${SAFETY_NET_SECONDS / 60} min + ${
      f.watchCount
    } watches per ${WATCH_SECONDS / 60} min)`,
    baseline: `30 s timer: ${f.pollingPerMinute.toFixed(1)}/min`,
    ratio,
    target: 'ratio <= 0.1',
    pass: ratio <= 0.1,
  });

  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    `heap after GC: without watches ${mib(f.heapWithout)}, with ${
      f.watchCount
    } watches in sync ${mib(f.heapWith)}: +${mib(f.heapWith - f.heapWithout)}`,
  );
  rows.push({
    benchmark: `memory of the watches, 4 clusters x ${f.exposures.toLocaleString(
      'en',
    )} objects`,
    figure: `+${mib(f.heapWith - f.heapWithout)} heap (${mib(
      f.heapWith,
    )} with watches)`,
    baseline: `the same process without watches: ${mib(f.heapWithout)}`,
    ratio: f.heapWith / f.heapWithout,
    target: 'report the difference',
    pass: true,
  });
  reportRows(rows);
  if (process.argv.includes('--check') && rows.some(r => !r.pass)) {
    console.error(
      `FAIL: ${rows
        .filter(r => !r.pass)
        .map(r => r.benchmark)
        .join('; ')}`,
    );
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
