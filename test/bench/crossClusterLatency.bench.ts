/*
 * Benchmark: the latency crossmesh's cross-cluster path adds, through real Envoys in the test
 * bed's data plane, against a direct request to svc-2 in the same run (p50, p99, ratio). The
 * measurement sets the mesh up through crossmesh's HTTP API with the backend's test kit, so it
 * runs under jest: plugins/crossmesh-backend/src/istioInTheLoop/crossClusterLatency.bench.envoy.test.ts,
 * which prints its row; this script passes it to the runner's table.
 * Needs root (network namespaces) and the data plane's binaries (scripts/setup.sh --for-tests).
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/crossClusterLatency.bench.ts [--seconds 30] [--check]
 * `--check` exits 1 when a request failed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { BenchRow, reportRows } from './benchResult';

const ROOT = resolve(__dirname, '../..');
const index = process.argv.indexOf('--seconds');
const run = spawnSync(
  'yarn',
  [
    'backstage-cli',
    'package',
    'test',
    '--runInBand',
    '--testMatch',
    '**/crossClusterLatency.bench.envoy.test.ts',
  ],
  {
    cwd: resolve(ROOT, 'plugins/crossmesh-backend'),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: {
      ...process.env,
      CI: 'true',
      NODE_OPTIONS: `--experimental-vm-modules ${
        process.env.NODE_OPTIONS ?? ''
      }`,
      ...(index >= 0
        ? { CROSSMESH_LATENCY_SECONDS: process.argv[index + 1] }
        : {}),
    },
  },
);
process.stdout.write(run.stdout ?? '');
const rows: BenchRow[] = (run.stdout ?? '')
  .split('\n')
  .filter(line => line.startsWith('CROSSMESH_BENCH_ROW '))
  .map(line => JSON.parse(line.slice('CROSSMESH_BENCH_ROW '.length)));
reportRows(rows);
process.exitCode =
  process.argv.includes('--check') && (run.status !== 0 || rows.length === 0)
    ? 1
    : 0;
