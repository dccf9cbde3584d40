/*
 * Benchmark: the latency crossmesh's cross-cluster path adds, through real Envoys in the test
 * bed's data plane, against a direct request to svc-2 in the same run (p50, p99, ratio). The
 * measurement sets the mesh up through crossmesh's HTTP API with the backend's test kit, so it
 * runs under jest: plugins/crossmesh-backend/src/istioInTheLoop/crossClusterLatency.envoy.bench.ts.
 * Needs root (network namespaces) and the data plane's binaries (scripts/setup.sh --for-tests).
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/crossClusterLatency.bench.ts [--seconds 30] [--check]
 * `--check` exits 1 when a request failed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

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
    '**/crossClusterLatency.envoy.bench.ts',
  ],
  {
    cwd: resolve(ROOT, 'plugins/crossmesh-backend'),
    stdio: 'inherit',
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
process.exitCode = process.argv.includes('--check') ? run.status ?? 1 : 0;
