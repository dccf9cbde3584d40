import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { quoteValue } from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { ClusterConnection } from '../clusters/clusterConnections';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { readPublishedRoots } from './cluster/readPublishedRoots';
import { rootRetirementBlockers } from './rootRetirement';
import {
  acceptSignedIntermediate,
  buildCacerts,
  createIntermediateCsr,
  generateRootCa,
  importOfflineRootCertificate,
  importRootCa,
  issueIntermediateCa,
  KeyEncryptionKey,
  KeyType,
  openPrivateKey,
  sealPrivateKey,
} from '../pki';
import {
  CacertsDistribution,
  CacertsDistributor,
  ClusterTrustInspection,
  inspectClusterTrust,
} from './cluster';
import {
  AuditEvent,
  AuditEventQuery,
  RootRotation,
  StoredIntermediate,
  StoredRoot,
  TrustStore,
} from './store/TrustStore';

/**
 * How the mesh's root key is held.
 *
 * `managed`: crossmesh holds the root key, sealed at rest, and signs intermediates itself.
 * `offline-root`: the root key never reaches crossmesh; an operator signs intermediate CSRs.
 *
 * @internal
 */
export type TrustMode = 'managed' | 'offline-root';

/**
 * @internal
 */
export interface TrustSettings {
  mode: TrustMode;
  /** Absent when no secret is configured; then no private key can be stored. */
  kek?: KeyEncryptionKey;
  /** Older key-encryption keys that may still open stored keys. */
  previousKeks: KeyEncryptionKey[];
  intermediateKeyType: KeyType;
  /**
   * The key type recorded for a cluster (its mesh membership), which wins over
   * `intermediateKeyType` for that cluster's intermediates.
   */
  keyTypeFor?: (clusterName: string) => Promise<KeyType | undefined>;
  intermediateValidityDays: number;
  renewalWindowDays: number;
}

/**
 * The public view of a root CA: never its key.
 *
 * @internal
 */
export type RootView = Omit<StoredRoot, 'sealedKey'> & { holdsKey: boolean };

/**
 * The public view of an intermediate CA: never its key.
 *
 * @internal
 */
export type IntermediateView = Omit<StoredIntermediate, 'sealedKey'>;

/**
 * @internal
 */
export interface TrustState {
  mode: TrustMode;
  roots: RootView[];
  intermediates: IntermediateView[];
  pendingCsrs: Array<{ clusterName: string; createdAt: string }>;
  rotation: RootRotation;
  renewalWindowDays: number;
}

/**
 * @internal
 */
export interface IssueResult {
  intermediate: IntermediateView;
  distribution: CacertsDistribution;
}

const ROTATION_NEXT: Record<RootRotation['phase'], string> = {
  idle: 'start a rotation with a new root',
  'trusting-both':
    "advance: sign every cluster's intermediate with the new root",
  'intermediates-moved': 'advance: stop trusting the old root',
};

/**
 * The mesh's root of trust: one root CA, an intermediate per cluster, each cluster's
 * `cacerts`, renewal and Istio's multi-root rotation — with every step audited.
 *
 * @internal
 */
export class TrustService {
  private readonly distributor: CacertsDistributor;

  constructor(
    private readonly store: TrustStore,
    private readonly clients: KubernetesClients,
    private readonly connections: ClusterConnection[],
    private readonly settings: TrustSettings,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.distributor = new CacertsDistributor(clients);
  }

  async getState(): Promise<TrustState> {
    const [roots, intermediates, rotation] = await Promise.all([
      this.store.listRoots(),
      this.store.listCurrentIntermediates(),
      this.store.getRotation(),
    ]);
    const pendingCsrs = [];
    for (const c of this.connections) {
      const pending = await this.store.getPendingCsr(c.name);
      if (pending) {
        pendingCsrs.push({
          clusterName: pending.clusterName,
          createdAt: pending.createdAt,
        });
      }
    }
    return {
      mode: this.settings.mode,
      roots: roots.map(toRootView),
      intermediates: intermediates.map(toIntermediateView),
      pendingCsrs,
      rotation,
      renewalWindowDays: this.settings.renewalWindowDays,
    };
  }

  /** Generates the mesh's root CA (managed mode). */
  async generateRoot(
    options: { keyType: KeyType; validityDays: number },
    actor: string,
  ): Promise<RootView> {
    this.requireMode('managed', 'generate a root CA');
    const kek = this.requireKek();
    await this.requireNoActiveRoot();
    const pair = await generateRootCa({
      keyType: options.keyType,
      validityDays: options.validityDays,
      now: this.now(),
    });
    const imported = importRootCa(pair.certPem, pair.keyPem, this.now());
    return this.storeNewRoot(
      {
        ...imported,
        sealedKey: sealPrivateKey(imported.keyPem, kek),
        source: 'generated',
      },
      'active',
      'root.generated',
      actor,
    );
  }

  /**
   * Imports an existing root CA: certificate and key (managed mode), or the certificate
   * alone (offline-root mode).
   */
  async importRoot(
    input: { certPem: string; keyPem?: string },
    actor: string,
  ): Promise<RootView> {
    await this.requireNoActiveRoot();
    return this.storeNewRoot(
      this.checkRootInput(input),
      'active',
      'root.imported',
      actor,
    );
  }

  /**
   * Issues a new intermediate for a cluster from the active root and distributes it. The
   * key type is `options.keyType`, else the cluster's recorded one, else the configured one.
   */
  async issueIntermediate(
    clusterName: string,
    actor: string,
    options: { keyType?: KeyType } = {},
  ): Promise<IssueResult> {
    const connection = this.requireCluster(clusterName);
    this.requireMode('managed', 'sign intermediates');
    const root = await this.requireSigningRoot();
    const intermediate = await this.signIntermediate(
      root,
      clusterName,
      actor,
      options.keyType,
    );
    return {
      intermediate,
      distribution: await this.distributeTo(connection, actor),
    };
  }

  /** Offline-root mode: makes the cluster's intermediate key and the CSR to sign. */
  async createCsr(
    clusterName: string,
    actor: string,
  ): Promise<{ clusterName: string; csrPem: string }> {
    this.requireCluster(clusterName);
    this.requireMode('offline-root', 'create a CSR for an offline root');
    const kek = this.requireKek();
    await this.requireSigningRoot();
    const keyType = await this.keyTypeOf(clusterName);
    const csr = await createIntermediateCsr({ clusterName, keyType });
    await this.store.transaction(async tx => {
      await tx.putPendingCsr({
        clusterName,
        csrPem: csr.csrPem,
        sealedKey: sealPrivateKey(csr.keyPem, kek),
        keyType,
        createdAt: this.now().toISOString(),
        createdBy: actor,
      });
      await tx.appendAuditEvent({
        actor,
        action: 'intermediate.csr-created',
        clusterName,
        serial: null,
        fingerprintSha256: null,
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
    const connection = this.requireCluster(clusterName);
    this.requireMode('offline-root', 'upload a signed intermediate');
    const root = await this.requireSigningRoot();
    const pending = await this.store.getPendingCsr(clusterName);
    if (!pending) {
      throw new ConflictError(
        `There is no CSR waiting for cluster '${clusterName}'; create one first (POST /trust/clusters/${clusterName}/csr)`,
      );
    }
    const keyPem = this.openKey(pending.sealedKey);
    const accepted = acceptSignedIntermediate({
      certPem,
      keyPem,
      rootCertPem: root.certPem,
      now: this.now(),
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
      createdAt: this.now().toISOString(),
      createdBy: actor,
    };
    await this.store.transaction(async tx => {
      await tx.replaceCurrentIntermediate(stored);
      await tx.deletePendingCsr(clusterName);
      await tx.appendAuditEvent({
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
      distribution: await this.distributeTo(connection, actor),
    };
  }

  /** Writes each cluster's `cacerts` from the database; a no-op where nothing changed. */
  async distribute(
    actor: string,
    clusterName?: string,
  ): Promise<CacertsDistribution[]> {
    const targets = clusterName
      ? [this.requireCluster(clusterName)]
      : this.connections;
    return Promise.all(targets.map(c => this.distributeTo(c, actor)));
  }

  /** Reads one cluster's `cacerts` and reports drift. */
  async inspectCluster(clusterName: string): Promise<ClusterTrustInspection> {
    const connection = this.requireCluster(clusterName);
    const rootPems = (await this.trustedRoots()).map(r => r.certPem);
    return inspectClusterTrust(this.clients, connection, {
      expectedRootPems: rootPems,
      renewalWindowDays: this.settings.renewalWindowDays,
      now: this.now(),
    });
  }

  /** Reads every cluster's `cacerts` and reports drift. */
  async inspect(): Promise<ClusterTrustInspection[]> {
    const rootPems = (await this.trustedRoots()).map(r => r.certPem);
    return Promise.all(
      this.connections.map(c =>
        inspectClusterTrust(this.clients, c, {
          expectedRootPems: rootPems,
          renewalWindowDays: this.settings.renewalWindowDays,
          now: this.now(),
        }),
      ),
    );
  }

  /**
   * Renews every intermediate that expires within the renewal window (managed mode), and
   * redistributes; run by the scheduler.
   */
  async renewExpiring(actor: string): Promise<IssueResult[]> {
    if (this.settings.mode !== 'managed') {
      return [];
    }
    const root = await this.store.getActiveRoot();
    if (!root?.sealedKey) {
      return [];
    }
    const horizon =
      this.now().getTime() + this.settings.renewalWindowDays * 86_400_000;
    const due = (await this.store.listCurrentIntermediates()).filter(
      i =>
        new Date(i.notAfter).getTime() <= horizon &&
        this.connections.some(c => c.name === i.clusterName),
    );
    const results: IssueResult[] = [];
    for (const expiring of due) {
      results.push(await this.issueIntermediate(expiring.clusterName, actor));
    }
    return results;
  }

  /**
   * Starts Istio's multi-root rotation: stores the new root as `incoming` and makes every
   * cluster trust both roots.
   */
  async startRotation(
    input:
      | { keyType: KeyType; validityDays: number }
      | { certPem: string; keyPem?: string },
    actor: string,
  ): Promise<{ rotation: RootRotation; distribution: CacertsDistribution[] }> {
    const rotation = await this.store.getRotation();
    if (rotation.phase !== 'idle') {
      throw new ConflictError(
        `A root rotation is already in phase '${rotation.phase}'; next: ${
          ROTATION_NEXT[rotation.phase]
        }`,
      );
    }
    const oldRoot = await this.store.getActiveRoot();
    if (!oldRoot) {
      throw new ConflictError(
        'The mesh has no root CA to rotate from; generate or import one first',
      );
    }
    let candidate;
    if ('certPem' in input) {
      candidate = this.checkRootInput(input);
    } else {
      this.requireMode('managed', 'generate a new root CA');
      const pair = await generateRootCa({ ...input, now: this.now() });
      const imported = importRootCa(pair.certPem, pair.keyPem, this.now());
      candidate = {
        ...imported,
        sealedKey: sealPrivateKey(imported.keyPem, this.requireKek()),
        source: 'generated' as const,
      };
    }
    if (candidate.fingerprintSha256 === oldRoot.fingerprintSha256) {
      throw new InputError(
        'The new root is the same certificate as the current root; rotate to a different root',
      );
    }
    let next: RootRotation | undefined;
    await this.storeNewRoot(
      candidate,
      'incoming',
      'rotation.started',
      actor,
      async (tx, newRoot) => {
        next = {
          phase: 'trusting-both',
          oldRootId: oldRoot.id,
          newRootId: newRoot.id,
          updatedAt: this.now().toISOString(),
          updatedBy: actor,
        };
        await tx.setRotation(next);
      },
    );
    return { rotation: next!, distribution: await this.distribute(actor) };
  }

  /** Moves the rotation one phase on and converges every cluster to it. */
  async advanceRotation(
    actor: string,
  ): Promise<{ rotation: RootRotation; distribution: CacertsDistribution[] }> {
    const rotation = await this.store.getRotation();
    if (
      rotation.phase === 'idle' ||
      !rotation.newRootId ||
      !rotation.oldRootId
    ) {
      throw new ConflictError(
        'No root rotation is under way; start one with a new root first',
      );
    }
    const newRoot = await this.store.getRoot(rotation.newRootId);
    if (!newRoot) {
      throw new NotFoundError(`Root ${rotation.newRootId} is missing`);
    }

    if (rotation.phase === 'trusting-both') {
      const failed = (await this.inspect()).filter(
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
      if (this.settings.mode === 'managed') {
        for (const c of this.connections) {
          await this.signIntermediate(newRoot, c.name, actor);
        }
      }
      return this.moveRotation(rotation, 'intermediates-moved', actor);
    }

    // intermediates-moved → idle: the old root is no longer trusted anywhere.
    const stillOld = (await this.store.listCurrentIntermediates()).filter(
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
        (await this.store.getRoot(rotation.oldRootId))?.fingerprintSha256 ?? '',
      inspections: await this.inspect(),
      published: await Promise.all(
        this.connections.map(c => readPublishedRoots(this.clients, c)),
      ),
    });
    if (blockers.length) {
      throw new ConflictError(
        `The old root cannot be dropped yet: ${blockers.join('; ')}`,
      );
    }
    await this.store.transaction(async tx => {
      await tx.setRootState(rotation.oldRootId!, 'retired');
      await tx.setRootState(newRoot.id, 'active');
    });
    return this.moveRotation(rotation, 'idle', actor);
  }

  async listAuditEvents(
    query: AuditEventQuery,
  ): Promise<{ items: AuditEvent[]; totalCount: number }> {
    return this.store.listAuditEvents(query);
  }

  private async moveRotation(
    rotation: RootRotation,
    phase: RootRotation['phase'],
    actor: string,
  ) {
    const next: RootRotation = {
      phase,
      oldRootId: phase === 'idle' ? null : rotation.oldRootId,
      newRootId: phase === 'idle' ? null : rotation.newRootId,
      updatedAt: this.now().toISOString(),
      updatedBy: actor,
    };
    await this.store.transaction(async tx => {
      await tx.setRotation(next);
      await tx.appendAuditEvent({
        actor,
        action:
          phase === 'idle'
            ? 'rotation.completed'
            : 'rotation.intermediates-moved',
        clusterName: null,
        serial: null,
        fingerprintSha256: null,
        details: {
          oldRootId: rotation.oldRootId,
          newRootId: rotation.newRootId,
        },
      });
    });
    return { rotation: next, distribution: await this.distribute(actor) };
  }

  private async signIntermediate(
    root: StoredRoot,
    clusterName: string,
    actor: string,
    requestedKeyType?: KeyType,
  ): Promise<IntermediateView> {
    const kek = this.requireKek();
    if (!root.sealedKey) {
      throw new ConflictError(
        "The root key is offline; sign the cluster's CSR with it and upload the certificate",
      );
    }
    const keyType = await this.keyTypeOf(clusterName, requestedKeyType);
    const issued = await issueIntermediateCa({
      root: { certPem: root.certPem, keyPem: this.openKey(root.sealedKey) },
      clusterName,
      keyType,
      validityDays: this.settings.intermediateValidityDays,
      now: this.now(),
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
      createdAt: this.now().toISOString(),
      createdBy: actor,
    };
    await this.store.transaction(async tx => {
      await tx.replaceCurrentIntermediate(stored);
      await tx.appendAuditEvent({
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

  private async distributeTo(
    connection: ClusterConnection,
    actor: string,
  ): Promise<CacertsDistribution> {
    const intermediate = await this.store.getCurrentIntermediate(
      connection.name,
    );
    if (!intermediate) {
      return {
        cluster: connection.name,
        changed: false,
        secretWritten: false,
        restarted: [],
        missingDeployments: [],
        error: `cluster '${connection.name}' has no intermediate CA yet; issue one first`,
      };
    }
    const trusted = await this.trustedRoots();
    const signer = trusted.find(r => r.id === intermediate.rootId);
    // cert-chain.pem must end with the root that signed ca-cert.pem, so it goes first.
    const rootCertPems = [
      ...(signer ? [signer.certPem] : []),
      ...trusted.filter(r => r.id !== intermediate.rootId).map(r => r.certPem),
    ];
    const files = buildCacerts({
      intermediate: {
        certPem: intermediate.certPem,
        keyPem: this.openKey(intermediate.sealedKey),
      },
      rootCertPems,
    });
    const result = await this.distributor.distribute(connection, files, {
      rootFingerprints: trusted.map(r => r.fingerprintSha256),
      now: this.now(),
    });
    if (result.secretWritten || result.restarted.length || result.error) {
      await this.store.appendAuditEvent({
        actor,
        action: result.error
          ? 'cacerts.distribution-failed'
          : 'cacerts.distributed',
        clusterName: connection.name,
        serial: intermediate.serial,
        fingerprintSha256: intermediate.fingerprintSha256,
        details: {
          changed: result.changed,
          restarted: result.restarted,
          ...(result.error ? { error: result.error } : {}),
        },
      });
    }
    return result;
  }

  /** The roots clusters must trust now: the active one, plus the incoming one mid-rotation. */
  private async trustedRoots(): Promise<StoredRoot[]> {
    const roots = await this.store.listRoots();
    return roots.filter(r => r.state === 'active' || r.state === 'incoming');
  }

  private checkRootInput(input: {
    certPem: string;
    keyPem?: string;
  }): Omit<StoredRoot, 'id' | 'state' | 'createdAt' | 'createdBy'> {
    if (typeof input.certPem !== 'string' || !input.certPem.trim()) {
      throw new InputError(
        'certPem is required: the root CA certificate in PEM',
      );
    }
    if (this.settings.mode === 'offline-root') {
      if (input.keyPem) {
        throw new InputError(
          'This mesh runs in offline-root mode: send only the root certificate (certPem); its key must stay offline',
        );
      }
      return {
        ...importOfflineRootCertificate(input.certPem, this.now()),
        sealedKey: null,
        source: 'offline',
      };
    }
    if (!input.keyPem) {
      throw new InputError(
        'keyPem is required in managed mode: the root CA key in PEM (PKCS#1, SEC1 or PKCS#8); or set crossmesh.trust.mode to offline-root',
      );
    }
    const imported = importRootCa(input.certPem, input.keyPem, this.now());
    return {
      ...imported,
      sealedKey: sealPrivateKey(imported.keyPem, this.requireKek()),
      source: 'imported',
    };
  }

  private async storeNewRoot(
    root: Omit<StoredRoot, 'id' | 'state' | 'createdAt' | 'createdBy'> & {
      keyPem?: string;
    },
    state: StoredRoot['state'],
    action: string,
    actor: string,
    alsoInTransaction?: (tx: TrustStore, stored: StoredRoot) => Promise<void>,
  ): Promise<RootView> {
    const stored: StoredRoot = {
      id: randomUUID(),
      certPem: root.certPem,
      sealedKey: root.sealedKey,
      keyType: root.keyType,
      fingerprintSha256: root.fingerprintSha256,
      serial: root.serial,
      subject: root.subject,
      notAfter: root.notAfter,
      source: root.source,
      state,
      createdAt: this.now().toISOString(),
      createdBy: actor,
    };
    await this.store.transaction(async tx => {
      await tx.insertRoot(stored);
      await alsoInTransaction?.(tx, stored);
      await tx.appendAuditEvent({
        actor,
        action,
        clusterName: null,
        serial: stored.serial,
        fingerprintSha256: stored.fingerprintSha256,
        details: {
          source: stored.source,
          keyType: stored.keyType,
          subject: stored.subject,
          notAfter: stored.notAfter,
        },
      });
    });
    return toRootView(stored);
  }

  private async keyTypeOf(
    clusterName: string,
    requested?: KeyType,
  ): Promise<KeyType> {
    return (
      requested ??
      (await this.settings.keyTypeFor?.(clusterName)) ??
      this.settings.intermediateKeyType
    );
  }

  private requireCluster(clusterName: string): ClusterConnection {
    const connection = this.connections.find(c => c.name === clusterName);
    if (!connection) {
      throw new NotFoundError(
        `No cluster named ${quoteValue(
          clusterName,
        )} in kubernetes.clusterLocatorMethods; known clusters: ${
          this.connections.map(c => c.name).join(', ') || 'none'
        }`,
      );
    }
    return connection;
  }

  private requireMode(mode: TrustMode, what: string) {
    if (this.settings.mode !== mode) {
      throw new ConflictError(
        `Cannot ${what}: this mesh runs in ${this.settings.mode} mode (crossmesh.trust.mode)`,
      );
    }
  }

  private requireKek(): KeyEncryptionKey {
    if (!this.settings.kek) {
      throw new ConflictError(
        'crossmesh.trust.keyEncryptionSecret is not configured, so crossmesh cannot store private keys; set it (a long random secret) and restart',
      );
    }
    return this.settings.kek;
  }

  private async requireNoActiveRoot() {
    const active = await this.store.getActiveRoot();
    if (active) {
      throw new ConflictError(
        `The mesh already has a root CA (${active.subject}, SHA-256 ${active.fingerprintSha256}); replace it with a root rotation instead`,
      );
    }
  }

  /** The root that signs new intermediates: the incoming one once a rotation started. */
  private async requireSigningRoot(): Promise<StoredRoot> {
    const rotation = await this.store.getRotation();
    if (rotation.phase !== 'idle' && rotation.newRootId) {
      const incoming = await this.store.getRoot(rotation.newRootId);
      if (incoming && rotation.phase === 'intermediates-moved') {
        return incoming;
      }
    }
    const root = await this.store.getActiveRoot();
    if (!root) {
      throw new ConflictError(
        'The mesh has no root CA yet; generate one (POST /trust/root) or import one (POST /trust/root/import)',
      );
    }
    return root;
  }

  private openKey(sealed: string): string {
    const keks = [
      ...(this.settings.kek ? [this.settings.kek] : []),
      ...this.settings.previousKeks,
    ];
    if (!keks.length) {
      this.requireKek();
    }
    return openPrivateKey(sealed, keks);
  }
}

function toRootView(root: StoredRoot): RootView {
  const { sealedKey, ...view } = root;
  return { ...view, holdsKey: sealedKey !== null };
}

function toIntermediateView(i: StoredIntermediate): IntermediateView {
  const { sealedKey: _sealed, ...view } = i;
  return view;
}
