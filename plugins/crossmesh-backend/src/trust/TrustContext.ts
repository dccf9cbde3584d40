import { ConflictError } from '@backstage/errors';
import { AuditLog } from '../audit';
import {
  ClusterConnection,
  requireConnection,
} from '../clusters/clusterConnections';
import {
  MeshStrategy,
  TrustKeyEncryption,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  isKekMisconfiguration,
  KeyEncryptionKey,
  KeyType,
  openPrivateKey,
} from '../pki';
import {
  keyEncryptionState,
  keyEncryptionUnavailable,
  NO_KEK_MESSAGE,
} from './keyEncryption';
import {
  RootRotation,
  StoredIntermediate,
  StoredRoot,
  TrustStore,
} from './store/TrustStore';
import { TrustTransaction } from './store/TrustTransaction';
import { ConfirmationStore } from './store/ConfirmationStore';

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
  /**
   * How long istiod's workload certificates live (`crossmesh.trust.workloadCertificateTtl`):
   * each rotation phase waits this long after it took effect, so that every workload renewed.
   */
  workloadCertificateTtlMs: number;
  /**
   * The strategy in force in a cluster, which decides what a `cacerts` write restarts; null
   * when it cannot be told (then Istio's documented procedure: istiod and the gateway).
   */
  strategyOf?: (clusterName: string) => Promise<MeshStrategy | null>;
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
export function toRootView(root: StoredRoot): RootView {
  const { sealedKey, ...view } = root;
  return { ...view, holdsKey: sealedKey !== null };
}

/**
 * @internal
 */
export function toIntermediateView(i: StoredIntermediate): IntermediateView {
  const { sealedKey: _sealed, ...view } = i;
  return view;
}

/**
 * What the trust services share: where trust is stored and audited, the mesh's clusters,
 * the settings, and the checks every operation starts with, each refusing with a sentence
 * that says what to do.
 *
 * @internal
 */
export class TrustContext {
  constructor(
    readonly stores: {
      /** Reads; writes that belong together go through `transaction`. */
      store: TrustStore;
      /** Reads of root operations waiting for a second platform member. */
      confirmations: ConfirmationStore;
      transaction: TrustTransaction;
      /** For events that record something outside the database, such as a cluster write. */
      audit: AuditLog;
    },
    readonly connections: ClusterConnection[],
    readonly settings: TrustSettings,
    readonly now: () => Date = () => new Date(),
  ) {}

  get store(): TrustStore {
    return this.stores.store;
  }

  requireCluster(clusterName: string): ClusterConnection {
    return requireConnection(this.connections, clusterName);
  }

  requireMode(mode: TrustMode, what: string) {
    if (this.settings.mode !== mode) {
      throw new ConflictError(
        `Cannot ${what}: this mesh runs in ${this.settings.mode} mode (crossmesh.trust.mode)`,
      );
    }
  }

  requireKek(): KeyEncryptionKey {
    if (!this.settings.kek) {
      throw keyEncryptionUnavailable(NO_KEK_MESSAGE);
    }
    return this.settings.kek;
  }

  /** Whether the configured secrets seal new keys and open every key crossmesh holds. */
  async keyEncryption(): Promise<TrustKeyEncryption> {
    const [roots, intermediates, pendingCsrs] = await Promise.all([
      this.trustedRoots(),
      this.store.listCurrentIntermediates(),
      Promise.all(this.connections.map(c => this.store.getPendingCsr(c.name))),
    ]);
    return keyEncryptionState(this.settings, [
      ...roots.flatMap(r => (r.sealedKey ? [r.sealedKey] : [])),
      // A cluster no longer in the config holds nothing back.
      ...intermediates
        .filter(i => this.connections.some(c => c.name === i.clusterName))
        .map(i => i.sealedKey),
      ...pendingCsrs.flatMap(csr => (csr ? [csr.sealedKey] : [])),
    ]);
  }

  /**
   * Refuses a step that seals or opens keys before it writes anything, when a key it may
   * need (a root's, a cluster's intermediate's, a pending CSR's) would not open.
   */
  async requireKeyEncryption(): Promise<KeyEncryptionKey> {
    const state = await this.keyEncryption();
    if (!state.ok) {
      throw keyEncryptionUnavailable(state.message ?? NO_KEK_MESSAGE);
    }
    return this.requireKek();
  }

  async requireNoActiveRoot() {
    const active = await this.store.getActiveRoot();
    if (active) {
      throw new ConflictError(
        `The mesh already has a root CA (${active.subject}, SHA-256 ${active.fingerprintSha256}); replace it with a root rotation instead`,
      );
    }
  }

  /** The root that signs new intermediates: the incoming one once a rotation started. */
  async requireSigningRoot(): Promise<StoredRoot> {
    const rotation: RootRotation = await this.store.getRotation();
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

  /** The roots clusters must trust now: the active one, plus the incoming one mid-rotation. */
  async trustedRoots(): Promise<StoredRoot[]> {
    const roots = await this.store.listRoots();
    return roots.filter(r => r.state === 'active' || r.state === 'incoming');
  }

  /** The key type of a cluster's next intermediate: asked for, recorded, or configured. */
  async keyTypeOf(clusterName: string, requested?: KeyType): Promise<KeyType> {
    return (
      requested ??
      (await this.settings.keyTypeFor?.(clusterName)) ??
      this.settings.intermediateKeyType
    );
  }

  openKey(sealed: string): string {
    const keks = [
      ...(this.settings.kek ? [this.settings.kek] : []),
      ...this.settings.previousKeks,
    ];
    if (!keks.length) {
      this.requireKek();
    }
    try {
      return openPrivateKey(sealed, keks);
    } catch (error) {
      if (isKekMisconfiguration(error)) {
        throw keyEncryptionUnavailable((error as Error).message);
      }
      throw error;
    }
  }
}
