import {
  ClusterReconcileStatus,
  MeshCluster,
  ReconcileDnsState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConvergence } from './ClusterExposureApplier';
import type { DnsPending } from '../delivery/GitDnsWiring';

/**
 * The `.global` DNS outcome of one cluster in a pass.
 *
 * @internal
 */
export interface ClusterDnsOutcome {
  dns: ReconcileDnsState | null;
  dnsError: string | null;
  /** What a DNS edit through Git waits for. */
  dnsDetail?: string;
}

/**
 * Names the DNS outcome of one cluster: `wantsForwarding` says whether the pass wired
 * (rather than unwired) it; `attempt` is what that returned, undefined when the pass did
 * not touch the cluster's DNS.
 *
 * @internal
 */
export function dnsOutcomeOf(
  observed: MeshCluster | undefined,
  wantsForwarding: boolean,
  attempt:
    | { changed: boolean; error?: string; pending?: DnsPending }
    | undefined,
): ClusterDnsOutcome {
  if (
    observed?.reachable &&
    (observed.strategy === 'dns-proxy' || observed.strategy === 'multi-primary')
  ) {
    return { dns: 'not-needed', dnsError: null };
  }
  if (!attempt) {
    return { dns: null, dnsError: null };
  }
  if (attempt.error) {
    return { dns: 'failed', dnsError: attempt.error };
  }
  if (attempt.pending) {
    const { state, detail } = attempt.pending;
    return { dns: state, dnsError: null, dnsDetail: detail };
  }
  if (!wantsForwarding) {
    return { dns: 'not-needed', dnsError: null };
  }
  return { dns: attempt.changed ? 'wired' : 'unchanged', dnsError: null };
}

/**
 * One status per cluster from a pass's convergence results (whose `error` already
 * includes DNS failures) and DNS outcomes.
 *
 * @internal
 */
export function clusterReconcileStatuses(
  results: ClusterConvergence[],
  dns: Map<string, ClusterDnsOutcome>,
  finishedAt: Date,
): ClusterReconcileStatus[] {
  return results.map(r => ({
    cluster: r.cluster,
    finishedAt: finishedAt.toISOString(),
    ok: !r.error,
    error: r.error ?? null,
    applied: r.applied,
    removed: r.deleted,
    ...(dns.get(r.cluster) ?? { dns: null, dnsError: null }),
  }));
}
