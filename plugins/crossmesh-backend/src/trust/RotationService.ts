import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ConfirmationRequired } from '@crossmesh/backstage-plugin-crossmesh-common';
import { KeyType } from '../pki';
import { CacertsDistribution } from './cluster';
import { DistributionService } from './DistributionService';
import { IntermediateService } from './IntermediateService';
import { materialChanged, RootConfirmations } from './RootConfirmations';
import { candidateFields, RootCandidate, RootService } from './RootService';
import { publicationBlockers, rootRetirementBlockers } from './rootRetirement';
import { RotationWait, rotationWait } from './rotationWait';
import {
  ConfirmationRoot,
  StoredConfirmation,
} from './store/ConfirmationStore';
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

const ROTATION_NEXT: Record<RootRotation['phase'], string> = {
  idle: 'start a rotation with a new root',
  'trusting-both':
    "advance: sign every cluster's intermediate with the new root",
  'intermediates-moved': 'advance: stop trusting the old root',
};

/**
 * What a confirmation stores of a root: a new root's sealed key, never a key in clear (a
 * candidate carries one), and no key of a stored root that is only being dropped.
 */
function confirmationRootOf(
  root: RootCandidate | StoredRoot,
): ConfirmationRoot {
  const fields = candidateFields(root);
  return 'id' in root ? { ...fields, sealedKey: null } : fields;
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
        summary: `Rotate the mesh's root from ${oldRoot.subject} (SHA-256 ${oldRoot.fingerprintSha256}) to the ${candidate.source} root ${candidate.subject} (SHA-256 ${candidate.fingerprintSha256}): every cluster starts trusting it`,
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
        summary: `Stop trusting the old root ${oldRoot.subject} (SHA-256 ${oldRoot.fingerprintSha256}) in every cluster; ${newRoot.subject} (SHA-256 ${newRoot.fingerprintSha256}) stays`,
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
    alsoInTransaction?: (
      writes: TrustWrites,
    ) => Promise<Record<string, unknown> | void>,
  ): Promise<RotationResult> {
    const next: RootRotation = {
      phase,
      oldRootId: phase === 'idle' ? null : rotation.oldRootId,
      newRootId: phase === 'idle' ? null : rotation.newRootId,
      updatedAt: this.context.now().toISOString(),
      updatedBy: actor,
    };
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

function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
