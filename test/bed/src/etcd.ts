import http from 'node:http';
import path from 'node:path';
import { ManagedProcess, logTail, startProcess } from './processes';

export interface EtcdOptions {
  binary: string;
  stateDir: string;
  clientPort: number;
  peerPort: number;
}

export interface Etcd {
  url: string;
  process: ManagedProcess;
}

export function etcdArgs({ stateDir, clientPort, peerPort }: EtcdOptions) {
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=crossmesh-test-bed',
    `--data-dir=${path.join(stateDir, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=crossmesh-test-bed=${peerUrl}`,
    // Throw-away data: skipping fsync is most of etcd's speed on a small machine.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

// node:http rather than fetch: Backstage's jest setup replaces fetch with one that refuses.
function isHealthy(url: string): Promise<boolean> {
  return new Promise(resolve => {
    const request = http.get(`${url}/health`, { agent: false }, response => {
      let body = '';
      response.on('data', chunk => (body += chunk));
      response.on('end', () => resolve(body.includes('"health":"true"')));
    });
    request.setTimeout(1000, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export async function startEtcd(
  options: EtcdOptions,
  timeoutMs = 30_000,
): Promise<Etcd> {
  const url = `http://127.0.0.1:${options.clientPort}`;
  const child = startProcess({
    name: 'etcd',
    command: options.binary,
    args: etcdArgs(options),
    logFile: path.join(options.stateDir, 'logs', 'etcd.log'),
    pidDir: path.join(options.stateDir, 'pids'),
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.hasExited()) {
      throw new Error(
        `etcd ${await child.exited} before becoming healthy. Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile)}`,
      );
    }
    if (await isHealthy(url)) {
      return { url, process: child };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `etcd at ${url} was not healthy after ${timeoutMs} ms. Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
