import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A binary running in its own process group, tied to this Node process's life.
 *
 * @public
 */
export interface ManagedProcess {
  name: string;
  /** Also the process group id. */
  pid: number;
  logFile: string;
  /** Resolves with a description of how the process ended. */
  exited: Promise<string>;
  hasExited(): boolean;
}

/** @public */
export interface StartProcessOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  pidDir: string;
  /** Working directory; default this process's. */
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

// Runs from source only (never bundled), so the script sits beside this file.
// eslint-disable-next-line no-restricted-syntax
const lifelineScript = path.join(__dirname, 'lifeline.sh');

const running = new Set<ManagedProcess>();

/**
 * The Go binaries a bed runs (kube-apiserver, etcd, istiod, CoreDNS, Gitea, Flux) spend about
 * a third of their start-up CPU collecting garbage at Go's default GOGC=100, and test runs are
 * CPU-bound on two cores; a bed lives minutes, so they collect less often and use more memory.
 * A GOGC the caller sets wins.
 */
const goRuntime = { GOGC: process.env.GOGC ?? '400' };

let pdeathsigSupport: boolean | undefined;

/** How children die with their parent: setpriv --pdeathsig when present (Linux), else lifeline.sh watching stdin. */
export function lifelineMode(): 'pdeathsig' | 'stdin' {
  const forced = process.env.CROSSMESH_TEST_BED_LIFELINE;
  if (forced === 'pdeathsig' || forced === 'stdin') {
    return forced;
  }
  if (pdeathsigSupport === undefined) {
    try {
      const help = execFileSync('setpriv', ['--help'], { encoding: 'utf8' });
      pdeathsigSupport = help.includes('--pdeathsig');
    } catch {
      pdeathsigSupport = false;
    }
  }
  return pdeathsigSupport ? 'pdeathsig' : 'stdin';
}

function killGroup(pgid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

function killAllNow() {
  for (const child of running) {
    killGroup(child.pid, 'SIGKILL');
  }
}

let exitHooksInstalled = false;

function installExitHooks() {
  if (exitHooksInstalled) {
    return;
  }
  exitHooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllNow();
      // Listening for a signal cancels Node's default exit; restore it unless someone else handles it.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * Starts a command in its own process group, output to `logFile`, pid in `pidDir`. It dies
 * with this process however this one ends (see the README's "No orphans").
 *
 * @public
 */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  installExitHooks();
  const { name, command, args, logFile, pidDir, cwd } = options;
  const env = { ...process.env, ...goRuntime, ...options.env };
  fs.mkdirSync(pidDir, { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const mode = lifelineMode();
  const out = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child =
      mode === 'pdeathsig'
        ? spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args], {
            detached: true,
            stdio: ['ignore', out, out],
            cwd,
            env,
          })
        : spawn('sh', [lifelineScript, command, ...args], {
            detached: true,
            stdio: ['pipe', out, out],
            cwd,
            env,
          });
  } finally {
    fs.closeSync(out);
  }
  child.stdin?.on('error', () => {});
  if (child.pid === undefined) {
    throw new Error(`Could not start ${command}; see ${logFile}.`);
  }
  const pid = child.pid;
  const pidFile = path.join(pidDir, `${name}.pid`);
  fs.writeFileSync(pidFile, `${pid}\n`);
  let done = false;
  const managed: ManagedProcess = {
    name,
    pid,
    logFile,
    hasExited: () => done,
    exited: new Promise(resolve => {
      const finish = (how: string) => {
        if (done) {
          return;
        }
        done = true;
        running.delete(managed);
        // A child that died alone may leave helpers in its group.
        killGroup(pid, 'SIGKILL');
        fs.rmSync(pidFile, { force: true });
        resolve(how);
      };
      child.on('error', error => finish(`failed to start: ${error.message}`));
      child.on('exit', (code, signal) =>
        finish(signal ? `killed by ${signal}` : `exited with code ${code}`),
      );
    }),
  };
  running.add(managed);
  return managed;
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Signals the process group, and SIGKILLs it if it has not exited after graceMs.
 *
 * @public
 */
export async function stopProcess(
  child: ManagedProcess,
  {
    signal = 'SIGTERM',
    graceMs = 5000,
  }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  if (child.hasExited()) {
    return;
  }
  killGroup(child.pid, signal);
  if (signal !== 'SIGKILL') {
    await Promise.race([child.exited, sleep(graceMs)]);
    killGroup(child.pid, 'SIGKILL');
  }
  await child.exited;
}

/**
 * The last lines of a log, for error messages.
 *
 * @public
 */
export function logTail(file: string, lines = 20): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
