/**
 * The remote secret one member cluster holds for another (`crossmesh.remoteSecrets`), as
 * read now.
 *
 * @public
 */
export interface RemoteSecretState {
  /** Where the secret lives: its istiod reads `remoteCluster` with it. */
  cluster: string;
  remoteCluster: string;
  /**
   * `fresh`; `due` for renewal at the next pass (past half its token's life, or stale);
   * `missing`; `foreign` (one crossmesh did not write, left alone); `unreadable`.
   */
  state: 'fresh' | 'due' | 'missing' | 'foreign' | 'unreadable';
  /** When its token expires (ISO 8601), from crossmesh's annotation; else null. */
  expiresAt: string | null;
  /** When crossmesh last wrote it; else null. */
  renewedAt: string | null;
  /** Why it is due, or why it cannot be read; else null. */
  detail: string | null;
}

/**
 * Response of `GET /remote-secrets`.
 *
 * @public
 */
export interface RemoteSecretList {
  /** False when `crossmesh.remoteSecrets.enabled` is off. */
  enabled: boolean;
  items: RemoteSecretState[];
}
