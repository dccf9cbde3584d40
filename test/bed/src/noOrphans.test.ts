import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, waitFor } from './__testUtils__/liveness';

jest.setTimeout(120_000);

const cli = path.join(__dirname, 'cli.ts');

describe.each([
  ['pdeathsig', []],
  ['stdin', []],
  // istiod is one more child, tied to the parent the same way.
  ['pdeathsig', ['--istiod-clusters', 'orphan-1']],
])(
  'a bed whose parent is SIGKILLed (lifeline %s %j)',
  (lifeline, extraArgs) => {
    const stateDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'crossmesh-orphans-'),
    );
    afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

    it('leaves no etcd, kube-apiserver or istiod behind', async () => {
      const child = spawn(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          cli,
          'start',
          '--clusters',
          'orphan-1,orphan-2',
          '--state-dir',
          stateDir,
          ...extraArgs,
        ],
        {
          env: { ...process.env, CROSSMESH_TEST_BED_LIFELINE: lifeline },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', chunk => (output += chunk));
      child.stderr.on('data', chunk => (output += chunk));
      const ready = await waitFor(
        () => output.includes('test bed ready'),
        60_000,
      );
      if (!ready) {
        child.kill('SIGKILL');
        throw new Error(`The bed did not start:\n${output}`);
      }

      const pidDir = path.join(stateDir, 'pids');
      const pids = fs
        .readdirSync(pidDir)
        .map(file => Number(fs.readFileSync(path.join(pidDir, file), 'utf8')));
      expect(pids).toHaveLength(3 + (extraArgs.length ? 1 : 0));
      expect(pids.every(isAlive)).toBe(true);

      child.kill('SIGKILL');
      // Each pid is also its process group: nothing in those groups may survive.
      const gone = await waitFor(
        () => pids.every(pid => !isAlive(pid) && !isAlive(-pid)),
        5000,
      );
      expect(pids.filter(pid => isAlive(pid) || isAlive(-pid))).toEqual([]);
      expect(gone).toBe(true);
    });
  },
);
