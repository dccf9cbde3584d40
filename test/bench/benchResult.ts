/*
 * One row of the table `test/bench/run.ts` prints. Each benchmark prints its own detail and,
 * when run by the runner (CROSSMESH_BENCH_RESULTS names a file), appends its rows there as
 * JSON lines.
 */
import { appendFileSync } from 'node:fs';

export interface BenchRow {
  /** What was measured, e.g. "VIP allocation, 1,000,000 addresses". */
  benchmark: string;
  /** crossmesh's figure in words, e.g. "2.1 s, 0 collisions". */
  figure: string;
  /** The baseline and its figure in words, e.g. "sequential counter: 0.4 s". */
  baseline: string;
  /** crossmesh / baseline; lower is better. Null when the row has no baseline ratio. */
  ratio: number | null;
  /** The target in words, e.g. "ratio <= 1.5". */
  target: string;
  pass: boolean;
}

export function reportRows(rows: BenchRow[]): void {
  const file = process.env.CROSSMESH_BENCH_RESULTS;
  if (!file) return;
  for (const row of rows) {
    appendFileSync(file, `${JSON.stringify(row)}\n`);
  }
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
