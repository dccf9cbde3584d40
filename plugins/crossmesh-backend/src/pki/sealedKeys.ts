import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { parsePrivateKeyPem } from './keys';

/**
 * Why a sealed key could not be opened:
 *
 * - `no-kek`: no key-encryption key was given (none is configured);
 * - `unknown-kek`: none of the given KEKs has the key id the record names;
 * - `wrong-kek`: the KEK with that id does not open it (the secret behind it changed);
 * - `malformed`: the record is not a sealed key, or is truncated;
 * - `tampered`: its ciphertext fails authentication.
 *
 * The first three are the server's configuration, not the data.
 *
 * @public
 */
export type SealedKeyFailure =
  | 'no-kek'
  | 'unknown-kek'
  | 'wrong-kek'
  | 'malformed'
  | 'tampered';

/**
 * Thrown when a sealed key cannot be opened; `reason` says why.
 *
 * @public
 */
export class SealedKeyError extends CustomErrorBase {
  name = 'SealedKeyError' as const;

  constructor(message: string, readonly reason: SealedKeyFailure) {
    super(message);
  }
}

const MISCONFIGURATION: readonly SealedKeyFailure[] = [
  'no-kek',
  'unknown-kek',
  'wrong-kek',
];

/**
 * Whether `error` is a {@link SealedKeyError} caused by the configured key-encryption
 * secret(s) (missing or wrong) rather than by the stored data: a misconfigured server,
 * which an API answers with 503 and the same message.
 *
 * @public
 */
export function isKekMisconfiguration(error: unknown): boolean {
  return (
    error instanceof SealedKeyError && MISCONFIGURATION.includes(error.reason)
  );
}

/**
 * A key-encryption key (KEK) derived from a configured secret.
 *
 * @public
 */
export interface KeyEncryptionKey {
  /** Stored in each sealed record, so records name the KEK that opens them. */
  keyId: string;
  /** 32 bytes for AES-256. */
  key: Buffer;
}

const FORMAT = 'cmk1';
const SCRYPT_SALT = 'crossmesh/pki/kek/v1';
// scrypt so that a guessable config secret still costs an attacker; the
// derivation runs once per secret at startup (about 0.1 s).
const SCRYPT_OPTIONS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const MIN_SECRET_LENGTH = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Derives a KEK from a config secret string with scrypt
 * (N=2^15, r=8, p=1, salt `crossmesh/pki/kek/v1`, 32 bytes).
 *
 * The key id defaults to the first 12 hex digits of SHA-256 over the derived
 * key, so a new secret gets a new id by itself; pass `keyId` to name it.
 * To rotate, seal with the new KEK and keep the old one in the list given
 * to {@link openPrivateKey} until every record has been resealed.
 *
 * @public
 */
export function deriveKek(
  secret: string,
  options: { keyId?: string } = {},
): KeyEncryptionKey {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new InputError(
      `The key-encryption secret must be a string of at least ${MIN_SECRET_LENGTH} characters; ` +
        `generate one with "openssl rand -base64 32".`,
    );
  }
  const key = scryptSync(secret, SCRYPT_SALT, 32, SCRYPT_OPTIONS);
  const keyId =
    options.keyId ??
    createHash('sha256')
      .update('crossmesh-kek-id\0')
      .update(key)
      .digest('hex')
      .slice(0, 12);
  if (!KEY_ID.test(keyId)) {
    throw new InputError(
      `KEK keyId must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-", got ${JSON.stringify(
        keyId,
      )}.`,
    );
  }
  return { keyId, key };
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return { iv, ciphertext };
}

function gcmDecrypt(
  key: Buffer,
  iv: Buffer,
  sealed: Buffer,
  aad: string,
): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([
    decipher.update(sealed.subarray(0, sealed.length - 16)),
    decipher.final(),
  ]);
}

/**
 * Seals a private key PEM for storage (envelope encryption).
 *
 * Format: `cmk1.<keyId>.<wrapIv>.<wrappedDek>.<iv>.<ciphertext>`, fields
 * base64url without padding. A random 32-byte data key (DEK) encrypts the
 * PEM with AES-256-GCM (12-byte IV, 16-byte tag appended to `ciphertext`,
 * AAD `cmk1.<keyId>.<wrappedDek>`); the KEK wraps the DEK with AES-256-GCM
 * (tag appended to `wrappedDek`, AAD `cmk1.<keyId>`). The AADs bind the
 * key id and wrapped DEK to the record, so swapping fields fails to open.
 *
 * @throws InputError when `keyPem` is not a private key PEM.
 * @public
 */
export function sealPrivateKey(keyPem: string, kek: KeyEncryptionKey): string {
  parsePrivateKeyPem(keyPem, 'Key to seal');
  const header = `${FORMAT}.${kek.keyId}`;
  const dek = randomBytes(32);
  try {
    const wrapped = gcmEncrypt(kek.key, dek, header);
    const wrappedDek = b64(wrapped.ciphertext);
    const data = gcmEncrypt(
      dek,
      Buffer.from(keyPem, 'utf8'),
      `${header}.${wrappedDek}`,
    );
    return [
      header,
      b64(wrapped.iv),
      wrappedDek,
      b64(data.iv),
      b64(data.ciphertext),
    ].join('.');
  } finally {
    dek.fill(0);
  }
}

/** The data key of a sealed record, unwrapped with the KEK the record names. */
function unwrapDataKey(sealed: string, keks: KeyEncryptionKey[]) {
  const parts = typeof sealed === 'string' ? sealed.trim().split('.') : [];
  const wellFormed =
    parts.length === 6 &&
    parts[0] === FORMAT &&
    parts.slice(1).every(p => /^[A-Za-z0-9_-]+$/.test(p));
  if (!wellFormed) {
    throw new SealedKeyError(
      `Not a sealed crossmesh key: expected "${FORMAT}.<keyId>.<wrapIv>.<wrappedDek>.<iv>.<ciphertext>".`,
      'malformed',
    );
  }
  const [format, keyId, wrapIv, wrappedDek, iv, ciphertext] = parts;
  const header = `${format}.${keyId}`;
  if (keks.length === 0) {
    throw new SealedKeyError(
      `No key-encryption key is configured, so the key sealed with KEK "${keyId}" cannot be opened. Configure the secret that KEK was derived from.`,
      'no-kek',
    );
  }
  const match = keks.find(k => k.keyId === keyId);
  if (!match) {
    throw new SealedKeyError(
      `The key was sealed with KEK "${keyId}", but the configured KEK(s) are ${keks
        .map(k => `"${k.keyId}"`)
        .join(
          ', ',
        )}. Configure the secret that KEK was derived from (keep old secrets while rotating).`,
      'unknown-kek',
    );
  }
  const bufs = [wrapIv, wrappedDek, iv, ciphertext].map(p =>
    Buffer.from(p, 'base64url'),
  );
  if (
    bufs[0].length !== 12 ||
    bufs[1].length !== 48 ||
    bufs[2].length !== 12 ||
    bufs[3].length < 17
  ) {
    throw new SealedKeyError(
      'The sealed key is truncated or corrupted (field lengths are wrong).',
      'malformed',
    );
  }
  try {
    return {
      dek: gcmDecrypt(match.key, bufs[0], bufs[1], header),
      aad: `${header}.${wrappedDek}`,
      iv: bufs[2],
      ciphertext: bufs[3],
    };
  } catch {
    throw new SealedKeyError(
      `The sealed key failed authentication with KEK "${keyId}": the secret configured for that key id is wrong, or the record was tampered with.`,
      'wrong-kek',
    );
  }
}

/**
 * Opens a record made by {@link sealPrivateKey} with the KEK whose key id it
 * names; pass several KEKs while rotating.
 *
 * @throws SealedKeyError when no KEK is given, the record is malformed, names an
 * unknown key id, or fails authentication (wrong KEK or tampered data); its `reason`
 * says which, and {@link isKekMisconfiguration} tells the configuration's failures
 * from the data's. Never returns unauthenticated plaintext.
 * @public
 */
export function openPrivateKey(
  sealed: string,
  kek: KeyEncryptionKey | KeyEncryptionKey[],
): string {
  const { dek, aad, iv, ciphertext } = unwrapDataKey(
    sealed,
    Array.isArray(kek) ? kek : [kek],
  );
  try {
    return gcmDecrypt(dek, iv, ciphertext, aad).toString('utf8');
  } catch {
    throw new SealedKeyError(
      'The sealed key failed authentication: its ciphertext was tampered with or corrupted.',
      'tampered',
    );
  } finally {
    dek.fill(0);
  }
}

/**
 * Checks that `keks` would open a record made by {@link sealPrivateKey}, without
 * decrypting the private key itself: only the record's data key is unwrapped, and wiped.
 *
 * @throws SealedKeyError as {@link openPrivateKey} does, except for `tampered`.
 * @public
 */
export function checkKeyEncryptionKey(
  sealed: string,
  keks: KeyEncryptionKey[],
): void {
  unwrapDataKey(sealed, keks).dek.fill(0);
}
