import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Runs from source only (never bundled), so the script sits beside this file.
// eslint-disable-next-line no-restricted-syntax
const reaperScript = path.join(__dirname, 'reaper.sh');

/** Where beds claim their /24 of 198.18.0.0/15: one directory per claimed index. */
const claimsDir = '/run/crossmesh-test-bed/networks';
/** 198.18.0.0/15 holds 512 /24s. */
const networkCount = 512;

/** One "node" of the bed: a network namespace with one address on the bed's bridge. */
export interface BedNode {
  /** The network namespace's name (`ip netns exec <netns> ...`). */
  netns: string;
  address: string;
}

/** Runs `ip` (or another command) and says what failed, with its stderr. */
export async function sh(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || error}`);
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims a free /24 index (mkdir is atomic); reclaims one whose owner died without a reaper. */
function claimIndex(): { index: number; claim: string } {
  fs.mkdirSync(claimsDir, { recursive: true });
  const start = Math.floor(Math.random() * networkCount);
  for (let i = 0; i < networkCount; i++) {
    const index = (start + i) % networkCount;
    const claim = path.join(claimsDir, String(index));
    try {
      fs.mkdirSync(claim);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ownerFile = path.join(claim, 'owner');
      // No owner yet: another bed is setting it up.
      if (!fs.existsSync(ownerFile)) continue;
      if (isAlive(Number(fs.readFileSync(ownerFile, 'utf8')))) continue;
      // Its reaper died before cleaning up (a reboot empties /run anyway): clean up now.
      spawnSync('sh', [reaperScript, path.join(claim, 'manifest')], {
        input: '',
      });
      fs.rmSync(claim, { recursive: true, force: true });
      continue;
    }
    return { index, claim };
  }
  throw new Error(
    `All ${networkCount} test-bed networks in 198.18.0.0/15 are claimed (see ${claimsDir}); stop other beds first.`,
  );
}

/**
 * A bed's own network: a Linux bridge in this (root) network namespace with a /24 of the
 * benchmarking range 198.18.0.0/15, and nodes (network namespaces) on it through veth pairs.
 * The host side holds addresses too (istiod, CoreDNS and load balancers listen there); the
 * host does not forward, so nothing sent in the bed leaves it. Every object is listed in a
 * manifest that a reaper process (reaper.sh) removes when the bed stops or its process dies.
 */
export class BedNetwork {
  private nextHost = 1;
  private nextNode = 100;
  private readonly reaper: ChildProcess;

  private constructor(
    readonly index: number,
    readonly bridge: string,
    private readonly manifest: string,
    readonly workDir: string,
  ) {
    this.reaper = spawn('sh', [reaperScript, manifest], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    this.reaper.stdin?.on('error', () => {});
    this.reaper.unref();
    fs.writeFileSync(
      path.join(path.dirname(manifest), 'owner'),
      `${this.reaper.pid}`,
    );
  }

  /** Claims a /24, creates the bridge and starts the reaper. Needs root (CAP_NET_ADMIN). */
  static async create(): Promise<BedNetwork> {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'The bed’s data plane makes network namespaces and veth pairs, which needs root (CAP_NET_ADMIN); run the tests as root or leave dataPlane off.',
      );
    }
    const { index, claim } = claimIndex();
    // Envoy runs with the proxy's group and reads its working files, so they live where
    // every user can traverse (os.tmpdir()), not under a 0700 state dir.
    const workDir = fs.mkdtempSync(
      path.join(os.tmpdir(), `crossmesh-net${index}-`),
    );
    fs.chmodSync(workDir, 0o755);
    const manifest = path.join(claim, 'manifest');
    fs.writeFileSync(manifest, `dir ${workDir}\ndir ${claim}\n`);
    const network = new BedNetwork(index, `cmbr${index}`, manifest, workDir);
    try {
      network.record('link', network.bridge);
      // A bridge takes the lowest MAC of its ports unless given one: removing a node's veth
      // would change it under the nodes' ARP caches, and their frames to the host would be lost.
      const mac = `02:00:c6:12:${(index >> 8).toString(16).padStart(2, '0')}:${(
        index & 0xff
      )
        .toString(16)
        .padStart(2, '0')}`;
      await sh('ip', [
        'link',
        'add',
        network.bridge,
        'address',
        mac,
        'type',
        'bridge',
      ]);
      await sh('ip', [
        'addr',
        'add',
        `${network.hostAddress}/24`,
        'dev',
        network.bridge,
      ]);
      await sh('ip', ['link', 'set', network.bridge, 'up']);
    } catch (error) {
      await network.remove();
      throw error;
    }
    return network;
  }

  private get prefix() {
    return `198.${18 + Math.floor(this.index / 256)}.${this.index % 256}`;
  }

  /** The host's first address on the bridge: istiod listens here. */
  get hostAddress() {
    return `${this.prefix}.1`;
  }

  /** Another address of the host on the bridge (a cluster's DNS, a load balancer). */
  async addHostAddress(): Promise<string> {
    this.nextHost += 1;
    if (this.nextHost >= 100)
      throw new Error('Out of host addresses on the bed network.');
    const address = `${this.prefix}.${this.nextHost}`;
    await sh('ip', ['addr', 'add', `${address}/32`, 'dev', this.bridge]);
    return address;
  }

  /**
   * A new node: network namespace `cm<index>-<name>`, its `eth0` on the bridge, loopback up and
   * a default route to the host (which drops what it would have to forward). `resolvConf` becomes
   * its /etc/resolv.conf under `ip netns exec`.
   */
  async addNode(name: string, resolvConf?: string): Promise<BedNode> {
    const netns = `cm${this.index}-${name}`;
    const hostSide = `cm${this.index}v${this.nextNode}`;
    if (this.nextNode >= 255)
      throw new Error('Out of node addresses on the bed network.');
    const address = `${this.prefix}.${this.nextNode++}`;
    this.record('netns', netns);
    this.record('link', hostSide);
    await sh('ip', ['netns', 'add', netns]);
    if (resolvConf !== undefined) {
      fs.mkdirSync(`/etc/netns/${netns}`, { recursive: true });
      fs.writeFileSync(`/etc/netns/${netns}/resolv.conf`, resolvConf);
    }
    await sh('ip', [
      'link',
      'add',
      hostSide,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      netns,
    ]);
    await sh('ip', ['link', 'set', hostSide, 'master', this.bridge]);
    await sh('ip', ['link', 'set', hostSide, 'up']);
    const inNode = (...args: string[]) =>
      sh('ip', ['netns', 'exec', netns, ...args]);
    await inNode('ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    await inNode('ip', 'link', 'set', 'eth0', 'up');
    await inNode('ip', 'link', 'set', 'lo', 'up');
    await inNode('ip', 'route', 'add', 'default', 'via', this.hostAddress);
    return { netns, address };
  }

  /** Removes a node (its processes must have stopped): the namespace and its veth pair. */
  async removeNode(node: BedNode): Promise<void> {
    for (const pid of (
      await sh('ip', ['netns', 'pids', node.netns]).catch(() => '')
    )
      .split(/\s+/)
      .filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sh('ip', ['netns', 'delete', node.netns]).catch(() => undefined);
    fs.rmSync(`/etc/netns/${node.netns}`, { recursive: true, force: true });
  }

  /** Removes everything (the reaper does it, so a crash and a stop take the same path). */
  async remove(): Promise<void> {
    const exited = new Promise(resolve => {
      if (this.reaper.exitCode !== null || this.reaper.signalCode !== null)
        resolve(undefined);
      else this.reaper.once('exit', resolve);
    });
    this.reaper.stdin?.end();
    await exited;
  }

  private record(kind: 'netns' | 'link' | 'dir', name: string) {
    fs.appendFileSync(this.manifest, `${kind} ${name}\n`);
  }
}
