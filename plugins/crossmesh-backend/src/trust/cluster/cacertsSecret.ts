import { createHash, X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { CACERTS_KEYS, CacertsFiles } from '../../pki';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../clusters/ownership';

/** @internal */
export const ISTIO_NAMESPACE = 'istio-system';
/** @internal */
export const CACERTS_SECRET_NAME = 'cacerts';

export { FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE };
/**
 * SHA-256 fingerprint of `ca-cert.pem` (colon-separated upper-case hex), for people.
 *
 * @internal
 */
export const INTERMEDIATE_FINGERPRINT_ANNOTATION =
  'crossmesh.io/intermediate-fingerprint-sha256';
/**
 * SHA-256 over every key and value of the Secret's data as crossmesh wrote it, so a
 * change to any key (not only `ca-cert.pem`) shows as a replacement.
 *
 * @internal
 */
export const CONTENT_DIGEST_ANNOTATION = 'crossmesh.io/cacerts-digest-sha256';
/**
 * Set while the Secret has changed but istiod and the gateway have not yet been
 * restarted onto it; cleared once they have.
 *
 * @internal
 */
export const RESTART_PENDING_ANNOTATION = 'crossmesh.io/restart-pending';

/**
 * The four files as the Secret's base64 `data`, in crossmesh's key order.
 *
 * @internal
 */
export function encodeCacertsData(files: CacertsFiles): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of CACERTS_KEYS) {
    data[key] = Buffer.from(files[key], 'utf8').toString('base64');
  }
  return data;
}

/**
 * The Secret's base64 `data`, decoded as UTF-8 text.
 *
 * @internal
 */
export function decodeSecretData(
  data: Record<string, string> | undefined,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    files[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return files;
}

/**
 * Whether the Secret's `data` holds exactly the given keys with the same bytes. The API
 * server returns canonical base64, so equal strings mean equal bytes.
 *
 * @internal
 */
export function sameData(
  actual: Record<string, string> | undefined,
  expected: Record<string, string>,
): boolean {
  const actualKeys = Object.keys(actual ?? {}).sort();
  const expectedKeys = Object.keys(expected).sort();
  return (
    actualKeys.length === expectedKeys.length &&
    expectedKeys.every(
      (key, i) => actualKeys[i] === key && actual![key] === expected[key],
    )
  );
}

/**
 * Hex SHA-256 over the decoded files, keys sorted, unambiguous about boundaries.
 *
 * @internal
 */
export function contentDigest(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) {
    const value = Buffer.from(files[key], 'utf8');
    hash.update(`${key}\0${value.length}\0`);
    hash.update(value);
  }
  return hash.digest('hex');
}

/**
 * Colon-separated upper-case hex, as the PKI module reports fingerprints; undefined when unparseable.
 *
 * @internal
 */
export function certificateFingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

/**
 * Whether a Secret carries crossmesh's managed-by label.
 *
 * @internal
 */
export function isManagedByCrossmesh(secret: V1Secret): boolean {
  return secret.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}
