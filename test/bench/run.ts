/*
 * Runs every benchmark, one after another so they do not share the machine, and prints one
 * table: each row names its baseline, measured in the same run, and the ratio.
 *
 * Run from the repository root: `yarn bench` (all), or
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/run.ts [name ...]
 * Exits 1 when a benchmark fails or misses its target.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchRow } from './benchResult';

const ROOT = resolve(__dirname, '../..');
const TRANSFORM = ['--require', '@backstage/cli/config/nodeTransform.cjs'];

const BENCHMARKS: Record<string, string[]> = {
  pki: ['test/bench/pki-intermediate.bench.ts', '--check'],
  vip: ['test/bench/vip.bench.ts', '--check'],
  listing: ['test/bench/listing.bench.ts', '--check'],
  exposures: ['test/bench/exposures.bench.ts', '--check'],
  watch: ['test/bench/watch.bench.ts', '--check'],
  bundle: ['test/bench/bundle-size.ts', '--check'],
  latency: ['test/bench/crossClusterLatency.bench.ts', '--check'],
  gitops: ['test/bench/gitops.bench.ts', '--check'],
};

function main() {
  const wanted = process.argv.slice(2);
  const names = (wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)).filter(
    name => {
      if (!BENCHMARKS[name]) {
        console.error(
          `Unknown benchmark '${name}'; choose from ${Object.keys(
            BENCHMARKS,
          ).join(', ')}`,
        );
        process.exit(2);
      }
      return existsSync(join(ROOT, BENCHMARKS[name][0]));
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-bench-'));
  const resultsFile = join(dir, 'rows.jsonl');
  const failed: string[] = [];
  try {
    for (const name of names) {
      console.log(`\n=== ${name}: ${BENCHMARKS[name].join(' ')}`);
      const started = Date.now();
      const run = spawnSync(
        process.execPath,
        [...TRANSFORM, ...BENCHMARKS[name]],
        {
          cwd: ROOT,
          stdio: 'inherit',
          env: { ...process.env, CROSSMESH_BENCH_RESULTS: resultsFile },
        },
      );
      console.log(
        `=== ${name}: exit ${run.status ?? run.signal} after ${(
          (Date.now() - started) /
          1000
        ).toFixed(0)} s`,
      );
      if (run.status !== 0) failed.push(name);
    }
    const rows: BenchRow[] = existsSync(resultsFile)
      ? readFileSync(resultsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(line => JSON.parse(line))
      : [];
    printTable(rows);
    if (rows.some(r => !r.pass)) failed.push('a target was missed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed.length > 0) {
    console.error(`\nFAILED: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

function printTable(rows: BenchRow[]) {
  const header = [
    'benchmark',
    'crossmesh',
    'baseline (same run)',
    'ratio',
    'target',
    'ok',
  ];
  const cells = rows.map(r => [
    r.benchmark,
    r.figure,
    r.baseline,
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...cells.map(c => c[i].length)),
  );
  const line = (c: string[]) =>
    `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

main();
