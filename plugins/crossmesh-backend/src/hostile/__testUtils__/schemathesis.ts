import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The schemathesis release install-schemathesis.sh installs and the fuzz test runs. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * The `schemathesis` command scripts/setup.sh --for-tests installed: $CROSSMESH_SCHEMATHESIS,
 * else the venv in the crossmesh cache; undefined when neither is there.
 */
export function findSchemathesis(): string | undefined {
  const fromEnv = process.env.CROSSMESH_SCHEMATHESIS;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const cache =
    process.env.CROSSMESH_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'crossmesh');
  const venv = join(cache, `schemathesis-${SCHEMATHESIS_VERSION}`);
  return existsSync(join(venv, '.installed'))
    ? join(venv, 'bin', 'schemathesis')
    : undefined;
}

export const MISSING_SCHEMATHESIS = `schemathesis ${SCHEMATHESIS_VERSION} is not installed: run "source scripts/setup.sh --for-tests" (it installs schemathesis from PyPI into a venv under ~/.cache/crossmesh), or set CROSSMESH_SCHEMATHESIS to a schemathesis command`;

export interface FuzzRunOptions {
  binary: string;
  specPath: string;
  baseUrl: string;
  /** Sent with every request, e.g. `Authorization: Bearer ...`. */
  headers: Record<string, string>;
  mode: 'positive' | 'negative';
  maxExamplesPerOperation: number;
  seed: number;
  /** Fixed values for named parameters (path, query), e.g. a request id that exists. */
  parameters?: Record<string, string>;
  checks: string[];
  timeoutMs: number;
}

/** One request that failed a check, as schemathesis reported it. */
export interface FuzzFailure {
  operation: string;
  check: string;
  message: string;
  curl?: string;
}

export interface FuzzRunResult {
  exitCode: number | null;
  /** The test cases schemathesis sent, over every operation and phase (from its NDJSON report). */
  casesTried: number;
  /** The count schemathesis printed in its summary ("Test cases: N generated"), to cross-check. */
  casesReported?: number;
  /** Operations schemathesis tested, `METHOD /path`. */
  operations: string[];
  failures: FuzzFailure[];
  /** Errors that are not check failures (schema problems, connection errors). */
  errors: string[];
  output: string;
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** Runs `schemathesis run` against the spec and reads its NDJSON event stream. */
export async function runSchemathesis(
  options: FuzzRunOptions,
): Promise<FuzzRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-fuzz-'));
  const config = join(dir, 'schemathesis.toml');
  const parameters = Object.entries(options.parameters ?? {}).map(
    ([name, value]) => `${tomlString(name)} = ${tomlString(value)}`,
  );
  writeFileSync(
    config,
    parameters.length ? `[parameters]\n${parameters.join('\n')}\n` : '',
  );
  const events = join(dir, 'events.ndjson');
  const args = [
    '--config-file',
    config,
    '--no-color',
    'run',
    options.specPath,
    '--url',
    options.baseUrl,
    '--mode',
    options.mode,
    '--checks',
    options.checks.join(','),
    '--max-examples',
    String(options.maxExamplesPerOperation),
    '--seed',
    String(options.seed),
    '--phases',
    'examples,coverage,fuzzing',
    '--workers',
    '1',
    '--continue-on-failure',
    '--no-shrink',
    '--generation-database',
    'none',
    '--generation-with-security-parameters',
    'false',
    '--request-timeout',
    '30',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    events,
    '--warnings',
    'off',
    ...Object.entries(options.headers).flatMap(([name, value]) => [
      '--header',
      `${name}: ${value}`,
    ]),
  ];

  const output = await new Promise<{ code: number | null; text: string }>(
    (resolve, reject) => {
      const child = spawn(options.binary, args, {
        cwd: dir,
        env: { ...process.env, SCHEMATHESIS_HOOKS: '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', chunk => (text += chunk));
      child.stderr.on('data', chunk => (text += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.on('error', reject);
      child.on('close', code => {
        clearTimeout(timer);
        resolve({ code, text });
      });
    },
  );
  try {
    return {
      exitCode: output.code,
      output: output.text,
      casesReported: Number(
        /Test cases:\s+(\d+) generated/.exec(output.text)?.[1] ?? NaN,
      ),
      ...readEvents(existsSync(events) ? readFileSync(events, 'utf8') : ''),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bodies in the report are `{"$base64": ...}` or text. */
function decode(body: unknown): string {
  if (body && typeof body === 'object' && '$base64' in body) {
    return Buffer.from(String((body as any).$base64), 'base64')
      .toString('utf8')
      .slice(0, 500);
  }
  return body === undefined ? '' : String(body).slice(0, 500);
}

/** Counts cases and collects failures from schemathesis' NDJSON report. */
export function readEvents(
  ndjson: string,
): Pick<FuzzRunResult, 'casesTried' | 'operations' | 'failures' | 'errors'> {
  let casesTried = 0;
  const operations = new Set<string>();
  const failures: FuzzFailure[] = [];
  const errors: string[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line);
    const [type] = Object.keys(event);
    const body = event[type];
    if (type === 'ScenarioFinished') {
      const recorder = body.recorder ?? {};
      const label: string = recorder.label ?? body.label ?? '';
      if (label) operations.add(label);
      casesTried += Object.keys(recorder.cases ?? {}).length;
      for (const [caseId, checks] of Object.entries<any>(
        recorder.checks ?? {},
      )) {
        for (const check of checks) {
          if (String(check.status).toLowerCase() === 'failure') {
            const interaction = recorder.interactions?.[caseId];
            failures.push({
              operation: label,
              check: check.name,
              message: JSON.stringify(check.failure_info ?? check),
              curl: interaction
                ? `${interaction.request?.method} ${
                    interaction.request?.uri
                  } ${decode(interaction.request?.body)} -> ${
                    interaction.response?.status_code
                  } ${decode(interaction.response?.content)}`
                : undefined,
            });
          }
        }
      }
    } else if (type === 'NonFatalError' || type === 'FatalError') {
      errors.push(JSON.stringify(body).slice(0, 2000));
    }
  }
  return { casesTried, operations: [...operations].sort(), failures, errors };
}
