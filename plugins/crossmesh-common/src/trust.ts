import type { CacertsDistribution } from './onboarding';

/**
 * A mesh root CA as the backend reports it; never its key.
 *
 * @public
 */
export interface TrustRoot {
  id: string;
  certPem: string;
  keyType: string;
  fingerprintSha256: string;
  serial: string;
  subject: string;
  notAfter: string;
  source: 'generated' | 'imported' | 'offline';
  state: 'active' | 'incoming' | 'retired';
  /** Whether crossmesh holds the root's key (false for an offline root). */
  holdsKey: boolean;
  createdAt: string;
  createdBy: string;
}

/**
 * A cluster's intermediate CA.
 *
 * @public
 */
export interface TrustIntermediate {
  id: string;
  clusterName: string;
  rootId: string;
  certPem: string;
  keyType: string;
  serial: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  state: 'current' | 'superseded';
  createdAt: string;
  createdBy: string;
}

/**
 * Where a root rotation stands.
 *
 * @public
 */
export interface TrustRotation {
  phase: 'idle' | 'trusting-both' | 'intermediates-moved';
  oldRootId: string | null;
  newRootId: string | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Whether crossmesh can seal and open private keys with its configured key-encryption
 * secret(s). When not, `message` says what is wrong and how to fix it, and every trust
 * step that needs a key answers 503 with that message until an operator fixes the config.
 *
 * @public
 */
export interface TrustKeyEncryption {
  ok: boolean;
  message?: string;
}

/**
 * Response of `GET /trust`.
 *
 * @public
 */
export interface TrustState {
  mode: 'managed' | 'offline-root';
  roots: TrustRoot[];
  intermediates: TrustIntermediate[];
  pendingCsrs: { clusterName: string; createdAt: string }[];
  rotation: TrustRotation;
  /** Intermediates are renewed this many days before they expire. */
  renewalWindowDays: number;
  keyEncryption: TrustKeyEncryption;
  /** How long the mesh's workload certificates live (`crossmesh.trust.workloadCertificateTtl`). */
  workloadCertificateTtlSeconds: number;
  /** While a rotation is under way, when its next phase may begin; null otherwise. */
  rotationWait: TrustRotationWait | null;
  /** Root operations waiting for a second platform member, oldest first; expired ones left out. */
  confirmations: TrustConfirmation[];
}

/**
 * When a rotation may take its next phase: one workload-certificate lifetime after the
 * current phase took effect in its last cluster, every workload has renewed its certificate.
 *
 * @public
 */
export interface TrustRotationWait {
  mayAdvanceAt: string;
  /** The clusters where the phase took effect last. */
  heldBackBy: string[];
  tookEffectAt: string;
}

/**
 * A root operation that needs two platform members: `rotation.start` (a rotation to a new
 * root, imported or generated, which replaces the mesh's root) and `rotation.drop-old-root`
 * (advancing past "stop trusting the old root").
 *
 * @public
 */
export type TrustConfirmationAction =
  | 'rotation.start'
  | 'rotation.drop-old-root';

/**
 * A root operation one platform member asked for, waiting for a different platform member
 * to confirm it before anything changes (`POST /trust/confirmations/{id}/confirm` with
 * the same `fingerprintSha256`). It expires at `expiresAt`.
 *
 * @public
 */
export interface TrustConfirmation {
  id: string;
  action: TrustConfirmationAction;
  /**
   * SHA-256 fingerprint of the root the action is about: the new root of `rotation.start`,
   * the old root that `rotation.drop-old-root` stops trusting.
   */
  fingerprintSha256: string;
  /** That root's certificate and details; never its key. */
  root: {
    certPem: string;
    subject: string;
    serial: string;
    notAfter: string;
    keyType: string;
    source: 'generated' | 'imported' | 'offline';
  };
  /** What confirming does, in one sentence. */
  summary: string;
  state: 'pending' | 'confirmed' | 'cancelled';
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
}

/**
 * Answer of a root operation that now waits for a second platform member (202 of
 * `POST /trust/rotation` and of `POST /trust/rotation/advance` past "drop the old root").
 *
 * @public
 */
export interface ConfirmationRequired {
  confirmation: TrustConfirmation;
}

/**
 * Body of `POST /trust/confirmations/{id}/confirm`: the fingerprint the confirming member
 * checked, so that what is confirmed is exactly what they saw.
 *
 * @public
 */
export interface ConfirmRequest {
  fingerprintSha256: string;
}

/**
 * Body of `POST /trust/root`: the key type and validity of a root crossmesh generates.
 *
 * @public
 */
export interface NewRootRequest {
  keyType?: 'rsa-4096' | 'rsa-2048' | 'ecdsa-p256';
  validityDays?: number;
}

/**
 * Body of `POST /trust/root/import`: a root CA's certificate, and its key unless the mesh
 * runs in offline-root mode.
 *
 * @public
 */
export interface ImportRootRequest {
  certPem: string;
  keyPem?: string;
}

/**
 * Body of `POST /trust/rotation`: the new root, generated (key type, validity) or imported
 * (certificate and key).
 *
 * @public
 */
export type RotationRequest = NewRootRequest | ImportRootRequest;

/**
 * Response of `POST /trust/clusters/{clusterName}/csr`: the CSR an operator signs with the
 * offline root.
 *
 * @public
 */
export interface IntermediateCsr {
  clusterName: string;
  csrPem: string;
}

/**
 * Response of `POST /trust/rotation` and `POST /trust/rotation/advance`: the rotation's new
 * phase and what writing each cluster's `cacerts` did.
 *
 * @public
 */
export interface RotationResult {
  rotation: TrustRotation;
  distribution: CacertsDistribution[];
}

/**
 * What crossmesh found in one cluster's `cacerts` (an item of `GET /trust/drift`).
 *
 * @public
 */
export interface TrustInspection {
  cluster: string;
  report?: {
    status:
      | 'ok'
      | 'missing'
      | 'missing-keys'
      | 'foreign-root'
      | 'expiring'
      | 'expired'
      | 'invalid';
    detail: string;
  };
  replacedBySomeoneElse: boolean;
  replacementDetails?: string[];
  drift: boolean;
  error?: string;
}
