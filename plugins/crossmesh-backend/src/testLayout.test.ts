import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Where tests and their helpers live (docs/adr/0031): one test-backend kit, shared helpers
 * in src/__testUtils__, a feature's own helpers in its __testUtils__ and used by nobody
 * else's, and every test that starts the backend named *.api.test.ts, so CI runs it in a
 * random order.
 */
const SRC = __dirname;

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return allFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const rel = (path: string) => relative(SRC, path).split(sep).join('/');

function relativeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/from '(\.[^']*)'/g)].map(m =>
    resolve(dirname(file), m[1]),
  );
}

/** The feature folder a test helper belongs to: `hostile`, `exposure/adoption`, or '' (shared). */
function helperOwner(path: string): string | undefined {
  const at = rel(path).split('/').indexOf('__testUtils__');
  return at < 0 ? undefined : rel(path).split('/').slice(0, at).join('/');
}

/** Starts the backend plugin itself, not through a fixture. */
const STARTS_BACKEND = /\bstart(CrossmeshTestBackend|HostileBackend)\(/;
/** Suites of their own step and order (real istiod, real Envoys): scenarios, kept in order. */
const ISTIO_SUITES = /\.(istiod|envoy)\.test\.ts$/;

describe('the test layout', () => {
  // This file names the patterns it looks for; it is not one of the files it checks.
  const files = allFiles(SRC).filter(f => f !== __filename);

  it('starts the backend plugin in one place only, the test-backend kit', () => {
    const starters = files
      .filter(f => /\bstartTestBackend\(/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(starters).toEqual(['__testUtils__/testBackend.ts']);
  });

  it('names every test that starts the backend *.api.test.ts, so CI runs it in a random order', () => {
    const misnamed = files
      .filter(f => /\.test\.ts$/.test(f) && !ISTIO_SUITES.test(f))
      .filter(f => STARTS_BACKEND.test(readFileSync(f, 'utf8')))
      .filter(f => !/\.api\.test\.ts$/.test(f))
      .map(rel);
    expect(misnamed).toEqual([]);
  });

  it("keeps each feature's test helpers to that feature", () => {
    const crossing = files.flatMap(file =>
      relativeImports(file)
        .filter(target => {
          const owner = helperOwner(target);
          if (owner === undefined || owner === '') return false;
          const importer = rel(file);
          return importer !== owner && !importer.startsWith(`${owner}/`);
        })
        .map(target => `${rel(file)} imports ${rel(target)}`),
    );
    expect(crossing).toEqual([]);
  });

  it('keeps test helpers out of production code', () => {
    const production = files.filter(
      f =>
        !/\.test\.tsx?$/.test(f) &&
        helperOwner(f) === undefined &&
        !rel(f).startsWith('setupTests'),
    );
    const leaks = production.flatMap(file =>
      relativeImports(file)
        .filter(target => helperOwner(target) !== undefined)
        .map(target => `${rel(file)} imports ${rel(target)}`),
    );
    expect(leaks).toEqual([]);
  });

  it('tells whose helper a file is, and what starts the backend', () => {
    expect(helperOwner(join(SRC, 'hostile/__testUtils__/meshInUse.ts'))).toBe(
      'hostile',
    );
    expect(helperOwner(join(SRC, '__testUtils__/testBackend.ts'))).toBe('');
    expect(helperOwner(join(SRC, 'hostile/attacks.api.test.ts'))).toBe(
      undefined,
    );
    expect(
      STARTS_BACKEND.test('await startHostileBackend({ databases })'),
    ).toBe(true);
    expect(STARTS_BACKEND.test('let api: HostileBackend;')).toBe(false);
  });
});
