import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** test/bed */
// The bed only ever runs from source (never bundled), so __dirname is reliable here.
// eslint-disable-next-line no-restricted-syntax
export const packageDir = path.resolve(__dirname, '..');

/** The monorepo root. */
export const repoRoot = path.resolve(packageDir, '..', '..');

/** The shared read-only files (Istio CRDs, fixtures); in CI a copy of shared/ sits beside the clone. */
export function sharedDir(): string {
  const dir =
    process.env.CROSSMESH_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
  if (!fs.existsSync(dir)) {
    throw new Error(
      `The shared files directory ${dir} does not exist. Put a copy of shared/ beside the repository, or set CROSSMESH_SHARED_DIR to its path.`,
    );
  }
  return dir;
}

export function sharedFile(...segments: string[]): string {
  const file = path.join(sharedDir(), ...segments);
  if (!fs.existsSync(file)) {
    throw new Error(
      `${file} is missing from the shared files directory (set CROSSMESH_SHARED_DIR if it lives elsewhere).`,
    );
  }
  return file;
}

/**
 * Runs one of the bed's build scripts (instant once its output is cached) and returns the
 * directory it printed last; on failure, says what it was to provide, the end of its
 * output, and `remedy`.
 */
export async function runBuildScript(
  script: string,
  what: string,
  remedy: string,
): Promise<string> {
  const file = path.join(packageDir, script);
  try {
    const { stdout } = await promisify(execFile)('bash', [file], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    throw new Error(
      `${file} failed to provide ${what}: ${
        (error as { stderr?: string }).stderr
          ?.trim()
          .split('\n')
          .slice(-20)
          .join('\n') || String(error)
      }\n${remedy}`,
    );
  }
}

export interface Binaries {
  kubeApiserver: string;
  etcd: string;
}

let binariesPromise: Promise<Binaries> | undefined;

/** Runs build-binaries.sh (instant once cached) and returns the kube-apiserver and etcd paths. */
export function findBinaries(): Promise<Binaries> {
  binariesPromise ??= (async () => {
    const script = 'build-binaries.sh';
    const dir = await runBuildScript(
      script,
      'kube-apiserver and etcd',
      'Install Go to build them, or set KUBEBUILDER_ASSETS to a directory holding both binaries.',
    );
    const binaries = {
      kubeApiserver: path.join(dir, 'kube-apiserver'),
      etcd: path.join(dir, 'etcd'),
    };
    for (const file of Object.values(binaries)) {
      if (!fs.existsSync(file)) {
        throw new Error(
          `${script} printed ${dir}, but ${file} is not there. Check KUBEBUILDER_ASSETS / TEST_ASSET_KUBE_APISERVER / TEST_ASSET_ETCD.`,
        );
      }
    }
    return binaries;
  })();
  binariesPromise.catch(() => {
    binariesPromise = undefined;
  });
  return binariesPromise;
}
