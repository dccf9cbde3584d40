import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, waitFor } from '../__testUtils__/liveness';

function ip(...args: string[]) {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

jest.setTimeout(180_000);

// Runs from source only, beside cli.ts.
// eslint-disable-next-line no-restricted-syntax
const cli = path.join(__dirname, '..', 'cli.ts');

/**
 * What a bed's data plane leaves in the kernel (network namespaces, veth pairs, a bridge) and on
 * disk (/etc/netns, its claim on a /24) outlives every process; the reaper removes it when the
 * bed's process dies, however it dies.
 */
describe.each(['pdeathsig', 'stdin'])(
  'a bed with a data plane whose parent is SIGKILLed (lifeline %s)',
  lifeline => {
    const stateDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'crossmesh-orphans-dp-'),
    );
    afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

    it('leaves no process, network namespace, link, /etc/netns folder or network claim behind', async () => {
      const child = spawn(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          cli,
          'start',
          '--clusters',
          'orphan-1',
          '--state-dir',
          stateDir,
          '--data-plane',
        ],
        {
          env: { ...process.env, CROSSMESH_TEST_BED_LIFELINE: lifeline },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', chunk => (output += chunk));
      child.stderr.on('data', chunk => (output += chunk));
      if (!(await waitFor(() => output.includes('test bed ready'), 120_000))) {
        child.kill('SIGKILL');
        throw new Error(`The bed did not start:\n${output}`);
      }
      const [, bridge, index] = output.match(/data plane network (cmbr(\d+))/)!;
      const namespaces = ip('netns', 'list')
        .split('\n')
        .map(line => line.split(' ')[0])
        .filter(name => name.startsWith(`cm${index}-`));
      const claim = `/run/crossmesh-test-bed/networks/${index}`;
      const pidDir = path.join(stateDir, 'pids');
      const pids = fs
        .readdirSync(pidDir)
        .map(file => Number(fs.readFileSync(path.join(pidDir, file), 'utf8')));
      // etcd, the apiserver, istiod, CoreDNS and the gateway's pilot-agent.
      expect(pids.length).toBeGreaterThanOrEqual(5);
      expect(namespaces).toEqual([`cm${index}-orphan-1-gw0`]);
      expect(ip('link', 'show', bridge)).toContain(bridge);
      expect(fs.existsSync(claim)).toBe(true);

      child.kill('SIGKILL');
      const leftOver = () => ({
        processes: pids.filter(pid => isAlive(pid) || isAlive(-pid)),
        namespaces: namespaces.filter(name =>
          ip('netns', 'list').includes(name),
        ),
        links: ip('-o', 'link', 'show')
          .split('\n')
          .filter(
            line => line.includes(`cm${index}v`) || line.includes(`${bridge}:`),
          ),
        etcNetns: namespaces.filter(name =>
          fs.existsSync(`/etc/netns/${name}`),
        ),
        claim: fs.existsSync(claim),
      });
      const clean = {
        processes: [],
        namespaces: [],
        links: [],
        etcNetns: [],
        claim: false,
      };
      await waitFor(
        () => JSON.stringify(leftOver()) === JSON.stringify(clean),
        15_000,
      );
      expect(leftOver()).toEqual(clean);
    });
  },
);
