import type { ClusterTrustInspection, IstiodRestart } from './cluster';
import { candidateFields, RootCandidate } from './RootService';
import { rotationWait } from './rotationWait';
import type { ConfirmationRoot } from './store/ConfirmationStore';
import type {
  RootRotation,
  StoredIntermediate,
  StoredRoot,
} from './store/TrustStore';

/**
 * What a rotation's steps decide, apart from the I/O: why a step must wait (one sentence
 * for the 409, undefined when it may go on), what a confirmation records, and the phase a
 * step writes. Pure: plain data in and out.
 */

/** What each phase allows next. */
const ROTATION_NEXT: Record<RootRotation['phase'], string> = {
  idle: 'start a rotation with a new root',
  'trusting-both':
    "advance: sign every cluster's intermediate with the new root",
  'intermediates-moved': 'advance: stop trusting the old root',
};

/** Why a new rotation cannot start while one is in `rotation.phase`, naming what comes next. */
export function rotationUnderWayBlocker(rotation: RootRotation): string {
  return `A root rotation is already in phase '${rotation.phase}'; next: ${
    ROTATION_NEXT[rotation.phase]
  }`;
}

/**
 * What a confirmation stores of a root: a new root's sealed key, never a key in clear (a
 * candidate carries one), and no key of a stored root that is only being dropped.
 */
export function confirmationRootOf(
  root: RootCandidate | StoredRoot,
): ConfirmationRoot {
  const fields = candidateFields(root);
  return 'id' in root ? { ...fields, sealedKey: null } : fields;
}

/** What confirming a rotation's start does, in one sentence. */
export function startSummary(
  oldRoot: StoredRoot,
  candidate: RootCandidate,
): string {
  return `Rotate the mesh's root from ${oldRoot.subject} (SHA-256 ${oldRoot.fingerprintSha256}) to the ${candidate.source} root ${candidate.subject} (SHA-256 ${candidate.fingerprintSha256}): every cluster starts trusting it`;
}

/** What confirming the old root's drop does, in one sentence. */
export function dropSummary(oldRoot: StoredRoot, newRoot: StoredRoot): string {
  return `Stop trusting the old root ${oldRoot.subject} (SHA-256 ${oldRoot.fingerprintSha256}) in every cluster; ${newRoot.subject} (SHA-256 ${newRoot.fingerprintSha256}) stays`;
}

/** Clusters whose `cacerts` could not be read or is missing: they do not trust both roots yet. */
export function bothRootsBlocker(
  inspections: ClusterTrustInspection[],
): string | undefined {
  const failed = inspections.filter(
    i => i.error || i.report?.status === 'missing',
  );
  if (!failed.length) {
    return undefined;
  }
  return `Not every cluster trusts both roots yet (${failed
    .map(f => f.cluster)
    .join(', ')}); fix them and distribute again before moving intermediates`;
}

/** Clusters whose current intermediate is not yet signed by the new root. */
export function oldIntermediatesBlocker(
  current: StoredIntermediate[],
  newRootId: string,
): string | undefined {
  const stillOld = current.filter(i => i.rootId !== newRootId);
  if (!stillOld.length) {
    return undefined;
  }
  return `These clusters still have intermediates from the old root: ${stillOld
    .map(i => i.clusterName)
    .join(', ')}; issue (or, with an offline root, upload) new ones first`;
}

/**
 * Why the next phase must wait for the workloads to renew their certificates since the
 * current phase took effect in every cluster (ADR 0022): a cluster whose istiod restart
 * cannot be read, or the clusters that hold it back and the time it may advance.
 */
export function renewedWorkloadsBlocker(options: {
  rotation: RootRotation;
  workloadCertificateTtlMs: number;
  restarts: IstiodRestart[];
  now: Date;
}): string | undefined {
  const { rotation, restarts } = options;
  const ttlMs = options.workloadCertificateTtlMs;
  const unreadable = restarts.filter(r => r.error);
  if (unreadable.length) {
    return `crossmesh cannot tell when istiod took the current phase in ${unreadable
      .map(r => `${r.cluster} (${r.error})`)
      .join(
        ', ',
      )}; crossmesh needs get on Deployment istio-system/istiod (deploy/rbac.yaml)`;
  }
  const wait = rotationWait({
    phaseStartedAt: rotation.updatedAt,
    workloadCertificateTtlMs: ttlMs,
    restarts,
  });
  if (options.now.getTime() >= Date.parse(wait.mayAdvanceAt)) {
    return undefined;
  }
  const clusters = wait.heldBackBy.join(', ');
  const lifetime = `one workload-certificate lifetime (crossmesh.trust.workloadCertificateTtl: ${describeDuration(
    ttlMs,
  )})`;
  return rotation.phase === 'trusting-both'
    ? `Workloads may still trust only the old root: istiod in ${clusters} serves both roots since ${wait.tookEffectAt}, and a workload takes new roots when it renews its certificate, within ${lifetime}. The intermediates may move to the new root at ${wait.mayAdvanceAt}; ask again then`
    : `Workloads may still hold certificates from the old intermediates: istiod in ${clusters} signs with the new intermediate since ${wait.tookEffectAt}, and a workload renews its certificate within ${lifetime}. The old root may be dropped at ${wait.mayAdvanceAt}; ask again then`;
}

/** The rotation record after moving to `phase`; back at `idle` it names no roots. */
export function nextRotation(
  rotation: RootRotation,
  phase: RootRotation['phase'],
  actor: string,
  now: Date,
): RootRotation {
  return {
    phase,
    oldRootId: phase === 'idle' ? null : rotation.oldRootId,
    newRootId: phase === 'idle' ? null : rotation.newRootId,
    updatedAt: now.toISOString(),
    updatedBy: actor,
  };
}

function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
