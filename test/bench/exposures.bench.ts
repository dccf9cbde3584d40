/*
 * Benchmark: 2,000 approved exposures to 4 consumer clusters converged from empty on the
 * test bed (Istio 1.6.8, legacy-global: one consumer ServiceEntry per exposure and consumer
 * cluster, 8,000 objects, plus the `.global` DNS wiring of each consumer), against a plain
 * loop that creates the same 8,000 rendered objects with @kubernetes/client-node
 * (`createNamespacedCustomObject`, one call per object) in the same run.
 * Target: crossmesh at most 1.5x the plain loop; then a steady-state pass makes 0 writes.
 *
 * One bed holds 9 clusters: `cluster-0` (source), `cluster-1..4` (consumers, converged by
 * crossmesh) and `baseline-1..4` (fresh clusters the plain loop writes into). The plain loop
 * runs first, one sequential loop per cluster with the 4 clusters at once, as crossmesh
 * converges its clusters at once. API calls are counted twice: by crossmesh's own
 * ClusterConvergence counts, and by every API server's `apiserver_request_total` metric
 * (all of crossmesh's calls: observation, DNS wiring and the applier; the API servers' own
 * lease renewals and `kubernetes` endpoints are left out).
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/exposures.bench.ts [--exposures 2000] [--check]
 * `--check` exits with 1 when the ratio exceeds 1.5 or the steady-state pass writes.
 */
import { reportRows } from './benchResult';
import {
  adminCustomObjects,
  countServiceEntries,
  delta,
  insertApprovedRequest,
  GROUP,
  VERSION,
  isWrite,
  snapshot,
  total,
  untilCustomResourcesServed,
} from './benchCluster';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTestBed, TestBed } from '@crossmesh/test-bed';
import knexFactory from 'knex';
import { ClusterObserver } from '../../plugins/crossmesh-backend/src/clusters/ClusterObserver';
import { KubernetesClients } from '../../plugins/crossmesh-backend/src/clusters/KubernetesClients';
import { ClusterDnsWiring } from '../../plugins/crossmesh-backend/src/exposure/dns/cluster';
import { ClusterExposureApplier } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ClusterExposureApplier';
import {
  ExposureReconciler,
  ReconcileReport,
} from '../../plugins/crossmesh-backend/src/exposure/reconcile/ExposureReconciler';
import { ReconcileLease } from '../../plugins/crossmesh-backend/src/exposure/reconcile/ReconcileLease';
import {
  KubeObject,
  renderExposure,
} from '../../plugins/crossmesh-backend/src/exposure/render';
import { DatabaseExposureStore } from '../../plugins/crossmesh-backend/src/exposure/store/DatabaseExposureStore';
import { connectionsOf } from '../../plugins/crossmesh-backend/src/__testUtils__/trustTestKit';
import { DatabaseAuditLog } from '../../plugins/crossmesh-backend/src/audit';
import { databaseExposureTransaction } from '../../plugins/crossmesh-backend/src/exposure/store/ExposureTransaction';

const TARGET_RATIO = 1.5;
const CONSUMERS = ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'];
const BASELINES = ['baseline-1', 'baseline-2', 'baseline-3', 'baseline-4'];

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

function describeCounts(counts: Map<string, number> | undefined): string {
  return [...(counts ?? new Map<string, number>())]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}

function fmtMs(ms: number): string {
  return `${(ms / 1000).toFixed(2).padStart(7)} s`;
}

async function main() {
  const exposures = argValue('--exposures', 2000);
  const bed: TestBed = await startTestBed({
    clusters: ['cluster-0', ...CONSUMERS, ...BASELINES],
    istioVersion: '1.6.8',
    log,
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const byName = new Map(bed.clusters.map(c => [c.name, c]));
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
    const store = new DatabaseExposureStore(knex);
    const audit = new DatabaseAuditLog(knex);

    // Not measured: the 2,000 approved requests, put straight into the store.
    const insertStart = performance.now();
    for (let i = 0; i < exposures; i++) {
      await insertApprovedRequest(store, `svc-${i}`, i, CONSUMERS);
    }
    const insertMs = performance.now() - insertStart;

    const connections = connectionsOf(bed).filter(
      c => c.name === 'cluster-0' || CONSUMERS.includes(c.name),
    );
    const clients = new KubernetesClients();
    const observer = new ClusterObserver(clients, { timeoutMs: 30_000 });
    const observeClusters = () =>
      Promise.all(connections.map(c => observer.observe(c)));
    // Wall time of the applier's phase (all clusters at once), to tell it from the rest.
    const applier = new ClusterExposureApplier(clients);
    let applyStart: number | undefined;
    let applyEnd = 0;
    const converge = applier.converge.bind(applier);
    applier.converge = async (...args) => {
      applyStart ??= performance.now();
      try {
        return await converge(...args);
      } finally {
        applyEnd = performance.now();
      }
    };
    const reconciler = new ExposureReconciler({
      store,
      transaction: databaseExposureTransaction(knex),
      applier,
      dns: new ClusterDnsWiring(clients),
      lease: new ReconcileLease(knex),
      connections,
      observeClusters,
      audit,
    });

    // The same objects the reconciler renders, for the plain loop.
    const source = await observer.observe(connections[0]);
    const requests = (
      await store.listRequests({
        states: ['approved'],
        limit: 100_000,
        offset: 0,
      })
    ).items;
    const rendered: KubeObject[] = requests.flatMap(
      r =>
        renderExposure(source.strategy!, {
          requestId: r.id,
          host: r.host,
          vip: r.vip!,
          ports: r.service.ports,
          exportTo: r.consumerNamespaces,
          remoteGateway: source.gateway!,
          localService: {
            name: r.service.name,
            namespace: r.service.namespace,
          },
        }).consumer,
    );

    // Baseline: a plain create loop per fresh cluster, the four clusters at once.
    const baselineApis = await Promise.all(
      BASELINES.map(name => adminCustomObjects(byName.get(name)!)),
    );
    const plainBefore = await snapshot(bed.clusters);
    const plainStart = performance.now();
    await Promise.all(
      baselineApis.map(async api => {
        for (const object of rendered) {
          await api.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            plural: 'serviceentries',
            namespace: object.metadata.namespace,
            body: object,
          });
        }
      }),
    );
    const plainMs = performance.now() - plainStart;
    const plainCalls = delta(plainBefore, await snapshot(bed.clusters));

    // Measured: reconcile passes until every request is active.
    const before = await snapshot(bed.clusters);
    const start = performance.now();
    const passes: ReconcileReport[] = [];
    let active = 0;
    while (passes.length < 5) {
      passes.push(await reconciler.reconcile());
      active = (
        await store.listRequests({ states: ['active'], limit: 1, offset: 0 })
      ).totalCount;
      if (active === exposures) break;
    }
    const crossmeshMs = performance.now() - start;
    const applierMs = applyEnd - (applyStart ?? applyEnd);
    const calls = delta(before, await snapshot(bed.clusters));

    const steadyBefore = await snapshot(bed.clusters);
    const steady = await reconciler.reconcile();
    const steadyCalls = delta(steadyBefore, await snapshot(bed.clusters));

    const created = await Promise.all(
      CONSUMERS.map(name => countServiceEntries(byName.get(name)!)),
    );

    const sum = (report: ReconcileReport[], field: 'reads' | 'writes') =>
      report.flatMap(p => p.clusters).reduce((a, c) => a + c[field], 0);
    const ratio = crossmeshMs / plainMs;
    const crossmeshServer = [...calls.values()].reduce(
      (a, c) => a + total(c),
      0,
    );
    const plainServer = [...plainCalls.values()].reduce(
      (a, c) => a + total(c),
      0,
    );
    const errors = passes
      .flatMap(p => [...p.clusters, ...p.dns])
      .filter(c => c.error)
      .map(c => `${c.cluster}: ${c.error!.slice(0, 300)}`);

    console.log(
      `${exposures} exposures x ${
        CONSUMERS.length
      } consumer clusters (legacy-global, Istio 1.6.8), ${
        rendered.length * CONSUMERS.length
      } ServiceEntries; node ${process.version}`,
    );
    console.log(
      `setup, not measured: ${exposures} approved requests inserted into SQLite in ${fmtMs(
        insertMs,
      )}`,
    );
    console.log('');
    console.log(
      '                                                  time   API calls (server-counted)',
    );
    console.log(
      `crossmesh reconcile, ${passes.length} pass(es) to all active ${fmtMs(
        crossmeshMs,
      )}   ${crossmeshServer} (applier: ${sum(passes, 'reads')} reads + ${sum(
        passes,
        'writes',
      )} writes)`,
    );
    console.log(
      `  of which the applier (all clusters at once)  ${fmtMs(applierMs)}`,
    );
    console.log(
      `plain createNamespacedCustomObject loop      ${fmtMs(
        plainMs,
      )}   ${plainServer}`,
    );
    console.log(
      `ratio crossmesh/plain: ${ratio.toFixed(
        2,
      )}x (target <= ${TARGET_RATIO}x)`,
    );
    console.log('');
    console.log('crossmesh calls per cluster, counted by the API servers:');
    for (const c of ['cluster-0', ...CONSUMERS]) {
      console.log(
        `  ${c}: ${total(calls.get(c))} = ${describeCounts(calls.get(c))}`,
      );
    }
    console.log(
      `active: ${active}/${exposures}; managed ServiceEntries per consumer: ${created.join(
        ', ',
      )}; transitions: ${passes.reduce(
        (a, p) => a + p.transitions.length,
        0,
      )}; dns: ${JSON.stringify(passes[0].dns)}`,
    );
    if (errors.length > 0) {
      console.log(`errors:\n  ${errors.join('\n  ')}`);
    }
    console.log('');
    console.log(
      'steady-state pass        writes  reads   (applier counts | server-counted)',
    );
    for (const c of steady.clusters) {
      const server = steadyCalls.get(c.cluster);
      const serverWrites = [...(server ?? new Map())]
        .filter(([k]) => isWrite(k))
        .reduce((a, [, v]) => a + v, 0);
      console.log(
        `  ${c.cluster.padEnd(22)} ${String(c.writes).padStart(5)} ${String(
          c.reads,
        ).padStart(6)}   | ${serverWrites} writes, ${
          total(server) - serverWrites
        } reads: ${describeCounts(server)}`,
      );
    }
    const steadyWrites = steady.clusters.reduce((a, c) => a + c.writes, 0);
    console.log(
      `steady-state writes: ${steadyWrites} (target 0); dns changes: ${steady.dns.length}`,
    );

    const converged = exposures * CONSUMERS.length;
    reportRows([
      {
        benchmark: `${exposures} exposures x ${CONSUMERS.length} consumer clusters converged from empty`,
        figure: `${fmtMs(crossmeshMs).trim()}, ${(
          converged /
          (crossmeshMs / 1000)
        ).toFixed(0)} ServiceEntries/s, ${crossmeshServer} API calls`,
        baseline: `plain createNamespacedCustomObject loop: ${fmtMs(
          plainMs,
        ).trim()}, ${(converged / (plainMs / 1000)).toFixed(
          0,
        )}/s, ${plainServer} API calls`,
        ratio,
        target: `ratio <= ${TARGET_RATIO}`,
        pass: ratio <= TARGET_RATIO && active === exposures,
      },
      {
        benchmark: 'steady-state pass after convergence',
        figure: `${steadyWrites} writes`,
        baseline: 'none (absolute target)',
        ratio: null,
        target: '0 writes',
        pass: steadyWrites === 0,
      },
    ]);
    if (process.argv.includes('--check')) {
      const failures = [
        ratio > TARGET_RATIO &&
          `ratio ${ratio.toFixed(2)} exceeds ${TARGET_RATIO}`,
        steadyWrites > 0 && `steady-state pass wrote ${steadyWrites} times`,
        active !== exposures && `only ${active} of ${exposures} are active`,
      ].filter(Boolean);
      if (failures.length > 0) {
        console.error(`FAIL: ${failures.join('; ')}`);
        process.exitCode = 1;
      }
    }
  } finally {
    await knex.destroy();
    await bed.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
