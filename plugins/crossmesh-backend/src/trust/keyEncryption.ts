import { ServiceUnavailableError } from '@backstage/errors';
import {
  KEY_ENCRYPTION_ERROR_CODE,
  TrustKeyEncryption,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  checkKeyEncryptionKey,
  isKekMisconfiguration,
  KeyEncryptionKey,
} from '../pki';

/**
 * What an operator reads when no key-encryption secret is configured.
 *
 * @internal
 */
export const NO_KEK_MESSAGE =
  'crossmesh.trust.keyEncryptionSecret is not configured, so crossmesh cannot store private keys; set it (a long random secret) and restart';

/**
 * The 503 of a trust step that needs a private key while the key-encryption secret is
 * missing or wrong: the server's configuration is at fault, not the request, and the step
 * works once an operator fixes it. Carries {@link KEY_ENCRYPTION_ERROR_CODE}.
 *
 * @internal
 */
export function keyEncryptionUnavailable(
  message: string,
): ServiceUnavailableError {
  return Object.assign(new ServiceUnavailableError(message), {
    code: KEY_ENCRYPTION_ERROR_CODE,
  });
}

/**
 * Whether the configured key-encryption keys can seal new keys and open every sealed key
 * crossmesh holds; when not, the message of the first that fails. Opens no private key.
 *
 * @internal
 */
export function keyEncryptionState(
  keks: { kek?: KeyEncryptionKey; previousKeks: KeyEncryptionKey[] },
  sealedKeys: readonly string[],
): TrustKeyEncryption {
  if (!keks.kek) {
    return { ok: false, message: NO_KEK_MESSAGE };
  }
  const all = [keks.kek, ...keks.previousKeks];
  for (const sealed of sealedKeys) {
    try {
      checkKeyEncryptionKey(sealed, all);
    } catch (error) {
      // A malformed record is the data's fault, not the configuration's; opening it says so.
      if (isKekMisconfiguration(error)) {
        return { ok: false, message: (error as Error).message };
      }
    }
  }
  return { ok: true };
}
