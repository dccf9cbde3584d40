import fs from 'node:fs';
import path from 'node:path';
import { KubeConnection, kubeRequest } from '../kubeRequest';
import {
  ManagedProcess,
  logTail,
  startProcess,
  stopProcess,
} from '../processes';
import { httpGet } from './httpGet';

/** Where a bed cluster's CoreDNS runs and reads its cluster from. */
export interface ClusterDnsPlacement {
  /** The address it serves on (port 53), on the bed network. */
  address: string;
  kubeconfigPath: string;
  kubeconfigContext: string;
  /** A loopback port for the stand-in of the outside world's resolvers (answers NXDOMAIN). */
  upstreamPort: number;
}

/**
 * The Corefile as the cluster holds it (ConfigMap kube-system/coredns, as crossmesh leaves it),
 * placed on the bed: every server block binds the cluster's DNS address; the kubernetes plugin
 * reads the cluster's apiserver through a kubeconfig instead of in-cluster credentials; health,
 * ready and prometheus listen on that address, not on every interface of the host; and names
 * the cluster does not know go to a local stand-in that answers NXDOMAIN, so no query leaves the
 * bed. Every other line stays as it is.
 */
export function corefileForBed(
  corefile: string,
  placement: ClusterDnsPlacement,
): string {
  const { address } = placement;
  const lines = corefile.split('\n').flatMap(line => {
    const indent = line.match(/^\s*/)![0];
    const inner = `${indent}    `;
    if (/^\S.*\{\s*$/.test(line)) {
      return [line, `${inner}bind ${address}`];
    }
    if (/^\s*kubernetes\b.*\{\s*$/.test(line)) {
      return [
        line,
        `${inner}kubeconfig ${placement.kubeconfigPath} ${placement.kubeconfigContext}`,
      ];
    }
    if (/^\s*kubernetes\b/.test(line)) {
      return [
        `${line} {`,
        `${inner}kubeconfig ${placement.kubeconfigPath} ${placement.kubeconfigContext}`,
        `${indent}}`,
      ];
    }
    return [
      line
        .replace(/^(\s*health)\b(?!\s+\S+:\d)/, `$1 ${address}:8080`)
        .replace(/^(\s*ready)\b(?!\s+\S+:\d)/, `$1 ${address}:8181`)
        .replace(/^(\s*prometheus)\s+:(\d+)/, `$1 ${address}:$2`)
        .replace(
          /^(\s*forward\s+\.\s+)\/etc\/resolv\.conf\b/,
          `$1127.0.0.1:${placement.upstreamPort}`,
        ),
    ];
  });
  return [
    ...lines,
    `.:${placement.upstreamPort} {`,
    '    bind 127.0.0.1',
    '    template ANY ANY {',
    '        rcode NXDOMAIN',
    '    }',
    '}',
    '',
  ].join('\n');
}

const corednsConfigMapPath =
  '/api/v1/namespaces/kube-system/configmaps/coredns';

/**
 * A cluster's DNS: the CoreDNS the project builds, running the cluster's own Corefile (see
 * {@link corefileForBed}) on the bed network. It plays the kubelet's part for the ConfigMap
 * volume: when the ConfigMap changes, the file changes, and CoreDNS's `reload` picks it up.
 */
export class ClusterDns {
  private child: ManagedProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private corefile = '';

  constructor(
    readonly cluster: string,
    readonly placement: ClusterDnsPlacement,
    private readonly binary: string,
    private readonly admin: KubeConnection,
    private readonly dirs: { workDir: string; logDir: string; pidDir: string },
  ) {}

  private get corefilePath() {
    return path.join(this.dirs.workDir, 'Corefile');
  }

  private async sync(): Promise<boolean> {
    const response = await kubeRequest(this.admin, corednsConfigMapPath);
    const corefile: string | undefined = response.body?.data?.Corefile;
    if (response.status !== 200 || !corefile || corefile === this.corefile)
      return false;
    this.corefile = corefile;
    fs.writeFileSync(
      `${this.corefilePath}.tmp`,
      corefileForBed(corefile, this.placement),
    );
    fs.renameSync(`${this.corefilePath}.tmp`, this.corefilePath);
    return true;
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.dirs.workDir, { recursive: true });
    if (!(await this.sync())) {
      throw new Error(
        `Cluster ${this.cluster} has no ConfigMap kube-system/coredns with a Corefile.`,
      );
    }
    this.child = startProcess({
      name: `coredns-${this.cluster}`,
      command: this.binary,
      args: ['-conf', this.corefilePath],
      cwd: this.dirs.workDir,
      logFile: path.join(this.dirs.logDir, `coredns-${this.cluster}.log`),
      pidDir: this.dirs.pidDir,
    });
    await this.waitReady();
    this.timer = setInterval(() => {
      this.sync().catch(() => undefined);
    }, 2000);
    this.timer.unref();
  }

  private async waitReady() {
    const url = `http://${this.placement.address}:8181/ready`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const child = this.child!;
      if (child.hasExited()) {
        throw new Error(
          `CoreDNS of ${this.cluster} ${await child.exited}. Last lines of ${
            child.logFile
          }:\n${logTail(child.logFile)}`,
        );
      }
      if ((await httpGet(url, 1000)).status === 200) return;
      if (Date.now() > deadline) {
        throw new Error(
          `CoreDNS of ${
            this.cluster
          } was not ready at ${url} in 30 s. Last lines of ${
            child.logFile
          }:\n${logTail(child.logFile)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.child) await stopProcess(this.child, { signal: 'SIGKILL' });
  }
}
