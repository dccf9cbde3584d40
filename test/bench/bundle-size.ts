/*
 * Benchmark: what the crossmesh frontend plugin adds to the app's production bundle.
 * Builds packages/app twice in one run, once as configured (`app.packages: all` discovers
 * crossmesh) and once with `app.packages.exclude: [@crossmesh/backstage-plugin-crossmesh]`,
 * and compares the JavaScript and CSS in dist/static, raw and gzipped, in total and for what
 * index.html loads before the first render (the rest are lazy chunks).
 *
 * Run from the repository root:
 *   node --require @backstage/cli/config/nodeTransform.cjs test/bench/bundle-size.ts [--check]
 * Takes a few minutes (two production builds). The app's existing dist/ is moved aside and put
 * back afterwards, so do not run it while scripts/run-app.sh --served is building or serving.
 * `--check` exits 1 when crossmesh adds more than 5% to the gzipped total.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { reportRows } from './benchResult';

const ROOT = resolve(__dirname, '../..');
const APP = join(ROOT, 'packages/app');
const DIST = join(APP, 'dist');
const PLUGIN = '@crossmesh/backstage-plugin-crossmesh';
const TARGET_GZIP_SHARE = 0.05;

interface Sizes {
  files: number;
  raw: number;
  gzip: number;
}

interface BuildSizes {
  all: Sizes;
  initial: Sizes;
  seconds: number;
  /** Whether the plugin's package name appears in the bundle's discovered-features list. */
  containsPlugin: boolean;
}

function sizesOf(files: string[]): Sizes {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const content = readFileSync(file);
    raw += content.length;
    gzip += gzipSync(content).length;
  }
  return { files: files.length, raw, gzip };
}

/** Scripts and stylesheets index.html loads itself, before any lazy chunk. */
function initialAssets(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const names = [...html.matchAll(/(?:src|href)="[^"]*\/static\/([^"]+)"/g)]
    .map(match => match[1])
    .filter(name => /\.(js|css)$/.test(name));
  return [...new Set(names)].map(name => join(DIST, 'static', name));
}

function build(label: string, extraConfig?: string): BuildSizes {
  rmSync(DIST, { recursive: true, force: true });
  const configs = ['--config', join(ROOT, 'app-config.yaml')];
  if (extraConfig) configs.push('--config', extraConfig);
  process.stderr.write(`building the app ${label} ...\n`);
  const started = Date.now();
  const run = spawnSync(
    'yarn',
    ['backstage-cli', 'package', 'build', ...configs],
    { cwd: APP, encoding: 'utf8', env: process.env },
  );
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) {
    throw new Error(
      `The app build ${label} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  const staticDir = join(DIST, 'static');
  const assets = readdirSync(staticDir)
    .filter(name => /\.(js|css)$/.test(name))
    .map(name => join(staticDir, name));
  return {
    all: sizesOf(assets),
    initial: sizesOf(initialAssets()),
    seconds,
    containsPlugin: assets.some(file =>
      readFileSync(file, 'utf8').includes(`"${PLUGIN}"`),
    ),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const pct = (part: number, whole: number) =>
  `${((100 * part) / whole).toFixed(2)}%`;

function row(name: string, s: Sizes) {
  return `${name.padEnd(34)}${String(s.files).padStart(6)}${kib(s.raw).padStart(
    14,
  )}${kib(s.gzip).padStart(14)}`;
}

function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'crossmesh-bundle-'));
  const backup = `${DIST}.bench-backup-${process.pid}`;
  const hadDist = existsSync(DIST);
  if (hadDist) renameSync(DIST, backup);
  let withPlugin: BuildSizes;
  let without: BuildSizes;
  try {
    const excludeConfig = join(tmp, 'without-crossmesh.yaml');
    writeFileSync(
      excludeConfig,
      `app:\n  packages:\n    exclude:\n      - '${PLUGIN}'\n`,
    );
    without = build('without crossmesh (app.packages.exclude)', excludeConfig);
    withPlugin = build('with crossmesh (as configured)');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (hadDist) {
      rmSync(DIST, { recursive: true, force: true });
      renameSync(backup, DIST);
    }
  }
  if (!withPlugin.containsPlugin || without.containsPlugin) {
    throw new Error(
      `The two builds do not differ by crossmesh as intended: with=${withPlugin.containsPlugin}, without=${without.containsPlugin} (looked for "${PLUGIN}" in dist/static).`,
    );
  }

  const added = (key: 'all' | 'initial', unit: 'raw' | 'gzip') =>
    withPlugin[key][unit] - without[key][unit];
  console.log(
    `App production bundle (packages/app, dist/static *.js + *.css; gzip level 6), node ${process.version}`,
  );
  console.log(`${''.padEnd(34)} files           raw          gzip`);
  console.log(row('without crossmesh, all assets', without.all));
  console.log(row('with crossmesh, all assets', withPlugin.all));
  console.log(row('without crossmesh, initial load', without.initial));
  console.log(row('with crossmesh, initial load', withPlugin.initial));
  console.log(
    `crossmesh adds, all assets:    ${kib(added('all', 'raw'))} raw, ${kib(
      added('all', 'gzip'),
    )} gzip = ${pct(
      added('all', 'gzip'),
      withPlugin.all.gzip,
    )} of the gzipped total`,
  );
  console.log(
    `crossmesh adds, initial load:  ${kib(added('initial', 'raw'))} raw, ${kib(
      added('initial', 'gzip'),
    )} gzip = ${pct(
      added('initial', 'gzip'),
      withPlugin.initial.gzip,
    )} of what loads before the first render`,
  );
  const ratio = withPlugin.all.gzip / without.all.gzip;
  console.log(
    `ratio with/without (gzip, all assets): ${ratio.toFixed(
      3,
    )} (target: crossmesh <= ${TARGET_GZIP_SHARE * 100}% of the gzipped total)`,
  );
  console.log(
    `build times: ${without.seconds.toFixed(
      0,
    )} s without, ${withPlugin.seconds.toFixed(0)} s with`,
  );

  const share = added('all', 'gzip') / withPlugin.all.gzip;
  const pass = share <= TARGET_GZIP_SHARE;
  reportRows([
    {
      benchmark: 'Frontend bundle cost of crossmesh (production build)',
      figure: `+${kib(added('all', 'gzip'))} gzip (+${kib(
        added('all', 'raw'),
      )} raw), ${pct(added('all', 'gzip'), withPlugin.all.gzip)} of ${kib(
        withPlugin.all.gzip,
      )}; initial load +${kib(added('initial', 'gzip'))} gzip`,
      baseline: `same app without crossmesh: ${kib(without.all.gzip)} gzip`,
      ratio,
      target: `crossmesh <= ${TARGET_GZIP_SHARE * 100}% of gzip total`,
      pass,
    },
  ]);
  if (process.argv.includes('--check') && !pass) {
    process.exitCode = 1;
  }
}

main();
