import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import {
  acceptSignedIntermediate,
  createIntermediateCsr,
  issueIntermediateCa,
  KeyType,
  sealPrivateKey,
} from '../pki';
import { CacertsDistribution } from './cluster';
import { DistributionService } from './DistributionService';
import { StoredIntermediate, StoredRoot } from './store/TrustStore';
import {
  IntermediateView,
  toIntermediateView,
  TrustContext,
} from './TrustContext';

/**
 * A new intermediate and what distributing it did.
 *
 * @internal
 */
export interface IssueResult {
  intermediate: IntermediateView;
  distribution: CacertsDistribution;
}

/**
 * Each cluster's intermediate CA: signed by crossmesh with the root (managed), or from a
 * CSR an operator signs with an offline root; renewed before it expires. Every new
 * intermediate is distributed to its cluster at once.
 *
 * @internal
 */
export class IntermediateService {
  constructor(
    private readonly context: TrustContext,
    private readonly distribution: DistributionService,
  ) {}

  /**
   * Issues a new intermediate for a cluster from the active root and distributes it. The
   * key type is `options.keyType`, else the cluster's recorded one, else the configured one.
   */
  async issueIntermediate(
    clusterName: string,
    actor: string,
    options: { keyType?: KeyType } = {},
  ): Promise<IssueResult> {
    const connection = this.context.requireCluster(clusterName);
    this.context.requireMode('managed', 'sign intermediates');
    const root = await this.context.requireSigningRoot();
    await this.context.requireKeyEncryption();
    const intermediate = await this.signIntermediate(
      root,
      clusterName,
      actor,
      options.keyType,
    );
    return {
      intermediate,
      distribution: await this.distribution.distributeTo(connection, actor),
    };
  }

  /** Offline-root mode: makes the cluster's intermediate key and the CSR to sign. */
  async createCsr(
    clusterName: string,
    actor: string,
  ): Promise<{ clusterName: string; csrPem: string }> {
    const { context } = this;
    context.requireCluster(clusterName);
    context.requireMode('offline-root', 'create a CSR for an offline root');
    const kek = await context.requireKeyEncryption();
    await context.requireSigningRoot();
    const keyType = await context.keyTypeOf(clusterName);
    const csr = await createIntermediateCsr({ clusterName, keyType });
    await context.stores.transaction(async ({ store: tx, audit }) => {
      await tx.putPendingCsr({
        clusterName,
        csrPem: csr.csrPem,
        sealedKey: sealPrivateKey(csr.keyPem, kek),
        keyType,
        createdAt: context.now().toISOString(),
        createdBy: actor,
      });
      await audit.append({
        actor,
        action: 'intermediate.csr-created',
        clusterName,
        details: { keyType },
      });
    });
    return { clusterName, csrPem: csr.csrPem };
  }

  /** Offline-root mode: accepts the operator-signed certificate and distributes it. */
  async uploadSignedIntermediate(
    clusterName: string,
    certPem: string,
    actor: string,
  ): Promise<IssueResult> {
    const { context } = this;
    const connection = context.requireCluster(clusterName);
    context.requireMode('offline-root', 'upload a signed intermediate');
    const root = await context.requireSigningRoot();
    await context.requireKeyEncryption();
    const pending = await context.store.getPendingCsr(clusterName);
    if (!pending) {
      throw new ConflictError(
        `There is no CSR waiting for cluster '${clusterName}'; create one first (POST /trust/clusters/${clusterName}/csr)`,
      );
    }
    const accepted = acceptSignedIntermediate({
      certPem,
      keyPem: context.openKey(pending.sealedKey),
      rootCertPem: root.certPem,
      now: context.now(),
    });
    const stored: StoredIntermediate = {
      id: randomUUID(),
      clusterName,
      rootId: root.id,
      certPem: accepted.certPem,
      sealedKey: pending.sealedKey,
      keyType: pending.keyType,
      serial: accepted.serial,
      fingerprintSha256: accepted.fingerprintSha256,
      notBefore: accepted.notBefore,
      notAfter: accepted.notAfter,
      state: 'current',
      createdAt: context.now().toISOString(),
      createdBy: actor,
    };
    await context.stores.transaction(async ({ store: tx, audit }) => {
      await tx.replaceCurrentIntermediate(stored);
      await tx.deletePendingCsr(clusterName);
      await audit.append({
        actor,
        action: 'intermediate.imported',
        clusterName,
        serial: stored.serial,
        fingerprintSha256: stored.fingerprintSha256,
        details: { rootFingerprintSha256: root.fingerprintSha256 },
      });
    });
    return {
      intermediate: toIntermediateView(stored),
      distribution: await this.distribution.distributeTo(connection, actor),
    };
  }

  /**
   * Renews every intermediate that expires within the renewal window (managed mode), and
   * redistributes; run by the scheduler.
   */
  async renewExpiring(actor: string): Promise<IssueResult[]> {
    const { context } = this;
    if (context.settings.mode !== 'managed') {
      return [];
    }
    const root = await context.store.getActiveRoot();
    if (!root?.sealedKey) {
      return [];
    }
    const horizon =
      context.now().getTime() + context.settings.renewalWindowDays * 86_400_000;
    const due = (await context.store.listCurrentIntermediates()).filter(
      i =>
        new Date(i.notAfter).getTime() <= horizon &&
        context.connections.some(c => c.name === i.clusterName),
    );
    const results: IssueResult[] = [];
    for (const expiring of due) {
      results.push(await this.issueIntermediate(expiring.clusterName, actor));
    }
    return results;
  }

  /** Signs and stores a cluster's new intermediate with `root`, with its audit event. */
  async signIntermediate(
    root: StoredRoot,
    clusterName: string,
    actor: string,
    requestedKeyType?: KeyType,
  ): Promise<IntermediateView> {
    const { context } = this;
    const kek = context.requireKek();
    if (!root.sealedKey) {
      throw new ConflictError(
        "The root key is offline; sign the cluster's CSR with it and upload the certificate",
      );
    }
    const keyType = await context.keyTypeOf(clusterName, requestedKeyType);
    const issued = await issueIntermediateCa({
      root: { certPem: root.certPem, keyPem: context.openKey(root.sealedKey) },
      clusterName,
      keyType,
      validityDays: context.settings.intermediateValidityDays,
      now: context.now(),
    });
    const stored: StoredIntermediate = {
      id: randomUUID(),
      clusterName,
      rootId: root.id,
      certPem: issued.certPem,
      sealedKey: sealPrivateKey(issued.keyPem, kek),
      keyType,
      serial: issued.serial,
      fingerprintSha256: issued.fingerprintSha256,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      state: 'current',
      createdAt: context.now().toISOString(),
      createdBy: actor,
    };
    await context.stores.transaction(async ({ store: tx, audit }) => {
      await tx.replaceCurrentIntermediate(stored);
      await audit.append({
        actor,
        action: 'intermediate.signed',
        clusterName,
        serial: stored.serial,
        fingerprintSha256: stored.fingerprintSha256,
        details: {
          rootFingerprintSha256: root.fingerprintSha256,
          notAfter: stored.notAfter,
          keyType: stored.keyType,
        },
      });
    });
    return toIntermediateView(stored);
  }
}
