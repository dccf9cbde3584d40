import {
  ExposureRequest,
  MeshCluster,
  VIP_HOLDING_EXPOSURE_STATES,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { AuditLog } from '../../audit';
import { randomUUID } from 'node:crypto';
import { ClusterDnsWiring } from '../dns/cluster';
import { ExposureStore } from '../store/ExposureStore';
import { ExposureTransaction } from '../store/ExposureTransaction';
import { listAllRequests } from '../store/listAllRequests';
import { nextExposureState } from '../lifecycle/requestStateMachine';
import {
  ClusterConvergence,
  ClusterExposureApplier,
  emptyConvergence,
} from './ClusterExposureApplier';
import { desiredState } from './desiredState';
import { ReconcileLease } from './ReconcileLease';
import { clusterReconcileStatuses } from './reconcileStatus';
import { ReconcileStatusStore } from './ReconcileStatusStore';
import { DnsPassResult, wireGlobalDns } from './wireGlobalDns';
import { wireServiceSettings } from './wireServiceSettings';
import { auditClusterWrites } from './auditClusterWrites';
import type {
  MeshConfigResult,
  MeshConfigWiring,
} from '../meshConfig/MeshConfigWiring';
import type { MeshRenderSettings } from '../render';
import type { ObservedKubeObject } from '../render/types';
import type { DeliverySettings } from '../delivery/deliverySettings';
import type { GitClusterDelivery } from './GitClusterDelivery';
import type { GitDnsWiring } from '../delivery/GitDnsWiring';
import { recordClusterProgress } from './clusterProgress';
import { pullRequestText } from './pullRequestText';

/**
 * What one reconcile pass did.
 *
 * @internal
 */
export interface ReconcileReport {
  clusters: ClusterConvergence[];
  /** `.global` DNS wiring per cluster (legacy-global only), when anything was done or failed. */
  dns: DnsPassResult;
  /** Mesh-config `serviceSettings` per cluster (multi-primary only), when written or failed. */
  meshConfig?: MeshConfigResult[];
  /** Requests that changed state in this pass, as `id: from -> to`. */
  transitions: string[];
  /** Set when another replica held the lease, so this pass wrote nothing. */
  skipped?: string;
  /** The earliest end date of an open request still ahead, when one is. */
  nextEndDate?: string;
  /** Passes run back to back because more were asked for while one ran. */
  passes?: number;
}

/**
 * How a pass reads the clusters, and whether it was asked for by a change.
 *
 * @internal
 */
export interface ReconcileMode {
  /**
   * The timer's pass: LIST every cluster's objects even where the watches hold them, and
   * try every cluster, even one backing off. Backoff keeps the passes that changes
   * trigger, which may come many a minute, off a failing cluster; the timer's are rare.
   */
  fresh?: boolean;
  /**
   * Something changed: tell the other replicas through the database, so the one holding
   * the lease runs one more pass when this one cannot take it.
   */
  wanted?: boolean;
}

// Renewed while a pass runs, so a replica that dies mid-pass blocks the others this long at most.
const LEASE_TTL_MS = 30_000;

/**
 * Converges the clusters to the database: the objects of approved and active requests
 * exist, those of revoked ones are gone, drift is repaired. Runs on Backstage's scheduler,
 * so one replica acts at a time; every write is idempotent, and a cluster that is down
 * only holds back the requests that need it.
 *
 * @internal
 */
export class ExposureReconciler {
  constructor(
    private readonly options: {
      /** Reads; request state changes go through `transaction`. */
      store: ExposureStore;
      /** Each state change is written with its audit event in one transaction. */
      transaction: ExposureTransaction;
      applier: ClusterExposureApplier;
      /**
       * Clusters whose objects go through Git: crossmesh proposes them there and reads the
       * cluster to see them live. Without it, every cluster is written directly.
       */
      git?: {
        delivery: DeliverySettings;
        deliver: GitClusterDelivery;
        /** Where pull requests link back to (`app.baseUrl`). */
        appBaseUrl: string;
        /** `.global` DNS of clusters whose CoreDNS ConfigMap is in Git (`dnsFile`). */
        dns?: GitDnsWiring;
      };
      dns: ClusterDnsWiring;
      /** Keeps multi-primary clusters' `serviceSettings`; without it they are not touched. */
      meshConfig?: MeshConfigWiring;
      lease: ReconcileLease;
      /**
       * Clusters registered in the mesh: in legacy-global meshes they keep `.global` DNS
       * wired even while they consume nothing (ADR 0008).
       */
      dnsMembers?: () => Promise<string[]>;
      /** Crossmesh's objects per cluster as watches hold them, read instead of LISTs. */
      watches?: {
        managedObjects(cluster: string): ObservedKubeObject[] | undefined;
      };
      /** Where each pass leaves its result per cluster, for the mesh overview. */
      status?: ReconcileStatusStore;
      connections: ClusterConnection[];
      observeClusters: () => Promise<MeshCluster[]>;
      /** Where the cluster writes of each pass are recorded. */
      audit: AuditLog;
      /** Tells people when a request became active, or first failed in a cluster. */
      onOutcome?: (
        request: ExposureRequest,
        outcome: 'active' | 'failed',
        detail: string,
      ) => Promise<void>;
      now?: () => Date;
      /**
       * Backoff for a cluster that keeps failing: the first retry is on the next pass, then
       * after `baseMs`, doubling up to `maxMs`. Defaults: 30 s and 10 min.
       */
      backoff?: { baseMs: number; maxMs: number };
      /** Mesh-wide settings every request renders with; the preview uses the same. */
      render?: MeshRenderSettings;
    },
  ) {}

  private readonly failures = new Map<
    string,
    { count: number; nextAttemptAt: number }
  >();

  private readonly holder = `reconciler-${randomUUID()}`;

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Runs a pass under the lease, and more passes while other callers ask for them (the
   * lease's `wanted` counter moved during the pass). Not to be called again before it
   * returns: {@link ReconcileTrigger} runs passes one at a time.
   */
  async reconcile(mode: ReconcileMode = {}): Promise<ReconcileReport> {
    const { lease } = this.options;
    if (mode.wanted) {
      await lease.requestPass();
    }
    const reports = await lease.runWhileWanted(this.holder, LEASE_TTL_MS, n =>
      this.converge(mode.fresh === true && n === 0),
    );
    if (reports.length === 0) {
      return {
        clusters: [],
        dns: [],
        transitions: [],
        skipped: 'another replica is reconciling',
      };
    }
    return {
      ...reports[reports.length - 1],
      transitions: reports.flatMap(r => r.transitions),
      passes: reports.length,
    };
  }

  /** A cluster that answered again (its watch re-listed) is retried without waiting. */
  clusterAnswered(cluster: string): void {
    this.failures.delete(cluster);
  }

  private async converge(fresh: boolean): Promise<ReconcileReport> {
    const { store, connections } = this.options;
    const transitions: string[] = [];
    let requests = await this.openRequests();

    // move() updates each request in place; only a lost compare-and-set (someone else
    // changed the request meanwhile) makes the loaded list stale.
    let stale = false;
    for (const r of requests) {
      if (
        r.endDate &&
        new Date(r.endDate) <= this.now() &&
        r.state !== 'revoking'
      ) {
        stale = !(await this.move(r, 'end-date-reached', transitions)) || stale;
      } else if (r.state === 'approved') {
        stale = !(await this.move(r, 'start-applying', transitions)) || stale;
      }
    }
    if (stale) {
      requests = await this.openRequests();
    }

    const observed = new Map(
      (await this.options.observeClusters()).map(c => [c.name, c]),
    );
    const desired = desiredState(
      requests,
      observed,
      connections.map(c => c.name),
      this.options.render,
    );
    const nowMs = this.now().getTime();
    const results = await Promise.all(
      connections.map(c => {
        const failing = this.failures.get(c.name);
        if (!fresh && failing && failing.nextAttemptAt > nowMs) {
          return Promise.resolve(
            untouched(
              c.name,
              `backing off after ${
                failing.count
              } failed passes; next attempt at ${new Date(
                failing.nextAttemptAt,
              ).toISOString()}`,
            ),
          );
        }
        return desired.held.has(c.name)
          ? Promise.resolve(
              untouched(
                c.name,
                `not converged while a request it serves cannot be rendered: ${desired.held.get(
                  c.name,
                )}`,
              ),
            )
          : this.deliver(
              requests,
              c,
              desired.objects.get(c.name)!,
              fresh ? undefined : this.options.watches?.managedObjects(c.name),
            );
      }),
    );
    for (const r of results) {
      this.recordAttempt(r, nowMs);
    }
    const { dns, outcomes: dnsOutcomes } = await wireGlobalDns({
      requests,
      observed,
      connections,
      wiring: this.options.dns,
      members: (await this.options.dnsMembers?.()) ?? [],
      git: this.options.git?.dns && {
        delivery: this.options.git.delivery,
        wiring: this.options.git.dns,
      },
    });
    const meshConfig = this.options.meshConfig
      ? await wireServiceSettings({
          requests,
          observed,
          connections,
          wiring: this.options.meshConfig,
        })
      : [];
    for (const d of [...dns, ...meshConfig].filter(x => x.error)) {
      const result = results.find(r => r.cluster === d.cluster);
      if (result) {
        result.error = [result.error, d.error].filter(Boolean).join('; ');
      }
    }
    const byCluster = new Map(results.map(r => [r.cluster, r]));
    await auditClusterWrites(this.options.audit, { results, dns, meshConfig });

    for (const r of requests) {
      const now = this.now().toISOString();
      const allDone = await recordClusterProgress(r, {
        results: byCluster,
        problem: desired.problems.get(r.id),
        store,
        audit: this.options.audit,
        onOutcome: this.options.onOutcome,
        now,
      });
      if (allDone && r.state === 'applying') {
        if (await this.move(r, 'applied', transitions)) {
          await this.options.onOutcome?.(
            r,
            'active',
            `reachable as ${r.host} from ${r.consumerClusters.join(', ')}`,
          );
        }
      } else if (allDone && r.state === 'revoking') {
        await this.move(r, 'removed', transitions, tx => tx.releaseVip(r.host));
      }
    }
    await this.options.status?.recordPass(
      clusterReconcileStatuses(results, dnsOutcomes, this.now()),
    );
    const endDates = requests
      .filter(r => r.state !== 'revoking' && r.endDate)
      .map(r => new Date(r.endDate!).getTime())
      .filter(ms => ms > this.now().getTime());
    const nextEndDate = endDates.length
      ? new Date(Math.min(...endDates)).toISOString()
      : undefined;
    return {
      clusters: results,
      dns,
      ...(meshConfig.length > 0 ? { meshConfig } : {}),
      transitions,
      ...(nextEndDate ? { nextEndDate } : {}),
    };
  }

  /** Through Git for clusters delivered so, directly for the others. */
  private deliver(
    requests: ExposureRequest[],
    connection: ClusterConnection,
    objects: Parameters<ClusterExposureApplier['converge']>[1],
    observed: ObservedKubeObject[] | undefined,
  ): Promise<ClusterConvergence> {
    const delivery = this.options.git?.delivery.of(connection.name);
    if (delivery?.mode === 'git') {
      return this.options.git!.deliver.converge(
        connection,
        delivery,
        objects,
        observed,
        pullRequestText(requests, this.options.git!.appBaseUrl),
      );
    }
    return this.options.applier.converge(connection, objects, observed);
  }

  private recordAttempt(result: ClusterConvergence, nowMs: number) {
    const previous = this.failures.get(result.cluster);
    if (!result.error) {
      this.failures.delete(result.cluster);
      return;
    }
    if (previous && previous.nextAttemptAt > nowMs) {
      return; // this pass skipped the cluster; it is not a new failure
    }
    const { baseMs, maxMs } = this.options.backoff ?? {
      baseMs: 30_000,
      maxMs: 600_000,
    };
    const count = (previous?.count ?? 0) + 1;
    const delay = count <= 1 ? 0 : Math.min(baseMs * 2 ** (count - 2), maxMs);
    this.failures.set(result.cluster, { count, nextAttemptAt: nowMs + delay });
  }

  /** Requests whose objects belong in the clusters or are on their way out. */
  private openRequests(): Promise<ExposureRequest[]> {
    return listAllRequests(this.options.store, VIP_HOLDING_EXPOSURE_STATES);
  }

  /**
   * Moves the request by `event` with its audit event, and whatever `alsoInTransaction`
   * writes, in one transaction. False when someone else changed it first.
   */
  private async move(
    r: ExposureRequest,
    event: Parameters<typeof nextExposureState>[2],
    transitions: string[],
    alsoInTransaction?: (store: ExposureStore) => Promise<void>,
  ): Promise<boolean> {
    const to = nextExposureState(r.id, r.state, event);
    const moved = await this.options.transaction(async ({ store, audit }) => {
      const changed = await store.transitionRequest(r.id, r.state, to, {
        updatedAt: this.now().toISOString(),
      });
      if (changed) {
        await alsoInTransaction?.(store);
        await audit.append({
          actor: 'crossmesh:reconciler',
          action: `exposure.${to}`,
          clusterName: r.sourceCluster,
          details: { requestId: r.id, host: r.host, from: r.state, to },
        });
      }
      return changed;
    });
    if (moved) {
      transitions.push(`${r.id}: ${r.state} -> ${to}`);
      r.state = to;
    }
    return moved;
  }
}

/** A cluster this pass left alone, and why. */
function untouched(cluster: string, error: string): ClusterConvergence {
  return { ...emptyConvergence(cluster), error };
}
