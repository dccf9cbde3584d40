import type { KubeConfig } from '@kubernetes/client-node';
import { describeKubernetesError } from './kubernetesErrors';
import { loadKubernetesModule } from './kubernetesModule';

/**
 * An object as a watch sees it: enough to key it and to hand it to whoever plans.
 *
 * @internal
 */
export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  [field: string]: unknown;
}

/**
 * One line of a watch's history: why it (re)listed, or why it stopped.
 *
 * @internal
 */
export interface WatchRecovery {
  at: string;
  /** `listed` after a start or a break, `expired` for 410 Gone, `failed` with the error. */
  what: 'listed' | 'expired' | 'failed';
  detail?: string;
}

/**
 * What a {@link ResourceWatch} watches: one collection of one cluster.
 *
 * @internal
 */
export interface ResourceWatchTarget {
  /** The collection's path, e.g. `/apis/networking.istio.io/v1beta1/serviceentries`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects that matter; changes to others are neither kept nor reported. Default: all. */
  relevant?: (object: WatchedObject) => boolean;
  /**
   * The same collection read with one LIST, through a typed client. Absent for a watch of
   * one named object (a fieldSelector on metadata.name): its watch starts without a version,
   * so the server first sends the object as it is, and needs no `list` right.
   */
  list?(kubeConfig: KubeConfig): Promise<WatchList>;
}

/**
 * A LIST's answer, as much of it as a watch needs.
 *
 * @internal
 */
export interface WatchList {
  items?: WatchedObject[];
  metadata?: { resourceVersion?: string };
}

/** How long a watch request lasts before the API server ends it and it is made again. */
const WATCH_SECONDS = 1800;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const HISTORY = 20;

class ExpiredError extends Error {}

/** `Watch` refuses with `statusCode`; the API clients, and the error messages, use `code`. */
/**
 * The error of a refused WATCH request with its status as `code`. The client drops the
 * API server's answer, so the body says what was refused, in the server's words.
 */
function withStatusCode(error: unknown, path: string): unknown {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number'
    ? Object.assign(error as object, {
        code: statusCode,
        body: { message: `cannot watch ${describeCollection(path)}` },
      })
    : error;
}

/**
 * `resource "serviceentries" in API group "networking.istio.io" at the cluster scope`, as
 * the API server names a collection in a refusal.
 */
function describeCollection(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const group = parts[0] === 'apis' ? parts[1] : '';
  const rest = parts.slice(parts[0] === 'apis' ? 3 : 2);
  const namespace = rest[0] === 'namespaces' ? rest[1] : undefined;
  const resource = namespace ? rest[2] : rest[0];
  return `resource "${resource}" in API group "${group}" ${
    namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'
  }`;
}

function keyOf(object: WatchedObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
}

/**
 * Keeps an up-to-date copy of one collection of a cluster: a LIST, then a WATCH from the
 * list's resourceVersion with bookmarks. When the watch ends or breaks (the server's
 * timeout, a restart, refused credentials, the network) it is made again from the last
 * version seen, at once and then with backoff from 0.5 s to 30 s, taking the cluster's
 * client afresh each time; the server replays what changed meanwhile. A 410 Gone (that
 * version is no longer in the server's history, e.g. after an API server restart) lists
 * again. The copy counts as synced only while a watch is connected. `onChange` is called
 * for each change seen and after every LIST, since changes may have been missed.
 *
 * @internal
 */
export class ResourceWatch {
  private readonly items = new Map<string, WatchedObject>();
  private resourceVersion: string | undefined;
  private isSynced = false;
  private stopped = false;
  private abort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly recoveries: WatchRecovery[] = [];

  constructor(
    private readonly options: {
      target: ResourceWatchTarget;
      /** The cluster's client config, asked again for every connection. */
      kubeConfig: () => Promise<KubeConfig>;
      /** Says where the watch is, for errors: the API server's URL. */
      url: string;
      onChange: (reason: string) => void;
      /**
       * Changes kept in the copy but not reported: the echoes of the caller's own writes,
       * which need no reaction.
       */
      isEcho?: (object: WatchedObject) => Promise<boolean>;
      onError?: (message: string) => void;
    },
  ) {}

  start(): void {
    this.stopped = false;
    void this.listThenWatch();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
  }

  /** Whether the copy is complete: listed, and watching since. */
  get synced(): boolean {
    return this.isSynced;
  }

  /** The objects, while synced; undefined otherwise. */
  objects(): WatchedObject[] | undefined {
    return this.isSynced ? [...this.items.values()] : undefined;
  }

  /** The latest recoveries, oldest first. */
  history(): WatchRecovery[] {
    return [...this.recoveries];
  }

  private relevant(object: WatchedObject): boolean {
    return this.options.target.relevant?.(object) ?? true;
  }

  private record(what: WatchRecovery['what'], detail?: string) {
    this.recoveries.push({ at: new Date().toISOString(), what, detail });
    this.recoveries.splice(0, Math.max(0, this.recoveries.length - HISTORY));
  }

  private async listThenWatch(): Promise<void> {
    if (this.stopped) return;
    try {
      const kubeConfig = await this.options.kubeConfig();
      this.items.clear();
      this.resourceVersion = undefined;
      const { target } = this.options;
      if (target.list) {
        const list = await target.list(kubeConfig);
        for (const item of list.items ?? []) {
          if (this.relevant(item)) this.items.set(keyOf(item), item);
        }
        this.resourceVersion = list.metadata?.resourceVersion;
        this.record('listed');
        this.options.onChange(`listed ${target.path}`);
      }
      await this.watch(kubeConfig);
    } catch (error) {
      this.fail(error);
    }
  }

  private async watch(kubeConfig: KubeConfig): Promise<void> {
    const k8s = await loadKubernetesModule();
    const { target } = this.options;
    let ended = false;
    const done = (error: unknown) => {
      if (ended) return;
      ended = true;
      this.abort = undefined;
      if (this.stopped) return;
      // The server ended the request (its timeout) or the connection broke: resume from
      // the last version seen, which replays what changed meanwhile.
      this.fail(
        withStatusCode(error, target.path) ?? new Error('the watch ended'),
      );
    };
    this.abort = await new k8s.Watch(kubeConfig).watch(
      target.path,
      {
        allowWatchBookmarks: true,
        resourceVersion: this.resourceVersion,
        labelSelector: target.labelSelector,
        fieldSelector: target.fieldSelector,
        timeoutSeconds: WATCH_SECONDS,
      },
      (type, object: WatchedObject) => {
        if (type === 'ERROR') {
          const status = object as unknown as {
            code?: number;
            message?: string;
          };
          done(
            status.code === 410
              ? new ExpiredError(status.message ?? '410 Gone')
              : Object.assign(new Error(status.message ?? 'watch error'), {
                  code: status.code,
                }),
          );
          return;
        }
        this.resourceVersion =
          object.metadata?.resourceVersion ?? this.resourceVersion;
        if (type === 'BOOKMARK' || !this.relevant(object)) return;
        if (type === 'DELETED') {
          this.items.delete(keyOf(object));
        } else {
          this.items.set(keyOf(object), object);
        }
        const reason = `${type} ${keyOf(object)}`;
        if (!this.options.isEcho) {
          this.options.onChange(reason);
          return;
        }
        this.options.isEcho(object).then(
          echo => echo || this.options.onChange(reason),
          () => this.options.onChange(reason),
        );
      },
      done,
    );
    if (!ended) {
      // Connected from a version whose changes since are replayed: the copy is whole.
      this.isSynced = true;
      this.failures = 0;
    }
  }

  private async resume(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.watch(await this.options.kubeConfig());
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown) {
    if (this.stopped) return;
    this.isSynced = false;
    if (error instanceof ExpiredError) {
      // The version is gone from the server's history: list again at once.
      this.record('expired', error.message);
      this.resourceVersion = undefined;
      void this.listThenWatch();
      return;
    }
    const message = describeKubernetesError(error, this.options.url);
    this.record('failed', message);
    this.options.onError?.(message);
    this.failures++;
    const delay =
      this.failures === 1
        ? 0
        : Math.min(RETRY_BASE_MS * 2 ** (this.failures - 2), RETRY_MAX_MS);
    this.retryTimer = setTimeout(
      () => void (this.resourceVersion ? this.resume() : this.listThenWatch()),
      delay,
    );
    this.retryTimer.unref?.();
  }
}
