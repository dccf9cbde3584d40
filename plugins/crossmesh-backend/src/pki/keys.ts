import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { InputError } from '@backstage/errors';
import { bytesOf, childrenOf, OID, parseDer } from './der';
import { decodePemBlocks } from './pem';

const generateKeyPairAsync = promisify(generateKeyPairCallback);

/**
 * Key algorithms crossmesh generates for root and intermediate CAs.
 *
 * @public
 */
export type KeyType = 'rsa-4096' | 'rsa-2048' | 'ecdsa-p256';

/**
 * Key algorithm of an existing (imported or uploaded) key, such as
 * `rsa-4096`, `rsa-3072` or `ecdsa-p384`.
 *
 * @public
 */
export type ExistingKeyType =
  | KeyType
  | `rsa-${number}`
  | 'ecdsa-p384'
  | 'ecdsa-p521';

export const KEY_TYPES: readonly KeyType[] = [
  'rsa-4096',
  'rsa-2048',
  'ecdsa-p256',
];

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function assertKeyType(keyType: unknown): asserts keyType is KeyType {
  if (!KEY_TYPES.includes(keyType as KeyType)) {
    throw new InputError(
      `Unsupported keyType "${String(keyType)}"; use one of ${KEY_TYPES.join(
        ', ',
      )}.`,
    );
  }
}

/**
 * Generates a key pair with node:crypto: native OpenSSL code, so RSA-4096
 * costs what `openssl genrsa 4096` costs, and it runs off the event loop.
 */
export async function generateKeyPair(keyType: KeyType): Promise<KeyPair> {
  assertKeyType(keyType);
  if (keyType === 'ecdsa-p256') {
    return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  }
  return generateKeyPairAsync('rsa', {
    modulusLength: keyType === 'rsa-4096' ? 4096 : 2048,
    publicExponent: 0x10001,
  });
}

const CURVES: Record<
  string,
  { keyType: ExistingKeyType; hash: string; sigOid: string }
> = {
  prime256v1: {
    keyType: 'ecdsa-p256',
    hash: 'sha256',
    sigOid: OID.ecdsaWithSha256,
  },
  secp384r1: {
    keyType: 'ecdsa-p384',
    hash: 'sha384',
    sigOid: OID.ecdsaWithSha384,
  },
  secp521r1: {
    keyType: 'ecdsa-p521',
    hash: 'sha512',
    sigOid: OID.ecdsaWithSha512,
  },
};

/** Describes a key; throws InputError for algorithms crossmesh cannot sign with. */
export function describeKey(key: KeyObject, what: string): ExistingKeyType {
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) {
      throw new InputError(
        `${what} is an RSA key of ${bits} bits; use at least 2048 bits (Istio's tools use 4096).`,
      );
    }
    return `rsa-${bits}`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve) return curve.keyType;
    throw new InputError(
      `${what} is an EC key on curve ${key.asymmetricKeyDetails?.namedCurve}; use P-256, P-384 or P-521.`,
    );
  }
  throw new InputError(
    `${what} is a ${key.asymmetricKeyType} key; only RSA and ECDSA keys are supported.`,
  );
}

/** Hash and AlgorithmIdentifier OID for signatures made with this key. */
export function signatureAlgorithm(key: KeyObject): {
  hash: string;
  oid: string;
  nullParams: boolean;
} {
  if (key.asymmetricKeyType === 'rsa') {
    return { hash: 'sha256', oid: OID.sha256WithRsa, nullParams: true };
  }
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (key.asymmetricKeyType === 'ec' && curve) {
    return { hash: curve.hash, oid: curve.sigOid, nullParams: false };
  }
  throw new InputError(`Cannot sign with a ${key.asymmetricKeyType} key.`);
}

/**
 * Parses an unencrypted private key in PKCS#1, SEC1 or PKCS#8 PEM.
 * `what` names the key in error messages, e.g. "Root CA key".
 */
export function parsePrivateKeyPem(pem: string, what: string): KeyObject {
  const blocks = decodePemBlocks(pem).filter(b =>
    b.label.endsWith('PRIVATE KEY'),
  );
  if (blocks.length === 0) {
    throw new InputError(
      `${what} is not a PEM private key: expected a "-----BEGIN PRIVATE KEY-----", ` +
        `"-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN EC PRIVATE KEY-----" block. ` +
        `Convert it with "openssl pkey -in key -out key.pem".`,
    );
  }
  if (blocks.length > 1) {
    throw new InputError(
      `${what} holds ${blocks.length} private keys; provide exactly one.`,
    );
  }
  if (
    blocks[0].label === 'ENCRYPTED PRIVATE KEY' ||
    /Proc-Type:.*ENCRYPTED/.test(pem)
  ) {
    throw new InputError(
      `${what} is encrypted with a passphrase; decrypt it first with "openssl pkey -in key.pem -out plain-key.pem".`,
    );
  }
  const block = blocks[0];
  const types: Record<string, 'pkcs1' | 'sec1'> = {
    'RSA PRIVATE KEY': 'pkcs1',
    'EC PRIVATE KEY': 'sec1',
  };
  const type = types[block.label] ?? 'pkcs8';
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.der, format: 'der', type });
  } catch (e) {
    throw new InputError(
      `${what} could not be parsed as a ${block.label} (${
        (e as Error).message
      }). ` + `Check that the file is complete and not corrupted.`,
    );
  }
  describeKey(key, what);
  return key;
}

export function toPkcs8Pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** SubjectPublicKeyInfo DER of a private or public key. */
export function spkiDer(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 section 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function subjectKeyIdentifier(spki: Buffer): Buffer {
  const bits = bytesOf(childrenOf(parseDer(spki))[1]);
  return createHash('sha1').update(bits.subarray(1)).digest();
}
