import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The CoreDNS release the real-parser tests build and run. */
export const COREDNS_VERSION = 'v1.11.3';

/**
 * Path of a CoreDNS binary, built once by build-coredns.sh from the Go module
 * proxy and cached under ~/.cache/crossmesh. Rejects with the script's own
 * message (e.g. that Go is missing) when it cannot be had.
 */
export async function corednsBinary(): Promise<string> {
  try {
    const { stdout } = await run(
      join(__dirname, 'build-coredns.sh'),
      [COREDNS_VERSION],
      { maxBuffer: 1 << 20, timeout: 15 * 60_000 },
    );
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `Cannot get CoreDNS ${COREDNS_VERSION} for the real-parser tests ` +
        `(scripts/setup.sh --for-tests builds it): ${
          err.stderr?.trim() || err.message
        }`,
    );
  }
}

/**
 * The tokens CoreDNS's own Corefile lexer (github.com/coredns/caddy/caddyfile, at the
 * version COREDNS_VERSION requires) reads from `corefile`, from a small Go program built
 * once by build-corefile-lexer.sh.
 */
export async function corednsTokens(
  corefile: string,
): Promise<Array<{ text: string; line: number }>> {
  let binary: string;
  try {
    const { stdout } = await run(
      join(__dirname, 'build-corefile-lexer.sh'),
      [COREDNS_VERSION],
      { maxBuffer: 1 << 20, timeout: 15 * 60_000 },
    );
    binary = stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `Cannot get CoreDNS ${COREDNS_VERSION}'s Corefile lexer ` +
        `(scripts/setup.sh --for-tests builds it): ${
          err.stderr?.trim() || err.message
        }`,
    );
  }
  return new Promise((resolve, reject) => {
    const child = execFile(binary, [], (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} failed: ${stderr || error}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin!.end(corefile);
  });
}

/**
 * Runs CoreDNS on `corefile` in a scratch directory (no Kubernetes
 * credentials in its environment) until it exits, prints `readyWhen`, or
 * `ms` pass; returns everything it printed.
 */
export async function runCoredns(
  binary: string,
  corefile: string,
  options: { readyWhen?: RegExp; ms?: number } = {},
): Promise<{ output: string; exited: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-corefile-'));
  try {
    writeFileSync(join(dir, 'Corefile'), corefile);
    const env = { ...process.env };
    delete env.KUBERNETES_SERVICE_HOST;
    delete env.KUBERNETES_SERVICE_PORT;
    const child = spawn(binary, ['-conf', 'Corefile'], { cwd: dir, env });
    let output = '';
    return await new Promise(resolve => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const finish = (exited: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!exited) child.kill('SIGTERM');
        resolve({ output, exited });
      };
      timer = setTimeout(() => finish(false), options.ms ?? 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (options.readyWhen?.test(output)) finish(false);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => finish(true));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
