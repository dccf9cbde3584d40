import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { KeyType } from '../pki';
import { CacertsDistribution } from './cluster';
import { DistributionService } from './DistributionService';
import { IntermediateService } from './IntermediateService';
import { RootService } from './RootService';
import { publicationBlockers, rootRetirementBlockers } from './rootRetirement';
import { RotationWait, rotationWait } from './rotationWait';
import { RootRotation, TrustStore } from './store/TrustStore';
import { TrustContext } from './TrustContext';

/**
 * A rotation's phase and what distributing it to the clusters did.
 *
 * @internal
 */
export interface RotationResult {
  rotation: RootRotation;
  distribution: CacertsDistribution[];
}

const ROTATION_NEXT: Record<RootRotation['phase'], string> = {
  idle: 'start a rotation with a new root',
  'trusting-both':
    "advance: sign every cluster's intermediate with the new root",
  'intermediates-moved': 'advance: stop trusting the old root',
};

/**
 * Istio's multi-root rotation, one phase at a time: every cluster trusts both roots, then
 * every intermediate moves to the new root, then the old root is retired. Each phase is
 * distributed to every cluster at once.
 *
 * @internal
 */
export class RotationService {
  constructor(
    private readonly context: TrustContext,
    private readonly roots: RootService,
    private readonly intermediates: IntermediateService,
    private readonly distribution: DistributionService,
  ) {}

  /**
   * Starts Istio's multi-root rotation: stores the new root as `incoming` and makes every
   * cluster trust both roots.
   */
  async startRotation(
    input:
      | { keyType: KeyType; validityDays: number }
      | { certPem: string; keyPem?: string },
    actor: string,
  ): Promise<RotationResult> {
    const { store } = this.context;
    const rotation = await store.getRotation();
    if (rotation.phase !== 'idle') {
      throw new ConflictError(
        `A root rotation is already in phase '${rotation.phase}'; next: ${
          ROTATION_NEXT[rotation.phase]
        }`,
      );
    }
    const oldRoot = await store.getActiveRoot();
    if (!oldRoot) {
      throw new ConflictError(
        'The mesh has no root CA to rotate from; generate or import one first',
      );
    }
    // Distributing the new root opens every cluster's intermediate key.
    await this.context.requireKeyEncryption();
    let candidate;
    if ('certPem' in input) {
      candidate = this.roots.checkRootInput(input);
    } else {
      this.context.requireMode('managed', 'generate a new root CA');
      candidate = await this.roots.generateCandidate(input);
    }
    if (candidate.fingerprintSha256 === oldRoot.fingerprintSha256) {
      throw new InputError(
        'The new root is the same certificate as the current root; rotate to a different root',
      );
    }
    let next: RootRotation | undefined;
    await this.roots.storeNewRoot(
      candidate,
      'incoming',
      'rotation.started',
      actor,
      async (tx, newRoot) => {
        next = {
          phase: 'trusting-both',
          oldRootId: oldRoot.id,
          newRootId: newRoot.id,
          updatedAt: this.context.now().toISOString(),
          updatedBy: actor,
        };
        await tx.setRotation(next);
      },
    );
    return {
      rotation: next!,
      distribution: await this.distribution.distribute(actor),
    };
  }

  /** Moves the rotation one phase on and converges every cluster to it. */
  async advanceRotation(actor: string): Promise<RotationResult> {
    const { store, settings, connections } = this.context;
    const rotation = await store.getRotation();
    if (
      rotation.phase === 'idle' ||
      !rotation.newRootId ||
      !rotation.oldRootId
    ) {
      throw new ConflictError(
        'No root rotation is under way; start one with a new root first',
      );
    }
    const newRoot = await store.getRoot(rotation.newRootId);
    if (!newRoot) {
      throw new NotFoundError(`Root ${rotation.newRootId} is missing`);
    }
    await this.context.requireKeyEncryption();

    if (rotation.phase === 'trusting-both') {
      const failed = (await this.distribution.inspect()).filter(
        i => i.error || i.report?.status === 'missing',
      );
      if (failed.length) {
        throw new ConflictError(
          `Not every cluster trusts both roots yet (${failed
            .map(f => f.cluster)
            .join(
              ', ',
            )}); fix them and distribute again before moving intermediates`,
        );
      }
      const unpublished = publicationBlockers(
        await this.distribution.publishedRoots(),
        {
          newRootFingerprint: newRoot.fingerprintSha256,
          oldRootFingerprint:
            (await store.getRoot(rotation.oldRootId))?.fingerprintSha256 ?? '',
          consequence:
            'so its workloads would refuse certificates from the new intermediates',
        },
      );
      if (unpublished.length) {
        throw new ConflictError(
          `The intermediates cannot move to the new root yet: ${unpublished.join(
            '; ',
          )}`,
        );
      }
      await this.requireRenewedWorkloads(rotation);
      if (settings.mode === 'managed') {
        for (const c of connections) {
          await this.intermediates.signIntermediate(newRoot, c.name, actor);
        }
      }
      return this.moveRotation(rotation, 'intermediates-moved', actor);
    }

    // intermediates-moved → idle: the old root is no longer trusted anywhere.
    const stillOld = (await store.listCurrentIntermediates()).filter(
      i => i.rootId !== newRoot.id,
    );
    if (stillOld.length) {
      throw new ConflictError(
        `These clusters still have intermediates from the old root: ${stillOld
          .map(i => i.clusterName)
          .join(
            ', ',
          )}; issue (or, with an offline root, upload) new ones first`,
      );
    }
    // What the clusters hold and what their istiods publish, not only what was recorded.
    const blockers = rootRetirementBlockers({
      newRootFingerprint: newRoot.fingerprintSha256,
      oldRootFingerprint:
        (await store.getRoot(rotation.oldRootId))?.fingerprintSha256 ?? '',
      inspections: await this.distribution.inspect(),
      published: await this.distribution.publishedRoots(),
    });
    if (blockers.length) {
      throw new ConflictError(
        `The old root cannot be dropped yet: ${blockers.join('; ')}`,
      );
    }
    await this.requireRenewedWorkloads(rotation);
    return this.moveRotation(rotation, 'idle', actor, async tx => {
      await tx.setRootState(rotation.oldRootId!, 'retired');
      await tx.setRootState(newRoot.id, 'active');
    });
  }

  /** While a rotation is under way, when its next phase may begin; null when none is. */
  async currentWait(): Promise<RotationWait | null> {
    const rotation = await this.context.store.getRotation();
    if (rotation.phase === 'idle') {
      return null;
    }
    return rotationWait({
      phaseStartedAt: rotation.updatedAt,
      workloadCertificateTtlMs: this.context.settings.workloadCertificateTtlMs,
      restarts: await this.distribution.istiodRestarts(),
    });
  }

  /**
   * Refuses the next phase until every workload has renewed its certificate since the
   * current phase took effect in every cluster (ADR 0022), naming the clusters that hold it
   * back and the time it may advance.
   */
  private async requireRenewedWorkloads(rotation: RootRotation) {
    const ttlMs = this.context.settings.workloadCertificateTtlMs;
    const restarts = await this.distribution.istiodRestarts();
    const unreadable = restarts.filter(r => r.error);
    if (unreadable.length) {
      throw new ConflictError(
        `crossmesh cannot tell when istiod took the current phase in ${unreadable
          .map(r => `${r.cluster} (${r.error})`)
          .join(
            ', ',
          )}; crossmesh needs get on Deployment istio-system/istiod (deploy/rbac.yaml)`,
      );
    }
    const wait = rotationWait({
      phaseStartedAt: rotation.updatedAt,
      workloadCertificateTtlMs: ttlMs,
      restarts,
    });
    if (this.context.now().getTime() >= Date.parse(wait.mayAdvanceAt)) {
      return;
    }
    const clusters = wait.heldBackBy.join(', ');
    const lifetime = `one workload-certificate lifetime (crossmesh.trust.workloadCertificateTtl: ${describeDuration(
      ttlMs,
    )})`;
    throw new ConflictError(
      rotation.phase === 'trusting-both'
        ? `Workloads may still trust only the old root: istiod in ${clusters} serves both roots since ${wait.tookEffectAt}, and a workload takes new roots when it renews its certificate, within ${lifetime}. The intermediates may move to the new root at ${wait.mayAdvanceAt}; ask again then`
        : `Workloads may still hold certificates from the old intermediates: istiod in ${clusters} signs with the new intermediate since ${wait.tookEffectAt}, and a workload renews its certificate within ${lifetime}. The old root may be dropped at ${wait.mayAdvanceAt}; ask again then`,
    );
  }

  private async moveRotation(
    rotation: RootRotation,
    phase: RootRotation['phase'],
    actor: string,
    alsoInTransaction?: (tx: TrustStore) => Promise<void>,
  ): Promise<RotationResult> {
    const next: RootRotation = {
      phase,
      oldRootId: phase === 'idle' ? null : rotation.oldRootId,
      newRootId: phase === 'idle' ? null : rotation.newRootId,
      updatedAt: this.context.now().toISOString(),
      updatedBy: actor,
    };
    await this.context.stores.transaction(async ({ store: tx, audit }) => {
      await alsoInTransaction?.(tx);
      await tx.setRotation(next);
      await audit.append({
        actor,
        action:
          phase === 'idle'
            ? 'rotation.completed'
            : 'rotation.intermediates-moved',
        details: {
          oldRootId: rotation.oldRootId,
          newRootId: rotation.newRootId,
        },
      });
    });
    return {
      rotation: next,
      distribution: await this.distribution.distribute(actor),
    };
  }
}

function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
