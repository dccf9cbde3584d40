import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  KubeConnection,
  adminConnection,
  expectOk,
  kubeRequest,
} from '../kubeRequest';
import { ManagedProcess, startProcess, stopProcess } from '../processes';
import { freePorts } from '../ports';
import { apply } from '../seedCluster';
import type { TestCluster } from '../types';
import { BedNetwork, BedNode } from './BedNetwork';
import { ClusterDns } from './clusterDns';
import { DataPlaneBinaries } from './dataPlaneBinaries';
import { IngressGateway } from './IngressGateway';
import { IstioProxy } from './IstioProxy';
import {
  BedWorkload,
  podName,
  runningPodStatus,
  workloadManifests,
} from './workloads';

const run = promisify(execFile);

// Runs from source only (never bundled), so the apps sit beside this file.
// eslint-disable-next-line no-restricted-syntax
const appsDir = path.join(__dirname, 'apps');

/** What a command run in a node printed, and how it ended. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One request of a load, as the load generator recorded it. */
export interface LoadRecord {
  index: number;
  at: number;
  ms: number;
  status?: number;
  error?: string;
  answer?: any;
}

/** A bounded load running in a node. */
export interface RunningLoad {
  /** Asks it to stop (it stops by itself at its time limit) and waits for the requests in flight. */
  stop(): Promise<LoadRecord[]>;
  /** What it has recorded so far. */
  records(): LoadRecord[];
}

/** A running workload of the data plane. */
export interface RunningWorkload {
  workload: BedWorkload;
  node: BedNode;
  proxy?: IstioProxy;
  app?: ManagedProcess;
  /** Where an `echo` workload logs each request it answered. */
  requestLog?: string;
}

function readJsonLines(file: string): any[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line));
}

function describeWorkload(w: {
  cluster: string;
  namespace: string;
  name: string;
}) {
  return `${w.cluster}/${w.namespace}/${w.name}`;
}

/**
 * The bed's data plane: a network of its own, and per cluster a DNS server, an ingress gateway
 * behind a load balancer, and workloads with Istio sidecars, each in a node of its own.
 */
export class DataPlane {
  private readonly dns = new Map<string, ClusterDns>();
  private readonly gateways = new Map<string, IngressGateway>();
  private readonly workloads: RunningWorkload[] = [];

  constructor(
    readonly network: BedNetwork,
    private readonly clusters: TestCluster[],
    private readonly binaries: DataPlaneBinaries,
    private readonly dirs: { stateDir: string; logDir: string; pidDir: string },
    private readonly proxyEnv: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  private cluster(name: string): TestCluster {
    const cluster = this.clusters.find(c => c.name === name);
    if (!cluster?.istiod) {
      throw new Error(
        `The data plane needs cluster ${name} to run istiod; start the bed with istiod for it.`,
      );
    }
    return cluster;
  }

  private admin(cluster: TestCluster): KubeConnection {
    return adminConnection(cluster);
  }

  private discoveryAddress(cluster: TestCluster) {
    return `${this.network.hostAddress}:${cluster
      .istiod!.caAddress.split(':')
      .pop()}`;
  }

  private resolvConf(cluster: string, namespace: string) {
    const dns = this.dns.get(cluster)!;
    return `nameserver ${dns.placement.address}\nsearch ${namespace}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`;
  }

  private proxyFor(
    cluster: TestCluster,
    node: BedNode,
    pod: {
      type: 'sidecar' | 'router';
      namespace: string;
      serviceAccount: string;
      podName: string;
      labels: Record<string, string>;
    },
  ): IstioProxy {
    const workDir = path.join(this.network.workDir, node.netns);
    return new IstioProxy(
      {
        ...pod,
        cluster: cluster.name,
        node,
        discoveryAddress: this.discoveryAddress(cluster),
        pilotAgent: this.binaries.pilotAgent,
        envoy: this.binaries.envoy,
        bootstrapTemplate: this.binaries.bootstrapTemplate,
        workDir,
        logDir: this.dirs.logDir,
        pidDir: this.dirs.pidDir,
        env: this.proxyEnv,
      },
      this.admin(cluster),
    );
  }

  /** Starts DNS and the ingress gateway of a cluster; its Service reports the load balancer. */
  async startCluster(name: string): Promise<void> {
    const cluster = this.cluster(name);
    const admin = this.admin(cluster);
    const [upstreamPort] = await freePorts(1);
    const dns = new ClusterDns(
      name,
      {
        address: await this.network.addHostAddress(),
        kubeconfigPath: cluster.kubeconfigPath,
        kubeconfigContext: name,
        upstreamPort,
      },
      this.binaries.coredns,
      admin,
      {
        workDir: path.join(this.dirs.stateDir, 'clusters', name, 'coredns'),
        ...this.dirs,
      },
    );
    await dns.start();
    this.dns.set(name, dns);

    const lbAddress = await this.network.addHostAddress();
    const gateway = new IngressGateway(
      name,
      lbAddress,
      admin,
      async index => {
        const node = await this.network.addNode(
          `${name}-gw${index}`,
          this.resolvConf(name, 'istio-system'),
        );
        const proxy = this.proxyFor(cluster, node, {
          type: 'router',
          namespace: 'istio-system',
          serviceAccount: 'istio-ingressgateway-service-account',
          podName: `istio-ingressgateway-${index}`,
          labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
        });
        await proxy.prepare();
        await proxy.start();
        return { node, proxy };
      },
      async (pod, signal) => {
        await pod.proxy.stop(signal);
        await this.network.removeNode(pod.node);
      },
      this.log,
    );
    await gateway.start();
    this.gateways.set(name, gateway);
    await this.reportGatewayAddress(name, lbAddress);
    this.log(
      `${name}: DNS at ${dns.placement.address}, ingress gateway load balancer at ${lbAddress}`,
    );
  }

  /**
   * Writes the address the cluster's istio-ingressgateway Service reports, as a cloud's load
   * balancer controller would (a test can point it elsewhere, e.g. at an impostor).
   */
  async reportGatewayAddress(
    clusterName: string,
    address: string,
  ): Promise<void> {
    const cluster = this.cluster(clusterName);
    expectOk(
      await kubeRequest(
        this.admin(cluster),
        '/api/v1/namespaces/istio-system/services/istio-ingressgateway/status',
        {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { status: { loadBalancer: { ingress: [{ ip: address }] } } },
        },
      ),
      `Reporting the ingress gateway's load balancer of ${clusterName}`,
    );
    cluster.gatewayAddress = address;
  }

  /** Creates a workload's objects, its node, its sidecar and its app; resolves once its Envoy is ready. */
  async addWorkload(workload: BedWorkload): Promise<RunningWorkload> {
    const cluster = this.cluster(workload.cluster);
    if (!this.dns.has(cluster.name)) {
      throw new Error(`The data plane does not run cluster ${cluster.name}.`);
    }
    const admin = this.admin(cluster);
    const node = await this.network.addNode(
      `${cluster.name}-${workload.name}`,
      this.resolvConf(cluster.name, workload.namespace),
    );
    for (const manifest of workloadManifests(workload, node.address)) {
      await apply(admin, manifest);
    }
    expectOk(
      await kubeRequest(
        admin,
        `/api/v1/namespaces/${workload.namespace}/pods/${podName(
          workload,
        )}/status`,
        {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: runningPodStatus(node.address),
        },
      ),
      `Reporting pod ${podName(workload)} running`,
    );
    const running: RunningWorkload = { workload, node };
    if (workload.app === 'echo') {
      running.requestLog = path.join(
        this.dirs.logDir,
        `requests-${cluster.name}-${workload.name}.jsonl`,
      );
      running.app = startProcess({
        name: `app-${cluster.name}-${workload.name}`,
        command: 'ip',
        args: [
          'netns',
          'exec',
          node.netns,
          process.execPath,
          '--no-warnings',
          path.join(appsDir, 'echo.ts'),
          String(workload.ports[0].port),
          running.requestLog,
          workload.name,
          workload.namespace,
          cluster.name,
        ],
        logFile: path.join(
          this.dirs.logDir,
          `app-${cluster.name}-${workload.name}.log`,
        ),
        pidDir: this.dirs.pidDir,
      });
    }
    if (workload.sidecar !== false) {
      running.proxy = this.proxyFor(cluster, node, {
        type: 'sidecar',
        namespace: workload.namespace,
        serviceAccount: workload.name,
        podName: podName(workload),
        labels: { app: workload.name, 'security.istio.io/tlsMode': 'istio' },
      });
      await running.proxy.prepare();
      await running.proxy.start();
    }
    this.workloads.push(running);
    this.log(
      `${describeWorkload({ ...workload, cluster: cluster.name })}: pod at ${
        node.address
      }${running.proxy ? ' with its sidecar ready' : ''}`,
    );
    return running;
  }

  /** A workload that runs, by cluster, namespace and name. */
  workload(cluster: string, namespace: string, name: string): RunningWorkload {
    const found = this.workloads.find(
      w =>
        w.workload.cluster === cluster &&
        w.workload.namespace === namespace &&
        w.workload.name === name,
    );
    if (!found) {
      throw new Error(
        `No workload ${describeWorkload({
          cluster,
          namespace,
          name,
        })} in the data plane; it runs ${this.workloads
          .map(w => describeWorkload(w.workload))
          .join(', ')}.`,
      );
    }
    return found;
  }

  gateway(cluster: string): IngressGateway {
    const gateway = this.gateways.get(cluster);
    if (!gateway)
      throw new Error(`The data plane runs no gateway for cluster ${cluster}.`);
    return gateway;
  }

  /** Runs a command in a node (a workload's: as `kubectl exec` into its app container would). */
  async exec(
    target: { node: BedNode },
    command: string,
    args: string[],
    timeoutMs = 30_000,
  ): Promise<ExecResult> {
    try {
      const { stdout, stderr } = await run(
        'ip',
        ['netns', 'exec', target.node.netns, command, ...args],
        {
          timeout: timeoutMs,
          maxBuffer: 64 << 20,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as {
        code?: number;
        stdout?: string;
        stderr?: string;
      };
      return {
        code: typeof failed.code === 'number' ? failed.code : -1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? String(error),
      };
    }
  }

  /** Starts a long-running command in a node (tied to this process like every bed process). */
  spawn(
    target: { node: BedNode },
    name: string,
    command: string,
    args: string[],
  ): ManagedProcess {
    return startProcess({
      name: `${name}-${target.node.netns}`,
      command: 'ip',
      args: ['netns', 'exec', target.node.netns, command, ...args],
      logFile: path.join(this.dirs.logDir, `${name}-${target.node.netns}.log`),
      pidDir: this.dirs.pidDir,
    });
  }

  /** GET on the Envoy admin of a node's proxy (it listens on the node's loopback only). */
  async envoyAdmin(
    target: { node: BedNode },
    adminPath: string,
  ): Promise<string> {
    const result = await this.exec(target, 'curl', [
      '-sS',
      '--max-time',
      '5',
      `http://127.0.0.1:15000${adminPath}`,
    ]);
    if (result.code !== 0) {
      throw new Error(
        `Envoy admin ${adminPath} in node ${target.node.netns}: ${result.stderr}`,
      );
    }
    return result.stdout;
  }

  /** Starts a bounded load from a workload's node: `rate` GETs per second for at most `maxSeconds`. */
  startLoad(
    from: RunningWorkload,
    url: string,
    options: { rate: number; maxSeconds: number },
  ): RunningLoad {
    const out = path.join(
      this.dirs.logDir,
      `load-${from.node.netns}-${Date.now()}.jsonl`,
    );
    const child = startProcess({
      name: `load-${from.node.netns}`,
      command: 'ip',
      args: [
        'netns',
        'exec',
        from.node.netns,
        process.execPath,
        '--no-warnings',
        path.join(appsDir, 'load.ts'),
        url,
        String(options.rate),
        String(options.maxSeconds),
        out,
      ],
      logFile: `${out}.log`,
      pidDir: this.dirs.pidDir,
    });
    const records = () =>
      readJsonLines(out).filter(r => !r.done) as LoadRecord[];
    return {
      records,
      async stop() {
        await stopProcess(child, { signal: 'SIGTERM', graceMs: 20_000 });
        return records();
      },
    };
  }

  /** Every request an `echo` workload answered, oldest first. */
  requestsSeenBy(target: RunningWorkload): any[] {
    if (!target.requestLog)
      throw new Error(
        `${describeWorkload(target.workload)} is not an echo workload.`,
      );
    return readJsonLines(target.requestLog);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workloads.map(async w => {
        await w.proxy?.stop('SIGKILL');
        if (w.app) await stopProcess(w.app, { signal: 'SIGKILL' });
      }),
    );
    await Promise.all([...this.gateways.values()].map(g => g.close()));
    await Promise.all([...this.dns.values()].map(d => d.stop()));
    await this.network.remove();
  }
}
