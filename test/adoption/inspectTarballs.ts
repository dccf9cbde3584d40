/*
 * Checks that each packed crossmesh package works from its tarball the way a published
 * package would: package.json's entry points (main, module, types, exports, typesVersions)
 * and configSchema point at files inside the tarball, every `files` entry matched
 * something, and no dependency still says `workspace:`. Writes `packages.json` (package
 * name -> tarball path) beside the tarballs for wireApp.ts.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/adoption/inspectTarballs.ts <tarball dir>
 *
 * Exits 1 naming every problem found.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface PackedPackageJson {
  name: string;
  version: string;
  main?: string;
  module?: string;
  types?: string;
  exports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
  configSchema?: string | object;
  backstage?: { role?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([condition]) => condition !== 'backstage')
      .flatMap(([, target]) => exportTargets(target));
  }
  return [];
}

function inspect(tarball: string) {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(entry => entry.replace(/^package\//, ''));
  const files = new Set(listing);
  const pkg: PackedPackageJson = JSON.parse(
    execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const problems: string[] = [];
  const mustExist = (field: string, target: string | undefined) => {
    if (target && !files.has(target.replace(/^\.\//, ''))) {
      problems.push(
        `${field} points at ${target}, which is not in the tarball`,
      );
    }
  };

  if (!pkg.main) {
    problems.push('package.json has no main');
  }
  mustExist('main', pkg.main);
  mustExist('module', pkg.module);
  mustExist('types', pkg.types);
  for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
    for (const target of exportTargets(value)) {
      mustExist(`exports["${subpath}"]`, target);
    }
  }
  for (const [subpath, targets] of Object.entries(
    pkg.typesVersions?.['*'] ?? {},
  )) {
    for (const target of targets) {
      mustExist(`typesVersions["${subpath}"]`, target);
    }
  }
  if (typeof pkg.configSchema === 'string') {
    mustExist('configSchema', pkg.configSchema);
  }
  for (const entry of pkg.files ?? []) {
    if (
      ![...files].some(file => file === entry || file.startsWith(`${entry}/`))
    ) {
      problems.push(`files lists ${entry}, but the tarball has nothing there`);
    }
  }
  if ([...files].some(file => file.startsWith('src/'))) {
    problems.push('the tarball ships src/; entry points must be built files');
  }
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (range.startsWith('workspace:')) {
        problems.push(`${field}.${name} is still ${range}`);
      }
    }
  }
  return { pkg, fileCount: files.size, problems };
}

function main() {
  const dir = resolve(process.argv[2] ?? '');
  const tarballs = readdirSync(dir).filter(file => file.endsWith('.tgz'));
  if (tarballs.length === 0) {
    console.error(`No .tgz files in ${dir}`);
    process.exit(1);
  }
  const index: Record<string, string> = {};
  let failed = false;
  for (const file of tarballs.sort()) {
    const tarball = join(dir, file);
    const { pkg, fileCount, problems } = inspect(tarball);
    index[pkg.name] = tarball;
    if (problems.length > 0) {
      failed = true;
      console.error(`${pkg.name} (${file}) would not work as published:`);
      for (const problem of problems) {
        console.error(`  - ${problem}`);
      }
    } else {
      console.log(
        `${pkg.name}@${pkg.version}: ${fileCount} files, main ${pkg.main}${
          pkg.exports ? `, exports ${Object.keys(pkg.exports).join(' ')}` : ''
        }${pkg.configSchema ? `, configSchema ${pkg.configSchema}` : ''}`,
      );
    }
  }
  writeFileSync(join(dir, 'packages.json'), JSON.stringify(index, null, 2));
  if (failed) {
    process.exit(1);
  }
}

main();
