import fs from 'node:fs';
import path from 'node:path';
import { KubeConnection, expectOk, kubeRequest } from '../kubeRequest';
import {
  ManagedProcess,
  logTail,
  startProcess,
  stopProcess,
} from '../processes';
import { BedNode, sh } from './BedNetwork';
import { httpGet } from './httpGet';

/** Istio's proxy user and group: the iptables rules let its own traffic through. */
const proxyGroup = '1337';
const statusPort = 15021;

/** What one pilot-agent (and the Envoy it runs) needs; the same across restarts. */
export interface IstioProxySpec {
  /** `sidecar` beside a workload, `router` for a gateway. */
  type: 'sidecar' | 'router';
  cluster: string;
  namespace: string;
  serviceAccount: string;
  podName: string;
  labels: Record<string, string>;
  node: BedNode;
  /** istiod's TLS xDS and CA address, reachable from the node. */
  discoveryAddress: string;
  pilotAgent: string;
  envoy: string;
  bootstrapTemplate: string;
  /** Working directory (pilot-agent's ./etc and ./var live here). */
  workDir: string;
  logDir: string;
  pidDir: string;
  /** Extra environment, e.g. SECRET_TTL for short-lived workload certificates. */
  env?: Record<string, string>;
}

function writeAtomically(file: string, content: string) {
  fs.writeFileSync(`${file}.tmp`, content, { mode: 0o644 });
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * One pod's `istio-proxy` container: Istio's pilot-agent with the real Envoy, in the pod's node
 * (network namespace), talking to its cluster's istiod as a pod would. It plays the kubelet's part
 * too: the pod's projected volumes (the `istio-ca-root-cert` ConfigMap and a ServiceAccount
 * token of audience `istio-ca`) are written into pilot-agent's ./var/run/secrets and kept current.
 */
export class IstioProxy {
  private child: ManagedProcess | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private tokenRefreshedAt = 0;

  constructor(
    readonly spec: IstioProxySpec,
    private readonly admin: KubeConnection,
  ) {}

  get logFile() {
    return path.join(
      this.spec.logDir,
      `proxy-${this.spec.cluster}-${this.spec.podName}.log`,
    );
  }

  private dir(...segments: string[]) {
    return path.join(this.spec.workDir, ...segments);
  }

  /** Sets up the working directory and the node's iptables (as istio-init does), once. */
  async prepare(): Promise<void> {
    for (const dir of [
      'var/run/secrets/istio',
      'var/run/secrets/tokens',
      'var/run/secrets/workload-spiffe-uds',
      'var/lib/istio/envoy',
      'etc/istio/pod',
      'etc/istio/proxy',
    ]) {
      // Envoy runs in the proxy's group: directories it reads are world-traversable.
      fs.mkdirSync(this.dir(dir), { recursive: true, mode: 0o755 });
    }
    fs.copyFileSync(
      this.spec.bootstrapTemplate,
      this.dir('var/lib/istio/envoy/envoy_bootstrap_tmpl.json'),
    );
    fs.writeFileSync(
      this.dir('etc/istio/pod/labels'),
      Object.entries(this.spec.labels)
        .map(([key, value]) => `${key}="${value}"`)
        .join('\n'),
    );
    await this.syncProjectedVolumes();
    if (this.spec.type === 'sidecar') {
      await sh('ip', [
        'netns',
        'exec',
        this.spec.node.netns,
        this.spec.pilotAgent,
        'istio-iptables',
        '-p',
        '15001',
        '-z',
        '15006',
        '-u',
        proxyGroup,
        '-g',
        proxyGroup,
        '-m',
        'REDIRECT',
        '-i',
        '*',
        '-x',
        '',
        '-b',
        '*',
        '-d',
        '15090,15021,15020',
        '--redirect-dns',
      ]);
    }
  }

  /** Writes the root certificate istiod publishes and (hourly) a fresh token, as the kubelet does. */
  private async syncProjectedVolumes() {
    const { namespace, serviceAccount } = this.spec;
    const configMap = await kubeRequest(
      this.admin,
      `/api/v1/namespaces/${namespace}/configmaps/istio-ca-root-cert`,
    );
    const root =
      configMap.status === 200
        ? configMap.body.data?.['root-cert.pem']
        : undefined;
    const rootFile = this.dir('var/run/secrets/istio/root-cert.pem');
    if (
      root &&
      (!fs.existsSync(rootFile) || fs.readFileSync(rootFile, 'utf8') !== root)
    ) {
      writeAtomically(rootFile, root);
    }
    if (Date.now() - this.tokenRefreshedAt > 3_600_000) {
      const token = expectOk(
        await kubeRequest(
          this.admin,
          `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
          {
            method: 'POST',
            body: {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenRequest',
              spec: { audiences: ['istio-ca'], expirationSeconds: 3 * 3600 },
            },
          },
        ),
        `Requesting an istio-ca token for ${namespace}/${serviceAccount}`,
      ).status.token;
      writeAtomically(this.dir('var/run/secrets/tokens/istio-token'), token);
      this.tokenRefreshedAt = Date.now();
    }
  }

  /** Starts pilot-agent and resolves once Envoy reports ready (its /healthz/ready on 15021). */
  async start(timeoutMs = 60_000): Promise<void> {
    const rootFile = this.dir('var/run/secrets/istio/root-cert.pem');
    const waitUntil = Date.now() + timeoutMs;
    while (!fs.existsSync(rootFile)) {
      if (Date.now() > waitUntil) {
        throw new Error(
          `istiod of ${this.spec.cluster} has not published istio-ca-root-cert in ${this.spec.namespace}; ${this.spec.podName} cannot start.`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 300));
      await this.syncProjectedVolumes();
    }
    const { spec } = this;
    this.child = startProcess({
      name: `proxy-${spec.cluster}-${spec.podName}`,
      command: 'ip',
      args: [
        'netns',
        'exec',
        spec.node.netns,
        'setpriv',
        '--regid',
        proxyGroup,
        '--clear-groups',
        '--',
        spec.pilotAgent,
        'proxy',
        spec.type,
        `--domain=${spec.namespace}.svc.cluster.local`,
      ],
      cwd: spec.workDir,
      logFile: this.logFile,
      pidDir: spec.pidDir,
      env: {
        PROXY_CONFIG: JSON.stringify({
          binaryPath: spec.envoy,
          discoveryAddress: spec.discoveryAddress,
          configPath: this.dir('etc/istio/proxy'),
          proxyBootstrapTemplatePath: this.dir(
            'var/lib/istio/envoy/envoy_bootstrap_tmpl.json',
          ),
          controlPlaneAuthPolicy: 'MUTUAL_TLS',
          statusPort: 15020,
          proxyAdminPort: 15000,
          drainDuration: '5s',
          terminationDrainDuration: '5s',
        }),
        POD_NAME: spec.podName,
        POD_NAMESPACE: spec.namespace,
        INSTANCE_IP: spec.node.address,
        SERVICE_ACCOUNT: spec.serviceAccount,
        ISTIO_META_CLUSTER_ID: spec.cluster,
        ISTIO_META_WORKLOAD_NAME: spec.labels.app ?? spec.podName,
        ISTIOD_SAN: 'istiod.istio-system.svc',
        JWT_POLICY: 'third-party-jwt',
        PILOT_CERT_PROVIDER: 'istiod',
        // The mesh config's proxyMetadata, which the injector would copy into the pod.
        ...(spec.type === 'sidecar' ? { ISTIO_META_DNS_CAPTURE: 'true' } : {}),
        ...spec.env,
      },
    });
    this.syncTimer = setInterval(() => {
      this.syncProjectedVolumes().catch(() => undefined);
    }, 1000);
    this.syncTimer.unref();
    await this.waitReady(waitUntil);
  }

  private async waitReady(deadline: number) {
    const url = `http://${this.spec.node.address}:${statusPort}/healthz/ready`;
    for (;;) {
      if (!this.child || this.child.hasExited()) {
        throw new Error(
          `pilot-agent of ${this.spec.podName} (${this.spec.cluster}) ${
            this.child ? await this.child.exited : 'was stopped'
          } before Envoy was ready. Last lines of ${this.logFile}:\n${logTail(
            this.logFile,
            30,
          )}`,
        );
      }
      if ((await httpGet(url)).status === 200) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Envoy of ${this.spec.podName} (${
            this.spec.cluster
          }) was not ready at ${url} in time. Last lines of ${
            this.logFile
          }:\n${logTail(this.logFile, 30)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }

  /** Stops pilot-agent as the kubelet stops a container: SIGTERM, which drains Envoy first. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    clearInterval(this.syncTimer);
    const child = this.child;
    this.child = undefined;
    if (child) await stopProcess(child, { signal, graceMs: 15_000 });
  }
}
