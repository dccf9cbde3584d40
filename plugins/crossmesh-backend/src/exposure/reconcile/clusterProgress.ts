import type {
  ExposureClusterStatus,
  ExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { AuditLog } from '../../audit';
import type { ExposureStore } from '../store/ExposureStore';
import { requestIdLabelValue } from '../render/names';
import type {
  ClusterConvergence,
  PendingDelivery,
} from './ClusterExposureApplier';
import { ALL_REQUESTS } from './GitClusterDelivery';

/**
 * The clusters a request involves: its consumers, and the cluster it runs in.
 *
 * @internal
 */
export function involvedClusters(
  request: ExposureRequest,
): Array<{ cluster: string; role: 'consumer' | 'exporter' }> {
  return [
    ...request.consumerClusters.map(cluster => ({
      cluster,
      role: 'consumer' as const,
    })),
    { cluster: request.sourceCluster, role: 'exporter' as const },
  ];
}

/**
 * A cluster's status for a request after a pass: failed with the error, on its way through
 * Git, or done (applied, or removed for a request being revoked). `waiting` is set while
 * the change is on its way; the pull request stays once it has been merged.
 *
 * @internal
 */
export function clusterProgress(
  request: ExposureRequest,
  result: ClusterConvergence | undefined,
  problem: string | undefined,
  previous: ExposureClusterStatus | undefined,
): {
  state: ExposureClusterStatus['state'];
  error: string | null;
  waiting?: PendingDelivery;
  pullRequest?: ExposureClusterStatus['pullRequest'];
} {
  const pending = asDrift(
    pendingFor(request, result?.pending, previous?.state),
    previous?.state,
  );
  const refused =
    pending?.step === 'refused' || pending?.step === 'flux-failed'
      ? pending
      : undefined;
  const waiting = refused ? undefined : pending;
  const error = problem ?? result?.error ?? refused?.detail ?? null;
  let state: ExposureClusterStatus['state'] = 'applied';
  if (error) {
    state = 'failed';
  } else if (waiting) {
    state = waiting.step as 'waiting-for-merge' | 'syncing' | 'drifted';
  } else if (request.state === 'revoking') {
    state = 'removed';
  }
  const pullRequest = pending?.pullRequest ?? previous?.pullRequest;
  return {
    state,
    error: state === 'drifted' ? waiting!.detail : error,
    ...(waiting ? { waiting } : {}),
    ...(pullRequest
      ? { pullRequest: { number: pullRequest.number, url: pullRequest.url } }
      : {}),
  };
}

/**
 * A request that was applied (or had drifted) and now differs from what Git holds, with no
 * change of Git on its way, has drifted: the cluster changed, not Git.
 */
function asDrift(
  pending: PendingDelivery | undefined,
  previous: ExposureClusterStatus['state'] | undefined,
): PendingDelivery | undefined {
  if (
    !pending?.ifApplied ||
    (previous !== 'applied' && previous !== 'drifted')
  ) {
    return pending;
  }
  return { step: 'drifted', detail: pending.ifApplied.drifted };
}

/**
 * Where a request's change to a cluster delivered through Git is, if still on its way. What
 * holds back every request (a shared object) holds back those not yet through.
 */
function pendingFor(
  request: ExposureRequest,
  pending: ReadonlyMap<string, PendingDelivery> | undefined,
  previous: ExposureClusterStatus['state'] | undefined,
): PendingDelivery | undefined {
  if (!pending || pending.size === 0) return undefined;
  const own = pending.get(requestIdLabelValue(request.id));
  if (own) return own;
  const shared = pending.get(ALL_REQUESTS);
  const done = request.state === 'revoking' ? 'removed' : 'applied';
  // A change of a shared object on its way is another request's; its drift is everyone's.
  return previous === done && shared?.step !== 'drifted' ? undefined : shared;
}

/**
 * Records where `request` is in each cluster it involves after a pass (writing only what
 * changed), tells people of a first failure, audits each step through Git, and says whether
 * every cluster is done.
 *
 * @internal
 */
export async function recordClusterProgress(
  request: ExposureRequest,
  pass: {
    results: ReadonlyMap<string, ClusterConvergence>;
    problem: string | undefined;
    store: ExposureStore;
    audit: AuditLog;
    onOutcome?: (
      request: ExposureRequest,
      outcome: 'failed',
      detail: string,
    ) => Promise<void>;
    now: string;
  },
): Promise<boolean> {
  let allDone = true;
  for (const { cluster, role } of involvedClusters(request)) {
    const previous = request.clusters.find(
      s => s.cluster === cluster && s.role === role,
    );
    const { state, error, waiting, pullRequest } = clusterProgress(
      request,
      pass.results.get(cluster),
      pass.problem,
      previous,
    );
    if (error || waiting) allDone = false;
    if (state === 'failed' && previous?.state !== 'failed') {
      await pass.onOutcome?.(request, 'failed', `${cluster}: ${error}`);
    }
    if (
      previous?.state === state &&
      previous?.lastError === error &&
      previous?.pullRequest?.number === pullRequest?.number
    ) {
      continue;
    }
    await pass.store.setClusterStatus(request.id, {
      cluster,
      role,
      state,
      lastError: error,
      ...(pullRequest ? { pullRequest } : {}),
      updatedAt: pass.now,
    });
    if (waiting && previous?.state !== state) {
      await pass.audit.append({
        actor: 'crossmesh:reconciler',
        action: `exposure.${waiting.step}`,
        clusterName: cluster,
        details: {
          requestId: request.id,
          host: request.host,
          detail: waiting.detail,
          ...(pullRequest ? { pullRequest: pullRequest.url } : {}),
        },
      });
    }
  }
  return allDone;
}
