import net from 'node:net';
import { KubeConnection, expectOk, kubeRequest } from '../kubeRequest';
import { BedNode } from './BedNetwork';
import { IstioProxy } from './IstioProxy';

const deploymentPath =
  '/apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway';
const podPath = '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-0';
/** The ports of the seeded istio-ingressgateway Service the load balancer forwards. */
export const gatewayPorts = [15443];

/** One gateway pod: its node and its proxy. */
export interface GatewayPod {
  node: BedNode;
  proxy: IstioProxy;
}

/**
 * A cluster's `istio-ingressgateway`: a cloud load balancer in front of gateway pods. The load
 * balancer listens on the address the Service's status reports (what crossmesh reads) and
 * forwards each new connection to the current pod, as kube-proxy or a cloud LB would. The bed
 * plays the kubelet and the Deployment controller for it: when the Deployment's generation moves
 * on (crossmesh's rollout restart), a new pod starts on a new node; once its Envoy is ready the
 * load balancer sends new connections there, and the old pod gets SIGTERM (pilot-agent drains,
 * then exits; connections still open through it end then), as a rolling update does.
 */
export class IngressGateway {
  private current: GatewayPod | undefined;
  private servers: net.Server[] = [];
  private sockets = new Set<net.Socket>();
  private generation: number | undefined;
  private poller: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private podCount = 0;
  /** Rollouts the gateway went through, for tests to wait on. */
  rollouts = 0;

  constructor(
    readonly cluster: string,
    readonly address: string,
    private readonly admin: KubeConnection,
    private readonly startPod: (index: number) => Promise<GatewayPod>,
    private readonly removePod: (
      pod: GatewayPod,
      signal: NodeJS.Signals,
    ) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  /** The node of the pod that takes new connections. */
  get pod(): GatewayPod | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    this.generation = await this.deploymentGeneration();
    this.current = await this.startPod(this.podCount++);
    await this.reportPod(this.current);
    for (const port of gatewayPorts) {
      const server = net.createServer(client => this.forward(client, port));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.address, resolve);
      });
      this.servers.push(server);
    }
    this.poller = setInterval(() => {
      this.queue = this.queue
        .then(() => this.followRollout())
        .catch(error =>
          this.log(`${this.cluster}: gateway rollout failed: ${error}`),
        );
    }, 300);
    this.poller.unref();
  }

  private forward(client: net.Socket, port: number) {
    const pod = this.current;
    if (!pod) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, pod.node.address);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Half-closes pass through, as they would through a TCP load balancer.
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private async deploymentGeneration(): Promise<number | undefined> {
    const response = await kubeRequest(this.admin, deploymentPath, {
      timeoutMs: 5000,
    }).catch(() => undefined);
    return response?.status === 200
      ? Number(response.body.metadata.generation)
      : undefined;
  }

  private async reportPod(pod: GatewayPod) {
    const { address } = pod.node;
    expectOk(
      await kubeRequest(this.admin, `${podPath}/status`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: {
          status: {
            phase: 'Running',
            podIP: address,
            podIPs: [{ ip: address }],
          },
        },
      }),
      `Reporting gateway pod ${address} of ${this.cluster}`,
    );
  }

  private async followRollout() {
    if (this.closed) return;
    const generation = await this.deploymentGeneration();
    if (generation === undefined || generation === this.generation) return;
    this.log(
      `${this.cluster}: Deployment istio-system/istio-ingressgateway is at generation ${generation}; rolling the gateway`,
    );
    this.generation = generation;
    const next = await this.startPod(this.podCount++);
    const old = this.current;
    this.current = next;
    await this.reportPod(next);
    if (old) await this.removePod(old, 'SIGTERM');
    this.rollouts += 1;
  }

  /** Resolves once the pod taking connections runs the Deployment's current generation. */
  async settled(timeoutMs = 60_000): Promise<GatewayPod> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.queue;
      const generation = await this.deploymentGeneration();
      if (generation === this.generation && this.current) return this.current;
      if (Date.now() > deadline) {
        throw new Error(
          `The ingress gateway of ${this.cluster} did not roll out generation ${generation} in ${timeoutMs} ms.`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    await this.queue.catch(() => undefined);
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
    if (this.current) await this.removePod(this.current, 'SIGKILL');
    this.current = undefined;
  }
}
