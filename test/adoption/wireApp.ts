/*
 * Installs crossmesh into an app fresh from `@backstage/create-app`, following the
 * published packages' READMEs: each `yarn --cwd packages/<app|backend> add <package>` they
 * give becomes a dependency on that package's tarball, and each
 * `backend.add(import('<package>'))` they give goes into packages/backend/src/index.ts.
 * It also removes each `backend.add(import('<package>'))` a README's `diff` block takes out
 * (the allow-all policy that crossmesh's policy replaces). The frontend plugin needs no code:
 * the app's `app.packages: all` discovers it.
 *
 * It also pins the app to the Backstage release it was made for (every @backstage package to
 * the version create-app wrote, plus this repository's resolutions for the ones it pulls in
 * through them) and seeds its yarn.lock with this repository's, as create-app seeds its own.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs test/adoption/wireApp.ts <app dir> <tarball dir>
 *
 * Exits 1 with what in the READMEs or the app does not fit.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import {
  InstallInstructions,
  readInstallInstructions,
} from './readmeInstructions';

const ROOT = resolve(__dirname, '../..');

/** The published packages, and the app workspace their README must install them into. */
const PUBLISHED: Record<string, 'app' | 'backend' | 'library'> = {
  'plugins/crossmesh': 'app',
  'plugins/crossmesh-backend': 'backend',
  'plugins/scaffolder-backend-module-crossmesh': 'backend',
  'plugins/catalog-backend-module-crossmesh': 'backend',
  'plugins/crossmesh-common': 'library',
  'plugins/crossmesh-node': 'library',
  'plugins/permission-backend-module-crossmesh-policy': 'backend',
};

type PackageJson = {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  resolutions?: Record<string, string>;
};

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file: string, value: unknown) =>
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

class Problems {
  readonly list: string[] = [];
  add(problem: string) {
    this.list.push(problem);
  }
}

function readReadmes(problems: Problems): InstallInstructions[] {
  return Object.entries(PUBLISHED).map(([dir, workspace]) => {
    const readme = join(dir, 'README.md');
    const { name } = readJson<PackageJson>(join(ROOT, dir, 'package.json'));
    const instructions = readInstallInstructions(
      readme,
      readFileSync(join(ROOT, readme), 'utf8'),
    );
    if (
      workspace !== 'library' &&
      !instructions.add[workspace].includes(name)
    ) {
      problems.add(
        `${readme} does not say \`yarn --cwd packages/${workspace} add ${name}\``,
      );
    }
    if (
      workspace === 'backend' &&
      !instructions.backendFeatures.includes(name)
    ) {
      problems.add(`${readme} does not say \`backend.add(import('${name}'))\``);
    }
    return instructions;
  });
}

/** `^1.2.3` -> `1.2.3`: create-app writes the release's versions as caret ranges. */
function releasePins(appDir: string): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const file of [
    'package.json',
    'packages/app/package.json',
    'packages/backend/package.json',
  ]) {
    const pkg = readJson<PackageJson>(join(appDir, file));
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, range] of Object.entries(deps ?? {})) {
        const version = /^\^?(\d+\.\d+\.\d+)$/.exec(range)?.[1];
        if (name.startsWith('@backstage/') && version) {
          pins[name] = version;
        }
      }
    }
  }
  return pins;
}

function main() {
  const appDir = resolve(process.argv[2] ?? '');
  const tarballs = readJson<Record<string, string>>(
    join(resolve(process.argv[3] ?? ''), 'packages.json'),
  );
  const problems = new Problems();
  const instructions = readReadmes(problems);

  const workspaces = {
    app: readJson<PackageJson>(join(appDir, 'packages/app/package.json')),
    backend: readJson<PackageJson>(
      join(appDir, 'packages/backend/package.json'),
    ),
  };
  for (const { readme, add } of instructions) {
    for (const workspace of ['app', 'backend'] as const) {
      for (const name of add[workspace]) {
        if (tarballs[name]) {
          workspaces[workspace].dependencies![name] = `file:${tarballs[name]}`;
        } else if (!workspaces[workspace].dependencies?.[name]) {
          problems.add(
            `${readme} adds ${name} to packages/${workspace}, which is neither a crossmesh package nor in a fresh app`,
          );
        }
      }
    }
  }

  const backendIndex = join(appDir, 'packages/backend/src/index.ts');
  let backendSource = readFileSync(backendIndex, 'utf8');
  const registered = (name: string) =>
    new RegExp(`backend\\.add\\(\\s*import\\(\\s*'${name}'`).test(
      backendSource,
    );
  const toRegister: string[] = [];
  for (const { readme, backendFeatures } of instructions) {
    for (const name of backendFeatures) {
      if (registered(name) || toRegister.includes(name)) {
        continue;
      }
      if (!name.startsWith('@crossmesh/')) {
        problems.add(
          `${readme} expects backend.add(import('${name}')), which a fresh app does not have; the README should say how to install it`,
        );
      } else if (!workspaces.backend.dependencies?.[name]) {
        problems.add(
          `${readme} registers ${name} in the backend, but no README adds it to packages/backend`,
        );
      } else {
        toRegister.push(name);
      }
    }
  }
  const toRemove = instructions.flatMap(({ readme, removedBackendFeatures }) =>
    removedBackendFeatures.map(name => ({ readme, name })),
  );
  for (const { readme, name } of toRemove) {
    if (!registered(name)) {
      problems.add(
        `${readme} says to remove backend.add(import('${name}')), which a fresh app does not have`,
      );
    }
  }
  if (!backendSource.includes('backend.start();')) {
    problems.add(`${backendIndex} has no backend.start(); to register before`);
  }

  const appConfig = yaml.load(
    readFileSync(join(appDir, 'app-config.yaml'), 'utf8'),
  ) as { app?: { packages?: unknown } };
  if (appConfig.app?.packages !== 'all') {
    problems.add(
      'the fresh app-config.yaml has no `app.packages: all`, so the frontend plugin would need wiring in App.tsx',
    );
  }

  if (problems.list.length > 0) {
    console.error('Cannot install crossmesh as its READMEs say:');
    for (const problem of problems.list) {
      console.error(`  - ${problem}`);
    }
    process.exit(1);
  }

  writeJson(join(appDir, 'packages/app/package.json'), workspaces.app);
  writeJson(join(appDir, 'packages/backend/package.json'), workspaces.backend);
  backendSource = backendSource.replace(
    'backend.start();',
    `// crossmesh, as its READMEs say\n${toRegister
      .map(name => `backend.add(import('${name}'));\n`)
      .join('')}\nbackend.start();`,
  );
  for (const { name } of toRemove) {
    backendSource = backendSource.replace(
      new RegExp(
        `backend\\.add\\(\\s*import\\(\\s*'${name}'\\s*\\)\\s*,?\\s*\\);?\\n?`,
      ),
      `// removed as crossmesh's READMEs say: ${name}\n`,
    );
  }
  writeFileSync(backendIndex, backendSource);

  const rootFile = join(appDir, 'package.json');
  const root = readJson<PackageJson>(rootFile);
  const repo = readJson<PackageJson>(join(ROOT, 'package.json'));
  const crossmesh = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
  );
  root.resolutions = {
    ...root.resolutions,
    ...releasePins(appDir),
    ...repo.resolutions,
    ...crossmesh,
  };
  writeJson(rootFile, root);
  copyFileSync(join(ROOT, 'yarn.lock'), join(appDir, 'yarn.lock'));

  for (const workspace of ['app', 'backend'] as const) {
    const added = Object.keys(workspaces[workspace].dependencies ?? {}).filter(
      name => name.startsWith('@crossmesh/'),
    );
    console.log(`packages/${workspace} depends on ${added.join(', ')}`);
  }
  console.log(
    `packages/backend/src/index.ts registers ${toRegister.join(
      ', ',
    )} and no longer ${toRemove.map(r => r.name).join(', ') || 'anything'}`,
  );
  console.log(
    `root resolutions: ${
      Object.keys(root.resolutions).length
    } entries (Backstage release pins, this repository's, and the crossmesh tarballs)`,
  );
}

main();
