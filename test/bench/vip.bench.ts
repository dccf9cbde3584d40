/*
 * Benchmark: allocating 1,000,000 VIPs from 240.0.0.0/4, one after another, each for its own
 * host, with every earlier one in use: crossmesh's allocator (a start point hashed from the
 * host, stepping past addresses in use, skipping Istio's 240.240.0.0/16) against the
 * simplest correct allocator, a counter handing out the next address, in the same run.
 * Checks that no address is handed out twice and that every address is allocatable.
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/vip.bench.ts [--vips 1000000] [--check]
 * `--check` exits 1 on any collision or an address outside the range.
 */
import { performance } from 'node:perf_hooks';
import {
  allocateMany,
  isAllocatableVipValue,
} from '../../plugins/crossmesh-backend/src/exposure/vip';
import { fmtMs, reportRows } from './benchResult';

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** The baseline: 240.0.0.1, 240.0.0.2, ... kept in a set as crossmesh keeps its own. */
function counterAllocate(n: number): number[] {
  const inUse = new Set<number>();
  const values: number[] = [];
  let next = 0xf0000001;
  for (let i = 0; i < n; i++) {
    while (inUse.has(next)) next++;
    inUse.add(next);
    values.push(next);
  }
  return values;
}

function main() {
  const n = argValue('--vips', 1_000_000);
  const baselineStart = performance.now();
  const baseline = counterAllocate(n);
  const baselineMs = performance.now() - baselineStart;

  const start = performance.now();
  const { values, probes } = allocateMany(n, 'svc-');
  const crossmeshMs = performance.now() - start;

  const distinct = new Set(values).size;
  const collisions = values.length - distinct;
  const outside = values.filter(v => !isAllocatableVipValue(v)).length;
  const ratio = crossmeshMs / baselineMs;
  const { heapUsed } = process.memoryUsage();

  console.log(`${n.toLocaleString('en')} VIPs, node ${process.version}`);
  console.log(
    `crossmesh allocateVip (hashed start, step past in-use)  ${fmtMs(
      crossmeshMs,
    )}  (${probes.toLocaleString('en')} in-use addresses stepped over)`,
  );
  console.log(
    `counter baseline (next free address)                    ${fmtMs(
      baselineMs,
    )}  (${baseline.length.toLocaleString('en')} addresses)`,
  );
  console.log(
    `collisions: ${collisions}; outside 240.0.0.0/4 or in 240.240.0.0/16: ${outside}; ratio crossmesh/counter: ${ratio.toFixed(
      2,
    )}x; heap used after: ${(heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );

  const pass = collisions === 0 && outside === 0 && distinct === n;
  reportRows([
    {
      benchmark: `VIP allocation, ${n.toLocaleString('en')} addresses`,
      figure: `${fmtMs(crossmeshMs)}, collisions: ${collisions}`,
      baseline: `next-free counter: ${fmtMs(baselineMs)}`,
      ratio,
      target: 'collisions: 0',
      pass,
    },
  ]);
  if (process.argv.includes('--check') && !pass) {
    console.error(
      `FAIL: ${collisions} collisions, ${outside} addresses outside the range`,
    );
    process.exitCode = 1;
  }
}

main();
