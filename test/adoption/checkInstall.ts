/*
 * After `yarn install` in the fresh app: every @backstage and @crossmesh package must resolve
 * to one version. Two copies of a package that defines API or service refs (a frontend
 * plugin's ApiRef, crossmeshServiceRef, Backstage's core services) make them different
 * objects, which breaks the app at runtime in ways that are hard to trace.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/adoption/checkInstall.ts <app dir>
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

function resolvedVersions(lockfile: string): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  const entry =
    /^"?((?:@backstage|@crossmesh)\/[^@"]+)@[^\n]*:\n {2}version: ([^\n]+)$/gm;
  for (const [, name, version] of lockfile.matchAll(entry)) {
    const seen = versions.get(name) ?? new Set<string>();
    seen.add(version);
    versions.set(name, seen);
  }
  return versions;
}

function main() {
  const appDir = resolve(process.argv[2] ?? '');
  const versions = resolvedVersions(
    readFileSync(join(appDir, 'yarn.lock'), 'utf8'),
  );
  const crossmesh = [...versions.keys()].filter(name =>
    name.startsWith('@crossmesh/'),
  );
  const duplicated = [...versions].filter(([, seen]) => seen.size > 1);
  if (crossmesh.length === 0) {
    console.error('yarn.lock resolves no @crossmesh package');
    process.exit(1);
  }
  if (duplicated.length > 0) {
    console.error('Packages installed in more than one version:');
    for (const [name, seen] of duplicated) {
      console.error(`  - ${name}: ${[...seen].join(', ')}`);
    }
    process.exit(1);
  }
  console.log(
    `one version each of ${
      versions.size
    } @backstage and @crossmesh packages (${crossmesh.join(', ')})`,
  );
}

main();
