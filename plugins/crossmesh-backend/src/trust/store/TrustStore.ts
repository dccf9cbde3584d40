/**
 * A root CA that crossmesh holds or trusts. `sealedKey` is null for an offline root, whose
 * key never reaches crossmesh.
 *
 * @internal
 */
export interface StoredRoot {
  id: string;
  certPem: string;
  sealedKey: string | null;
  keyType: string;
  fingerprintSha256: string;
  serial: string;
  subject: string;
  notAfter: string;
  source: 'generated' | 'imported' | 'offline';
  /** `active` signs; `incoming` is trusted during a rotation; `retired` is kept for history. */
  state: 'active' | 'incoming' | 'retired';
  createdAt: string;
  createdBy: string;
}

/**
 * An intermediate CA issued for one cluster. Only one per cluster is `current`.
 *
 * @internal
 */
export interface StoredIntermediate {
  id: string;
  clusterName: string;
  rootId: string;
  certPem: string;
  sealedKey: string;
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
 * An intermediate key and CSR waiting for an operator to sign it with an offline root.
 *
 * @internal
 */
export interface PendingCsr {
  clusterName: string;
  csrPem: string;
  sealedKey: string;
  keyType: string;
  createdAt: string;
  createdBy: string;
}

/**
 * Where the mesh is in Istio's multi-root rotation procedure.
 *
 * @internal
 */
export interface RootRotation {
  /**
   * `idle`: one root. `trusting-both`: every cluster trusts old and new roots.
   * `intermediates-moved`: intermediates are signed by the new root, old still trusted.
   */
  phase: 'idle' | 'trusting-both' | 'intermediates-moved';
  oldRootId: string | null;
  newRootId: string | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Storage of the mesh's CA material and its rotation state. Every method that changes more
 * than one row does so in one transaction; changes that belong together with each other
 * or with their audit event are written through a `TrustTransaction`.
 *
 * @internal
 */
export interface TrustStore {
  listRoots(): Promise<StoredRoot[]>;
  getRoot(id: string): Promise<StoredRoot | undefined>;
  /** The root that signs, if any. */
  getActiveRoot(): Promise<StoredRoot | undefined>;
  insertRoot(root: StoredRoot): Promise<void>;
  setRootState(id: string, state: StoredRoot['state']): Promise<void>;

  /** The current intermediate of every cluster that has one. */
  listCurrentIntermediates(): Promise<StoredIntermediate[]>;
  getCurrentIntermediate(
    clusterName: string,
  ): Promise<StoredIntermediate | undefined>;
  /** Inserts a new current intermediate and marks the cluster's previous one superseded. */
  replaceCurrentIntermediate(intermediate: StoredIntermediate): Promise<void>;

  getPendingCsr(clusterName: string): Promise<PendingCsr | undefined>;
  /** One pending CSR per cluster: a new one replaces the old. */
  putPendingCsr(csr: PendingCsr): Promise<void>;
  deletePendingCsr(clusterName: string): Promise<void>;

  /** `idle` with no roots when nothing was ever rotated. */
  getRotation(): Promise<RootRotation>;
  setRotation(rotation: RootRotation): Promise<void>;
}
