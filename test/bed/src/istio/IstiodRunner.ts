import fs from 'node:fs';
import path from 'node:path';
import { KubeConnection, kubeRequest } from '../kubeRequest';
import { ManagedProcess, stopProcess } from '../processes';
import {
  istiodLogFile,
  IstiodSpec,
  startIstiodProcess,
  waitForIstiod,
} from './istiod';

const deploymentPath =
  '/apis/apps/v1/namespaces/istio-system/deployments/istiod';
const pollMs = 300;

/**
 * One cluster's real istiod, standing in for the pods of the seeded `istio-system/istiod`
 * Deployment. With no kubelet in the bed, it plays the kubelet's part: when the Deployment's
 * spec changes (crossmesh's rollout restart after writing `cacerts`), the process is replaced,
 * and the new one reads the Secret as it is then.
 */
export class IstiodRunner {
  private child: ManagedProcess | undefined;
  private startedGeneration: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly spec: IstiodSpec,
    private readonly connection: KubeConnection,
    private readonly log: (line: string) => void,
  ) {}

  get logFile(): string | undefined {
    return this.child?.logFile;
  }

  get running(): boolean {
    return this.child !== undefined && !this.child.hasExited();
  }

  /** Starts istiod (if it is not running) and resolves once /ready answers. */
  start(): Promise<void> {
    return this.serialize(() => this.startNow());
  }

  /** Stops istiod: SIGTERM with a short grace, or SIGKILL as a crash. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.serialize(() => this.stopNow(signal));
  }

  /** Replaces the process whenever the Deployment's generation moves on. */
  followRollouts(): void {
    const tick = async () => {
      if (this.closed) {
        return;
      }
      const generation = await this.deploymentGeneration();
      // A start that could not read the generation restarts at the first one read: the
      // Secret may have changed since that start without the runner knowing.
      if (
        generation !== undefined &&
        this.running &&
        generation !== this.startedGeneration
      ) {
        this.note(
          `Deployment istio-system/istiod is at generation ${generation}, istiod was started at ${
            this.startedGeneration ?? 'an unread generation'
          }; restarting istiod`,
        );
        await this.serialize(async () => {
          await this.stopNow('SIGTERM');
          await this.startNow();
        }).catch(error => this.note(`restarting istiod failed: ${error}`));
      }
      if (!this.closed) {
        this.poller = setTimeout(tick, pollMs);
        this.poller.unref();
      }
    };
    this.poller = setTimeout(tick, pollMs);
    this.poller.unref();
  }

  /** Stops following rollouts and kills istiod. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.poller);
    await this.serialize(() => this.stopNow('SIGKILL'));
  }

  /** To the bed's log, and into istiod's own log, where a failed test's reader looks. */
  private note(line: string) {
    this.log(`${this.spec.cluster}: ${line}`);
    fs.mkdirSync(path.dirname(istiodLogFile(this.spec)), { recursive: true });
    fs.appendFileSync(
      istiodLogFile(this.spec),
      `${new Date().toISOString()}\tcrossmesh test bed\t${line}\n`,
    );
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async deploymentGeneration(): Promise<number | undefined> {
    try {
      const response = await kubeRequest(this.connection, deploymentPath, {
        timeoutMs: 5000,
      });
      return response.status === 200
        ? Number(response.body?.metadata?.generation)
        : undefined;
    } catch {
      return undefined; // the apiserver may be stopped on purpose
    }
  }

  private async startNow() {
    if (this.running || this.closed) {
      return;
    }
    this.startedGeneration = await this.deploymentGeneration();
    const child = startIstiodProcess(this.spec);
    this.child = child;
    this.note(
      `istiod started at Deployment generation ${
        this.startedGeneration ?? '(unread)'
      }`,
    );
    await waitForIstiod(this.spec, child);
  }

  private async stopNow(signal: NodeJS.Signals) {
    const child = this.child;
    this.child = undefined;
    if (child) {
      await stopProcess(child, { signal, graceMs: 5000 });
    }
  }
}
