import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ConfirmationRequired } from '@crossmesh/backstage-plugin-crossmesh-common';
import { KeyType } from '../pki';
import { CacertsDistribution } from './cluster';
import { DistributionService } from './DistributionService';
import { IntermediateService } from './IntermediateService';
import { materialChanged, RootConfirmations } from './RootConfirmations';
import { RootService } from './RootService';
import { publicationBlockers, rootRetirementBlockers } from './rootRetirement';
import {
  bothRootsBlocker,
  confirmationRootOf,
  dropSummary,
  nextRotation,
  oldIntermediatesBlocker,
  renewedWorkloadsBlocker,
  rotationUnderWayBlocker,
  startSummary,
} from './rotationChecks';
import { RotationWait, rotationWait } from './rotationWait';
import { StoredConfirmation } from './store/ConfirmationStore';
import { RootRotation, StoredRoot } from './store/TrustStore';
import { TrustWrites } from './store/TrustTransaction';
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

/**
 * Istio's multi-root rotation, one phase at a time: every cluster trusts both roots, then
 * every intermediate moves to the new root, then the old root is retired. Each phase is
 * distributed to every cluster at once. Starting a rotation and dropping the old root
 * need two platform members (ADR 0026): the first call asks, {@link confirm} by another
 * member carries it out.
 *
 * @internal
 */
export class RotationService {
  constructor(
    private readonly context: TrustContext,
    private readonly roots: RootService,
    private readonly intermediates: IntermediateService,
    private readonly distribution: DistributionService,
    private readonly confirmations: RootConfirmations,
  ) {}

  /**
   * Asks to start Istio's multi-root rotation to a new root (imported, or generated now so
   * that the confirming member sees its fingerprint): nothing changes until another
   * platform member confirms.
   */
  async startRotation(
    input:
      | { keyType: KeyType; validityDays: number }
      | { certPem: string; keyPem?: string },
    actor: string,
  ): Promise<ConfirmationRequired> {
    const oldRoot = await this.requireStartable();
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
    const confirmation = await this.confirmations.ask(
      {
        action: 'rotation.start',
        root: confirmationRootOf(candidate),
        basisFingerprintSha256: oldRoot.fingerprintSha256,
        summary: startSummary(oldRoot, candidate),
      },
      actor,
    );
    return { confirmation };
  }

  /**
   * Carries out a root operation another platform member asked for, once `actor` (someone
   * else) confirms the root's fingerprint they were shown. The audit event names both.
   */
  async confirm(
    id: string,
    fingerprintSha256: string,
    actor: string,
  ): Promise<RotationResult> {
    const stored = await this.confirmations.requireConfirmable(
      id,
      fingerprintSha256,
      actor,
    );
    return stored.action === 'rotation.start'
      ? this.startConfirmed(stored, actor)
      : this.dropConfirmed(stored, actor);
  }

  /** The active root a new rotation starts from, once every check passes. */
  private async requireStartable(): Promise<StoredRoot> {
    const { store } = this.context;
    const rotation = await store.getRotation();
    if (rotation.phase !== 'idle') {
      throw new ConflictError(rotationUnderWayBlocker(rotation));
    }
    const oldRoot = await store.getActiveRoot();
    if (!oldRoot) {
      throw new ConflictError(
        'The mesh has no root CA to rotate from; generate or import one first',
      );
    }
    // Distributing the new root opens every cluster's intermediate key.
    await this.context.requireKeyEncryption();
    return oldRoot;
  }

  /** Stores the confirmed root as `incoming` and makes every cluster trust both roots. */
  private async startConfirmed(
    confirmation: StoredConfirmation,
    actor: string,
  ): Promise<RotationResult> {
    const oldRoot = await this.requireStartable();
    if (oldRoot.fingerprintSha256 !== confirmation.basisFingerprintSha256) {
      throw materialChanged(
        `The mesh's root changed since the rotation was asked for (it is now SHA-256 ${oldRoot.fingerprintSha256})`,
      );
    }
    let next: RootRotation | undefined;
    await this.roots.storeNewRoot(
      confirmation.root,
      'incoming',
      'rotation.started',
      actor,
      async (writes, newRoot) => {
        const people = await this.confirmations.markConfirmed(
          writes,
          confirmation,
          actor,
        );
        next = {
          phase: 'trusting-both',
          oldRootId: oldRoot.id,
          newRootId: newRoot.id,
          updatedAt: this.context.now().toISOString(),
          updatedBy: actor,
        };
        await writes.store.setRotation(next);
        return { ...people, confirmationId: confirmation.id };
      },
    );
    return {
      rotation: next!,
      distribution: await this.distribution.distribute(actor),
    };
  }

  /**
   * Moves the rotation one phase on and converges every cluster to it; past "drop the old
   * root", asks for a second platform member's confirmation instead.
   */
  async advanceRotation(
    actor: string,
  ): Promise<RotationResult | ConfirmationRequired> {
    const { store, settings, connections } = this.context;
    const { rotation, newRoot } = await this.requireUnderWay();

    if (rotation.phase === 'trusting-both') {
      const untrusting = bothRootsBlocker(await this.distribution.inspect());
      if (untrusting) {
        throw new ConflictError(untrusting);
      }
      const unpublished = publicationBlockers(
        await this.distribution.publishedRoots(),
        {
          newRootFingerprint: newRoot.fingerprintSha256,
          oldRootFingerprint:
            (await store.getRoot(rotation.oldRootId!))?.fingerprintSha256 ?? '',
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

    const oldRoot = await this.requireDroppable(rotation, newRoot);
    const confirmation = await this.confirmations.ask(
      {
        action: 'rotation.drop-old-root',
        root: confirmationRootOf(oldRoot),
        basisFingerprintSha256: newRoot.fingerprintSha256,
        summary: dropSummary(oldRoot, newRoot),
      },
      actor,
    );
    return { confirmation };
  }

  private async requireUnderWay(): Promise<{
    rotation: RootRotation;
    newRoot: StoredRoot;
  }> {
    const { store } = this.context;
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
    return { rotation, newRoot };
  }

  /** Retires the old root once another platform member confirmed it, checking again first. */
  private async dropConfirmed(
    confirmation: StoredConfirmation,
    actor: string,
  ): Promise<RotationResult> {
    const { rotation, newRoot } = await this.requireUnderWay();
    if (
      rotation.phase !== 'intermediates-moved' ||
      newRoot.fingerprintSha256 !== confirmation.basisFingerprintSha256
    ) {
      throw materialChanged(
        `The rotation is no longer the one whose old root was to be dropped (phase '${rotation.phase}', new root SHA-256 ${newRoot.fingerprintSha256})`,
      );
    }
    const oldRoot = await this.requireDroppable(rotation, newRoot);
    if (oldRoot.fingerprintSha256 !== confirmation.fingerprintSha256) {
      throw materialChanged(
        `The old root is now SHA-256 ${oldRoot.fingerprintSha256}`,
      );
    }
    return this.moveRotation(rotation, 'idle', actor, async writes => {
      const people = await this.confirmations.markConfirmed(
        writes,
        confirmation,
        actor,
      );
      await writes.store.setRootState(rotation.oldRootId!, 'retired');
      await writes.store.setRootState(newRoot.id, 'active');
      return { ...people, confirmationId: confirmation.id };
    });
  }

  /** The old root, once no cluster needs it any more (intermediates-moved → idle). */
  private async requireDroppable(
    rotation: RootRotation,
    newRoot: StoredRoot,
  ): Promise<StoredRoot> {
    const { store } = this.context;
    const oldRoot = await store.getRoot(rotation.oldRootId!);
    if (!oldRoot) {
      throw new NotFoundError(`Root ${rotation.oldRootId} is missing`);
    }
    const stillOld = oldIntermediatesBlocker(
      await store.listCurrentIntermediates(),
      newRoot.id,
    );
    if (stillOld) {
      throw new ConflictError(stillOld);
    }
    // What the clusters hold and what their istiods publish, not only what was recorded.
    const blockers = rootRetirementBlockers({
      newRootFingerprint: newRoot.fingerprintSha256,
      oldRootFingerprint: oldRoot.fingerprintSha256,
      inspections: await this.distribution.inspect(),
      published: await this.distribution.publishedRoots(),
    });
    if (blockers.length) {
      throw new ConflictError(
        `The old root cannot be dropped yet: ${blockers.join('; ')}`,
      );
    }
    await this.requireRenewedWorkloads(rotation);
    return oldRoot;
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
    const blocker = renewedWorkloadsBlocker({
      rotation,
      workloadCertificateTtlMs: this.context.settings.workloadCertificateTtlMs,
      restarts: await this.distribution.istiodRestarts(),
      now: this.context.now(),
    });
    if (blocker) {
      throw new ConflictError(blocker);
    }
  }

  private async moveRotation(
    rotation: RootRotation,
    phase: RootRotation['phase'],
    actor: string,
    alsoInTransaction?: (
      writes: TrustWrites,
    ) => Promise<Record<string, unknown> | void>,
  ): Promise<RotationResult> {
    const next = nextRotation(rotation, phase, actor, this.context.now());
    await this.context.stores.transaction(async writes => {
      const moreDetails = await alsoInTransaction?.(writes);
      await writes.store.setRotation(next);
      await writes.audit.append({
        actor,
        action:
          phase === 'idle'
            ? 'rotation.completed'
            : 'rotation.intermediates-moved',
        details: {
          oldRootId: rotation.oldRootId,
          newRootId: rotation.newRootId,
          ...moreDetails,
        },
      });
    });
    return {
      rotation: next,
      distribution: await this.distribution.distribute(actor),
    };
  }
}
