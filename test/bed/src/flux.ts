import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { adminConnection } from './kubeRequest';
import { runBuildScript } from './paths';
import { freePorts } from './ports';
import {
  logTail,
  ManagedProcess,
  startProcess,
  stopProcess,
} from './processes';
import { apply, readYamlManifests, waitForCrds } from './seedCluster';
import type { TestCluster } from './types';

/**
 * Flux's source-controller and kustomize-controller, run out of cluster against one bed
 * cluster's API server (as its admin), in namespace `flux-system`, every listener on
 * loopback.
 *
 * @public
 */
export interface TestFlux {
  cluster: string;
  logFiles: string[];
  /**
   * Points Flux at `folder` of the Git repository `repositoryUrl` (its web address, without
   * `.git`): a GitRepository `mesh` and a pruning Kustomization `crossmesh` in `flux-system`,
   * both checked every second.
   */
  applyFolder(
    repositoryUrl: string,
    folder: string,
    branch?: string,
  ): Promise<void>;
  stop(): Promise<void>;
}

function fluxDir(): Promise<string> {
  return runBuildScript(
    'build-flux.sh',
    'Flux',
    'Install Go 1.26 to build it (scripts/setup.sh --for-tests does), or set CROSSMESH_FLUX_BIN.',
  );
}

function healthy(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const request = http.get(
      `http://127.0.0.1:${port}/healthz`,
      { agent: false, timeout: 1000 },
      response => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * Installs Flux's CRDs and namespace in `cluster` and starts both controllers in a new
 * folder `stateDir/flux-<cluster>-XXXXXX` (their logs are there); resolves once both answer
 * their health checks.
 *
 * @public
 */
export async function startFlux(
  cluster: TestCluster,
  stateDir: string,
): Promise<TestFlux> {
  const home = await fluxDir();
  const connection = adminConnection(cluster);
  const crds = fs
    .readdirSync(path.join(home, 'crds'))
    .filter(file => file.endsWith('.yaml'))
    .flatMap(file => readYamlManifests(path.join(home, 'crds', file)));
  for (const crd of crds) await apply(connection, crd);
  await apply(connection, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'flux-system' },
  });
  await waitForCrds(connection, crds);

  // A new folder each time: a leased bed's state dir may have served other tests' Flux.
  fs.mkdirSync(stateDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(stateDir, `flux-${cluster.name}-`));
  fs.mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  const [
    sourceHealth,
    sourceMetrics,
    storage,
    kustomizeHealth,
    kustomizeMetrics,
  ] = await freePorts(5);
  const env = {
    KUBECONFIG: cluster.kubeconfigPath,
    RUNTIME_NAMESPACE: 'flux-system',
  };
  const start = (name: string, args: string[]) =>
    startProcess({
      name: `${name}-${cluster.name}`,
      command: path.join(home, name),
      args: [
        '--enable-leader-election=false',
        '--log-level=info',
        '--log-encoding=console',
        ...args,
      ],
      cwd: dir,
      env,
      logFile: path.join(dir, `${name}.log`),
      pidDir: path.join(dir, 'pids'),
    });
  const children: ManagedProcess[] = [
    start('source-controller', [
      `--health-addr=127.0.0.1:${sourceHealth}`,
      `--metrics-addr=127.0.0.1:${sourceMetrics}`,
      `--storage-addr=127.0.0.1:${storage}`,
      `--storage-adv-addr=127.0.0.1:${storage}`,
      `--storage-path=${path.join(dir, 'artifacts')}`,
    ]),
    start('kustomize-controller', [
      `--health-addr=127.0.0.1:${kustomizeHealth}`,
      `--metrics-addr=127.0.0.1:${kustomizeMetrics}`,
    ]),
  ];
  const stop = async () => {
    await Promise.all(children.map(child => stopProcess(child)));
  };
  const deadline = Date.now() + 60_000;
  for (const [child, port] of [
    [children[0], sourceHealth],
    [children[1], kustomizeHealth],
  ] as const) {
    while (!(await healthy(port))) {
      if (child.hasExited() || Date.now() > deadline) {
        await stop();
        throw new Error(
          `${child.name} ${
            child.hasExited()
              ? await child.exited
              : 'was not healthy within 60 s'
          }. Last lines of ${child.logFile}:\n${logTail(child.logFile, 30)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
  return {
    cluster: cluster.name,
    logFiles: children.map(child => child.logFile),
    async applyFolder(repositoryUrl, folder, branch = 'main') {
      await apply(connection, {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'mesh', namespace: 'flux-system' },
        spec: {
          interval: '1s',
          url: `${repositoryUrl}.git`,
          ref: { branch },
        },
      });
      await apply(connection, {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'crossmesh', namespace: 'flux-system' },
        spec: {
          interval: '1s',
          sourceRef: { kind: 'GitRepository', name: 'mesh' },
          path: `./${folder}`,
          prune: true,
        },
      });
    },
    stop,
  };
}
