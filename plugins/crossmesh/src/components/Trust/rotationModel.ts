import {
  TrustInspection,
  TrustRoot,
  TrustRotation,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { cacertsStatus, CacertsStatus } from './cacertsStatus';

export type RotationStepId =
  | 'add-new-root'
  | 'move-intermediates'
  | 'retire-old-root';

/**
 * Where a step stands. A step that waits on something besides its turn (a second
 * person's confirmation, say) becomes one more state here.
 */
export type RotationStepState = 'done' | 'current' | 'upcoming';

export interface RotationStep {
  id: RotationStepId;
  title: string;
  /** What running the step does to the clusters. */
  effect: string;
  /** The button that runs the step, and the dialog's confirm button. */
  actionLabel: string;
  /** Takes trust away: the confirm button is red. */
  destructive: boolean;
  state: RotationStepState;
}

const STEP_ORDER: RotationStepId[] = [
  'add-new-root',
  'move-intermediates',
  'retire-old-root',
];

const CURRENT_STEP: Record<TrustRotation['phase'], RotationStepId> = {
  idle: 'add-new-root',
  'trusting-both': 'move-intermediates',
  'intermediates-moved': 'retire-old-root',
};

/** Where the rotation stands, in words, after "The mesh is …" or a step's result. */
export function rotationPhaseWords(phase: TrustRotation['phase']): string {
  switch (phase) {
    case 'trusting-both':
      return 'every cluster trusts the old and the new root; intermediates still come from the old one.';
    case 'intermediates-moved':
      return 'intermediates come from the new root; clusters still trust the old root until it is retired.';
    default:
      return 'no rotation under way; the mesh trusts a single root.';
  }
}

function stepTexts(
  mode: TrustState['mode'],
): Record<RotationStepId, Omit<RotationStep, 'id' | 'state'>> {
  const offline = mode === 'offline-root';
  return {
    'add-new-root': {
      title: 'Add the new root',
      effect: offline
        ? "crossmesh imports the new root's certificate as incoming and writes both roots into every cluster's root-cert.pem, so workloads trust certificates from either. istiod and the gateway restart where cacerts changes. A second platform member confirms it before anything changes."
        : "crossmesh generates or imports the new root as incoming and writes both roots into every cluster's root-cert.pem, so workloads trust certificates from either. istiod and the gateway restart where cacerts changes. A second platform member confirms it before anything changes.",
      actionLabel: 'Start rotation',
      destructive: false,
    },
    'move-intermediates': {
      title: 'Move the intermediates to the new root',
      effect: offline
        ? 'From now on CSRs are signed with the new root: create each cluster’s CSR, sign it offline with the new root and upload the certificate. crossmesh refuses while a cluster does not trust both roots yet.'
        : "crossmesh signs a new intermediate for every cluster with the new root and writes each cluster's cacerts; istiod then issues workload certificates from it. crossmesh refuses while a cluster does not trust both roots yet.",
      actionLabel: 'Move intermediates',
      destructive: false,
    },
    'retire-old-root': {
      title: 'Stop trusting the old root',
      effect:
        "crossmesh retires the old root and removes it from every cluster's root-cert.pem. Certificates that still chain to it stop being trusted, so let workloads renew theirs first. crossmesh refuses while a cluster's intermediate still comes from the old root. A second platform member confirms it before anything changes.",
      actionLabel: 'Retire old root',
      destructive: true,
    },
  };
}

/** The three steps of Istio's multi-root rotation, and which one is next. */
export function rotationSteps(trust: TrustState): RotationStep[] {
  const texts = stepTexts(trust.mode);
  const current = STEP_ORDER.indexOf(CURRENT_STEP[trust.rotation.phase]);
  return STEP_ORDER.map((id, index) => {
    let state: RotationStepState = 'upcoming';
    if (index < current) state = 'done';
    else if (index === current) state = 'current';
    return { id, state, ...texts[id] };
  });
}

/** The roots a rotation moves between; the active one alone when none is under way. */
export function rotationRoots(trust: TrustState): {
  oldRoot?: TrustRoot;
  newRoot?: TrustRoot;
} {
  const byId = (id: string | null) => trust.roots.find(r => r.id === id);
  if (trust.rotation.phase === 'idle') {
    return { oldRoot: trust.roots.find(r => r.state === 'active') };
  }
  return {
    oldRoot: byId(trust.rotation.oldRootId),
    newRoot: byId(trust.rotation.newRootId),
  };
}

/**
 * One cluster during a rotation: what its `cacerts` holds, and which root signed its
 * intermediate. What its istiod publishes becomes one more field here.
 */
export interface RotationClusterRow {
  cluster: string;
  cacerts: CacertsStatus;
  intermediateFrom: 'old root' | 'new root' | 'no intermediate';
}

export function rotationClusterRows(
  clusters: string[],
  trust: TrustState,
  inspections: TrustInspection[] | undefined,
): RotationClusterRow[] {
  const { newRoot } = rotationRoots(trust);
  return clusters.map(cluster => {
    const intermediate = trust.intermediates.find(
      i => i.clusterName === cluster && i.state === 'current',
    );
    let intermediateFrom: RotationClusterRow['intermediateFrom'] =
      'no intermediate';
    if (intermediate) {
      intermediateFrom =
        newRoot && intermediate.rootId === newRoot.id ? 'new root' : 'old root';
    }
    return {
      cluster,
      cacerts: cacertsStatus(
        cluster,
        trust,
        inspections?.find(i => i.cluster === cluster),
      ),
      intermediateFrom,
    };
  });
}
