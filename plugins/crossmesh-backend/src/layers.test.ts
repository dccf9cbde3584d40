import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The backend's modules from the bottom up (docs/architecture.md): a production file may
 * import its own module and the modules listed before it, never one listed after it. So
 * a store never reaches for the workflow, the reconciler never for the HTTP layer, and
 * the foundations never for a feature.
 */
const LAYERS = [
  'schema',
  'database',
  'pki',
  'audit',
  'clusters',
  'access',
  'exposure/vip',
  'exposure/lifecycle',
  'exposure/render',
  'exposure/dns',
  'exposure/meshConfig',
  'exposure/delivery',
  'trust/cluster',
  'exposure/store',
  'trust/store',
  'onboarding/membership',
  'remoteSecrets',
  'exposure/notify',
  'exposure/meshFacts',
  'exposure/reconcile',
  'exposure/workflow',
  'exposure/servicePorts',
  'exposure/adoption',
  'trust',
  'onboarding/preflight',
  'leastPrivilege',
  'secrecy',
  'onboarding',
  'service',
  '.',
];

const SRC = __dirname;

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '__testUtils__' || entry.name === 'generated'
        ? []
        : productionFiles(path);
    }
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** The most specific layer a file or import target belongs to. */
function layerOf(path: string): string {
  const rel = relative(SRC, path).split('\\').join('/');
  return (
    [...LAYERS]
      .filter(layer => layer !== '.')
      .sort((a, b) => b.length - a.length)
      .find(layer => rel === layer || rel.startsWith(`${layer}/`)) ?? '.'
  );
}

function relativeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/from '(\.[^']*)'/g)].map(m =>
    resolve(dirname(file), m[1]),
  );
}

describe('the backend layers', () => {
  const files = productionFiles(SRC);

  it('knows every module', () => {
    const unknown = files
      .map(f => relative(SRC, f))
      .filter(f => f.includes('/') && layerOf(join(SRC, f)) === '.');
    expect(unknown).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = files.flatMap(file =>
      relativeImports(file)
        .filter(
          target =>
            LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file)),
        )
        .map(
          target =>
            `${relative(SRC, file)} (${layerOf(file)}) imports ${relative(
              SRC,
              target,
            )} (${layerOf(target)})`,
        ),
    );
    expect(upward).toEqual([]);
  });

  it('catches an upward import', () => {
    expect(
      LAYERS.indexOf(layerOf(join(SRC, 'exposure/workflow/ExposureService'))),
    ).toBeGreaterThan(
      LAYERS.indexOf(layerOf(join(SRC, 'exposure/reconcile/plan'))),
    );
    expect(layerOf(join(SRC, 'trust/store/TrustStore'))).toBe('trust/store');
    expect(layerOf(join(SRC, 'trust/TrustContext'))).toBe('trust');
    expect(layerOf(join(SRC, 'plugin'))).toBe('.');
  });
});
