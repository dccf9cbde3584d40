/*
 * Benchmark: latency of listing exposure requests (`GET /api/crossmesh/exposures`, the first
 * page of 50, newest first, with its total count) with 10,000 requests stored, under 50
 * concurrent clients (autocannon), against the Backstage backend's own health route
 * (`/.backstage/health/v1/liveness`) on the same server in the same run.
 *
 * The server is a real Backstage backend (listingBackend.ts: real auth with a static
 * external-access token, the permission backend with crossmesh's policy, PostgreSQL from
 * scripts/postgres.sh) in a child process, so the client does not share its event loop.
 *
 * Run from the repository root (PostgreSQL running: scripts/postgres.sh start):
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/listing.bench.ts [--requests 10000] [--connections 50] [--seconds 15] [--check]
 * `--check` exits 1 when the listing's p99 exceeds 1 s or any request failed.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import knexFactory from 'knex';
import { DatabaseExposureStore } from '../../plugins/crossmesh-backend/src/exposure/store/DatabaseExposureStore';
import { reportRows } from './benchResult';

const ROOT = resolve(__dirname, '../..');
const P99_TARGET_MS = 1000;

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the backend exited with ${child.exitCode}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function waitForEntities(
  url: string,
  token: string,
  count: number,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const response = await fetch(url.replace('limit=50', 'limit=1'), {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.ok) {
      seen = (await response.json()).totalItems;
      if (seen >= count) return;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(
    `the catalog held ${seen} of ${count} entities after ${timeoutMs / 1000} s`,
  );
}

const STATES = ['pending', 'rejected', 'cancelled', 'revoked'] as const;

function storedRequest(i: number): ExposureRequest {
  const name = `svc-${i}`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const state = STATES[i % STATES.length];
  const decided = state !== 'pending';
  return {
    id: `bench-${i}`,
    entityRef: `component:default/${name}`,
    service: {
      name,
      namespace: `ns-${i % 50}`,
      ports: [{ name: 'http', number: 8000 }],
    },
    sourceCluster: `cluster-${i % 4}`,
    consumerClusters: [`cluster-${(i + 1) % 4}`, `cluster-${(i + 2) % 4}`],
    consumerNamespaces: [],
    reason: `benchmark request ${i}`,
    endDate: null,
    state,
    host: `${name}.ns-${i % 50}.global`,
    vip: null,
    requestedBy: `user:default/user-${i % 20}`,
    requestedAt: at,
    decidedBy: decided ? 'user:default/carol' : null,
    decidedAt: decided ? at : null,
    decisionComment: null,
    clusters: [],
    updatedAt: at,
  };
}

interface Load {
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function autocannon(
  url: string,
  token: string,
  connections: number,
  seconds: number,
): Load {
  const bin = require.resolve('autocannon/autocannon.js');
  const out = execFileSync(
    process.execPath,
    [
      bin,
      '--json',
      '--connections',
      String(connections),
      '--duration',
      String(seconds),
      '--headers',
      `Authorization=Bearer ${token}`,
      url,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const result = JSON.parse(out);
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main() {
  const stored = argValue('--requests', 10_000);
  const connections = argValue('--connections', 50);
  const seconds = argValue('--seconds', 15);
  // A CPU profile of the backend (written when it exits), to see where a request goes.
  const profileIndex = process.argv.indexOf('--profile');
  const profileDir =
    profileIndex >= 0 ? resolve(process.argv[profileIndex + 1]) : undefined;
  const pgUrl = execFileSync(join(ROOT, 'scripts/postgres.sh'), ['start'], {
    encoding: 'utf8',
  }).trim();
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  const token = randomBytes(24).toString('base64url');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-listing-'));
  const configFile = join(dir, 'app-config.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'pg', connection: pgUrl, prefix },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'listing-bench' } },
          ],
        },
      },
      permission: { enabled: true },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [{ type: 'config', clusters: [] }],
      },
      crossmesh: { reconcileIntervalSeconds: 3600 },
    }),
  );

  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      join(__dirname, 'listingBackend.ts'),
      '--config',
      configFile,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        CROSSMESH_BENCH_ENTITIES: String(stored),
      },
    },
  );
  let childErr = '';
  child.stderr!.on('data', d => {
    childErr = (childErr + d).slice(-4000);
  });
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      `${base}/.backstage/health/v1/readiness`,
      child,
      120_000,
    ).catch(e => {
      throw new Error(`${e.message}\n${childErr}`);
    });
    // The plugin's database exists once the plugin has started and migrated.
    const list = `${base}/api/crossmesh/exposures`;
    const probe = await fetch(list, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!probe.ok) {
      throw new Error(`GET ${list}: ${probe.status} ${await probe.text()}`);
    }

    const pluginDb = knexFactory({
      client: 'pg',
      connection: `${pgUrl.replace(/\/[^/]*$/, '')}/${prefix}crossmesh`,
      pool: { min: 1, max: 8 },
    });
    try {
      const store = new DatabaseExposureStore(pluginDb);
      const t0 = Date.now();
      const batch = 8;
      for (let i = 0; i < stored; i += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, stored - i) }, (_, k) =>
            store.insertRequest(storedRequest(i + k)),
          ),
        );
      }
      log(
        `stored ${stored} requests in ${((Date.now() - t0) / 1000).toFixed(
          1,
        )} s`,
      );
    } finally {
      await pluginDb.destroy();
    }

    const check = await (
      await fetch(list, { headers: { Authorization: `Bearer ${token}` } })
    ).json();
    if (check.totalCount !== stored || check.items.length !== 50) {
      throw new Error(
        `expected ${stored} stored and a page of 50, got ${check.totalCount} and ${check.items.length}`,
      );
    }

    // The catalog's own paged listing, over as many entities, is the fair peer.
    const catalogList = `${base}/api/catalog/entities/by-query?limit=50`;
    const t1 = Date.now();
    await waitForEntities(catalogList, token, stored, 600_000);
    log(
      `the catalog holds ${stored} entities after ${(
        (Date.now() - t1) /
        1000
      ).toFixed(1)} s`,
    );

    const health = `${base}/.backstage/health/v1/liveness`;
    log('warming up (3 s each)');
    autocannon(list, token, connections, 3);
    autocannon(catalogList, token, connections, 3);
    autocannon(health, token, connections, 3);
    log(`measuring ${seconds} s each, ${connections} connections`);
    const listing = autocannon(list, token, connections, seconds);
    const catalog = autocannon(catalogList, token, connections, seconds);
    const baseline = autocannon(health, token, connections, seconds);

    const ratio = listing.p99 / baseline.p99;
    console.log(
      `${stored} stored requests, ${connections} concurrent clients, ${seconds} s each (node ${process.version}, PostgreSQL)`,
    );
    console.log(
      '                                       p50      p99    req/s   requests  non-2xx  errors',
    );
    const row = (name: string, l: Load) =>
      console.log(
        `${name.padEnd(36)} ${`${l.p50} ms`.padStart(
          7,
        )} ${`${l.p99} ms`.padStart(8)} ${l.rps
          .toFixed(0)
          .padStart(8)} ${String(l.requests).padStart(10)} ${String(
          l.non2xx,
        ).padStart(8)} ${String(l.errors).padStart(7)}`,
      );
    row('GET /api/crossmesh/exposures (50)', listing);
    row('GET /api/catalog/entities/by-query (50)', catalog);
    row('GET /.backstage/health/v1/liveness', baseline);
    const catalogRatio = listing.p99 / catalog.p99;
    console.log(
      `ratio p99 listing/catalog: ${catalogRatio.toFixed(2)}x (target <= 1.0x)`,
    );
    console.log(
      `ratio p99 listing/health: ${ratio.toFixed(2)}x; p50: ${(
        listing.p50 / Math.max(baseline.p50, 1)
      ).toFixed(2)}x`,
    );

    const pass =
      listing.p99 <= P99_TARGET_MS &&
      listing.non2xx === 0 &&
      listing.errors === 0 &&
      baseline.non2xx === 0;
    reportRows([
      {
        benchmark: `GET /exposures?limit=50 at ${stored.toLocaleString(
          'en',
        )} stored, ${connections} clients, against the catalog`,
        figure: `p50 ${listing.p50} ms, p99 ${
          listing.p99
        } ms, ${listing.rps.toFixed(0)} req/s`,
        baseline: `catalog /entities/by-query?limit=50 at ${stored.toLocaleString(
          'en',
        )} entities: p50 ${catalog.p50} ms, p99 ${
          catalog.p99
        } ms, ${catalog.rps.toFixed(0)} req/s`,
        ratio: catalogRatio,
        target: 'p99 <= 1.0x the catalog',
        pass: catalogRatio <= 1 && catalog.non2xx === 0,
      },
      {
        benchmark: `list requests at ${stored.toLocaleString(
          'en',
        )} stored, ${connections} clients`,
        figure: `p50 ${listing.p50} ms, p99 ${
          listing.p99
        } ms, ${listing.rps.toFixed(0)} req/s`,
        baseline: `health route: p50 ${baseline.p50} ms, p99 ${
          baseline.p99
        } ms, ${baseline.rps.toFixed(0)} req/s`,
        ratio,
        target: `p99 <= ${P99_TARGET_MS} ms, no errors`,
        pass,
      },
    ]);
    if (process.argv.includes('--check') && !pass) {
      console.error(
        `FAIL: p99 ${listing.p99} ms (target ${P99_TARGET_MS}), ${listing.non2xx} non-2xx, ${listing.errors} errors`,
      );
      process.exitCode = 1;
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise(r => child.once('exit', r)).catch(() => undefined);
    await admin
      .raw(`DROP DATABASE IF EXISTS "${prefix}crossmesh"`)
      .catch(() => undefined);
    await admin.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
