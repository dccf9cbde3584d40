import { KeyObject } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  ROOT_IMPORT_ERROR_CODES,
  RootImportField,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  buildCertificate,
  formatDate,
  isSignedBy,
  parseCertificate,
  parseCertificates,
  ParsedCertificate,
  randomSerial,
  truncateToSeconds,
} from './certificate';
import {
  checkIsCa,
  checkMaySignCertificates,
  checkValidity,
  keyMatches,
} from './checks';
import {
  addDays,
  BACKDATE_MS,
  caKeyUsage,
  DEFAULT_ROOT_SUBJECT,
  subjectKeyIdExtension,
  validateNow,
  validateValidityDays,
} from './conventions';
import { basicConstraintsValue, DistinguishedName, name, OID } from './der';
import {
  describeKey,
  ExistingKeyType,
  generateKeyPair,
  KeyType,
  parsePrivateKeyPem,
  spkiDer,
  subjectKeyIdentifier,
  toPkcs8Pem,
} from './keys';
import {
  explainBundleOfferedAsRoot,
  explainIntermediateOfferedAsRoot,
  explainRootKeyMismatch,
} from './istioToolsLayout';
import { withFinalNewline } from './pem';
import { strictVerificationWarnings } from './strictConformance';

/**
 * A CA certificate and its private key, both PEM.
 *
 * @public
 */
export interface CaKeyPair {
  certPem: string;
  keyPem: string;
}

/**
 * Options of {@link generateRootCa}.
 *
 * @public
 */
export interface GenerateRootCaOptions {
  keyType: KeyType;
  /** Defaults to 3650 (ten years). */
  validityDays?: number;
  /** Defaults to `O=Istio, CN=Root CA`. */
  subject?: DistinguishedName;
  /** Start of validity; defaults to the current time. */
  now?: Date;
}

/**
 * Generates a self-signed root CA: CA:TRUE without a path length limit,
 * keyUsage keyCertSign and cRLSign (critical), and a subject key identifier.
 * The key is returned as PKCS#8 PEM.
 *
 * @public
 */
export async function generateRootCa(
  options: GenerateRootCaOptions,
): Promise<CaKeyPair> {
  const validityDays = validateValidityDays(
    options.validityDays ?? 3650,
    'Root CA',
  );
  const now = truncateToSeconds(validateNow(options.now ?? new Date()));
  const subject = options.subject ?? DEFAULT_ROOT_SUBJECT;
  if (!Object.values(subject).some(v => typeof v === 'string' && v !== '')) {
    throw new InputError('Root CA subject must have at least one attribute.');
  }
  const { privateKey, publicKey } = await generateKeyPair(options.keyType);
  const subjectName = name(subject);
  const certPem = buildCertificate({
    serial: randomSerial(),
    issuerName: subjectName,
    subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: addDays(now, validityDays),
    subjectPublicKey: publicKey,
    signingKey: privateKey,
    extensions: [
      {
        id: OID.basicConstraints,
        critical: true,
        value: basicConstraintsValue(),
      },
      caKeyUsage(),
      subjectKeyIdExtension(subjectKeyIdentifier(spkiDer(publicKey))),
    ],
  });
  return { certPem, keyPem: toPkcs8Pem(privateKey) };
}

/**
 * A root CA accepted by {@link importRootCa}, normalized.
 *
 * @public
 */
export interface ImportedRootCa {
  certPem: string;
  /** PKCS#8 PEM, whatever form was imported. */
  keyPem: string;
  keyType: ExistingKeyType;
  /** SHA-256 fingerprint as colon-separated upper-case hex. */
  fingerprintSha256: string;
  /** Serial number as upper-case hex. */
  serial: string;
  /** ISO 8601. */
  notAfter: string;
  /** Subject as `O=Istio, CN=Root CA`. */
  subject: string;
  /**
   * What strict verifiers (`openssl verify -x509_strict`) hold against the root itself,
   * with the fix; empty for a root without such defects.
   */
  warnings: string[];
}

/** A validated root, for use by the issuing functions. */
export interface LoadedRootCa {
  cert: ParsedCertificate;
  key: KeyObject;
  keyType: ExistingKeyType;
}

export function loadRootCa(
  certPem: string,
  keyPem: string,
  now: Date,
): LoadedRootCa {
  const what = 'Root CA certificate';
  const keyWhat = 'Root CA key';
  const certs = checkingField('certificate', () =>
    parseCertificates(certPem, what),
  );
  const key = checkingField('key', () => parsePrivateKeyPem(keyPem, keyWhat));
  const cert = checkingField('certificate', () => {
    if (certs.length !== 1) {
      throw new InputError(
        explainBundleOfferedAsRoot(certs, key, what, keyWhat),
      );
    }
    const intermediate = explainIntermediateOfferedAsRoot(certs[0], key, what);
    if (intermediate) throw new InputError(intermediate);
    checkRootCertificate(certs[0], now, what);
    return certs[0];
  });
  return checkingField('key', () => {
    if (!keyMatches(cert, key)) {
      throw new InputError(explainRootKeyMismatch(cert, what, keyWhat));
    }
    return { cert, key, keyType: describeKey(key, keyWhat) };
  });
}

/**
 * Runs a check of one field of a root import; an InputError it throws gets the field's
 * code (`error.code` in the response), so a form shows the message at that field.
 */
function checkingField<T>(field: RootImportField, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InputError) {
      Object.assign(error, { code: ROOT_IMPORT_ERROR_CODES[field] });
    }
    throw error;
  }
}

/** The checks every root passes, whether crossmesh holds its key or not. */
function checkRootCertificate(
  cert: ParsedCertificate,
  now: Date,
  what: string,
): void {
  checkIsCa(cert, what);
  checkMaySignCertificates(cert, what);
  if (cert.basicConstraints?.pathLen === 0) {
    throw new InputError(
      `${what} has pathlen:0, so it may not sign intermediate CAs. ` +
        `Use a root whose basicConstraints has no pathlen (or pathlen of at least 1).`,
    );
  }
  if (!isSignedBy(cert, cert)) {
    throw new InputError(
      `${what} is not self-signed (subject "${
        cert.subject
      }", issuer "${cert.x509.issuer.split('\n').join(', ')}"). ` +
        `Istio's root-cert.pem must hold a self-signed root; import the top of your chain.`,
    );
  }
  checkValidity(cert, validateNow(now), what);
}

/**
 * Checks an existing root CA (made by `cfssl gencert -initca`, Istio's
 * tools/certs Makefile, or {@link generateRootCa}) and normalizes it.
 * The key may be PKCS#1, SEC1 or PKCS#8 PEM (unencrypted).
 *
 * @throws InputError naming the failed check (parse, CA:TRUE, keyCertSign,
 * key match, self-signed, validity) and how to fix it; files of a cluster folder made by
 * Istio's tools/certs (an intermediate and its key) are named as such.
 * @public
 */
export function importRootCa(
  certPem: string,
  keyPem: string,
  now: Date = new Date(),
): ImportedRootCa {
  const { cert, key, keyType } = loadRootCa(certPem, keyPem, now);
  return {
    certPem: withFinalNewline(cert.pem),
    keyPem: toPkcs8Pem(key),
    keyType,
    fingerprintSha256: cert.fingerprintSha256,
    serial: cert.serial,
    notAfter: formatDate(cert.notAfter),
    subject: cert.subject,
    warnings: strictVerificationWarnings(cert, 'Root CA certificate'),
  };
}

/**
 * The public half of a root CA whose key stays offline, normalized.
 *
 * @public
 */
export type OfflineRootCa = Omit<ImportedRootCa, 'keyPem' | 'keyType'> & {
  keyType: ExistingKeyType;
};

/**
 * Checks the certificate of a root CA whose key crossmesh will never hold (offline-root
 * mode): a self-signed CA that may sign intermediates and is valid now.
 *
 * @throws InputError naming the failed check and how to fix it.
 * @public
 */
export function importOfflineRootCertificate(
  certPem: string,
  now: Date = new Date(),
): OfflineRootCa {
  const what = 'Root CA certificate';
  return checkingField('certificate', () => {
    const cert = parseCertificate(certPem, what);
    checkRootCertificate(cert, now, what);
    return {
      certPem: withFinalNewline(cert.pem),
      keyType: describeKey(cert.x509.publicKey, 'Root CA public key'),
      fingerprintSha256: cert.fingerprintSha256,
      serial: cert.serial,
      notAfter: formatDate(cert.notAfter),
      subject: cert.subject,
      warnings: strictVerificationWarnings(cert, what),
    };
  });
}
