import { InputError, isError } from '@backstage/errors';
import {
  formatDate,
  isSignedBy,
  parseCertificate,
  parseCertificates,
  ParsedCertificate,
} from './certificate';
import { checkIsCa, checkKeyMatches, startsTooLate } from './checks';
import { daysBetween, validateNow } from './conventions';
import { parsePrivateKeyPem, toPkcs8Pem } from './keys';
import { withFinalNewline } from './pem';

/**
 * The keys of Istio's `cacerts` Secret, in the order crossmesh writes them.
 *
 * @public
 */
export const CACERTS_KEYS = [
  'ca-cert.pem',
  'ca-key.pem',
  'root-cert.pem',
  'cert-chain.pem',
] as const;

/**
 * Contents of the generic Secret `cacerts` in `istio-system` (decoded, not base64).
 *
 * @public
 */
export interface CacertsFiles {
  /** The cluster's intermediate CA. */
  'ca-cert.pem': string;
  /** Its private key, PKCS#8 PEM. */
  'ca-key.pem': string;
  /** The trusted root(s); several during a root rotation. */
  'root-cert.pem': string;
  /** `ca-cert.pem` followed by the root that signed it. */
  'cert-chain.pem': string;
}

/**
 * Input of {@link buildCacerts}.
 *
 * @public
 */
export interface BuildCacertsInput {
  intermediate: { certPem: string; keyPem: string };
  /** Root certificates to trust; one of them must have signed the intermediate. */
  rootCertPems: string[];
}

/**
 * Assembles the four files of the `cacerts` Secret. `root-cert.pem` holds
 * every given root (duplicates removed, order kept), `cert-chain.pem` holds
 * the intermediate then the root that signed it.
 *
 * @throws InputError when the key does not match or no given root signed the intermediate.
 * @public
 */
export function buildCacerts(input: BuildCacertsInput): CacertsFiles {
  const what = 'Intermediate CA certificate';
  const intermediate = parseCertificate(input.intermediate.certPem, what);
  const key = parsePrivateKeyPem(
    input.intermediate.keyPem,
    'Intermediate CA key',
  );
  checkKeyMatches(intermediate, key, what, 'Intermediate CA key');
  checkIsCa(intermediate, what);
  if (!Array.isArray(input.rootCertPems) || input.rootCertPems.length === 0) {
    throw new InputError(
      'rootCertPems must list at least one root certificate.',
    );
  }

  const roots: ParsedCertificate[] = [];
  for (const pem of input.rootCertPems) {
    for (const root of parseCertificates(pem, 'Root certificate')) {
      if (!roots.some(r => r.fingerprintSha256 === root.fingerprintSha256)) {
        roots.push(root);
      }
    }
  }
  const signer = roots.find(root => isSignedBy(intermediate, root));
  if (!signer) {
    throw new InputError(
      `${what} (issuer "${intermediate.x509.issuer.split('\n').join(', ')}") ` +
        `was not signed by any of the ${roots.length} given root certificate(s); ` +
        `include the root that issued it in rootCertPems.`,
    );
  }

  const caCert = withFinalNewline(intermediate.pem);
  return {
    'ca-cert.pem': caCert,
    'ca-key.pem': toPkcs8Pem(key),
    'root-cert.pem': roots.map(r => withFinalNewline(r.pem)).join(''),
    'cert-chain.pem': caCert + withFinalNewline(signer.pem),
  };
}

/**
 * Outcome of {@link inspectCacerts}, from most to least severe:
 * `missing-keys` (a required key is absent or empty), `invalid` (unparseable,
 * key mismatch, inconsistent chain, not a CA, not yet valid), `foreign-root`
 * (the intermediate chains to a root crossmesh does not expect), `expired`,
 * `expiring` (within the renewal window), `ok`.
 *
 * @public
 */
export type CacertsStatus =
  | 'ok'
  | 'missing-keys'
  | 'foreign-root'
  | 'expiring'
  | 'expired'
  | 'invalid';

/**
 * Drift report of one cluster's `cacerts`.
 *
 * @public
 */
export interface CacertsReport {
  status: CacertsStatus;
  /** One sentence for people: what is wrong and what to do. */
  detail: string;
  missingKeys?: string[];
  /** Keys other than the four crossmesh writes; reported, not an error. */
  unexpectedKeys?: string[];
  intermediate?: {
    subject: string;
    /** The `L` attribute, which crossmesh sets to the cluster name. */
    clusterName?: string;
    serial: string;
    fingerprintSha256: string;
    notBefore: string;
    notAfter: string;
  };
  /** Fingerprint of the root in root-cert.pem that signed ca-cert.pem. */
  rootFingerprintSha256?: string;
  /** The earlier expiry of the intermediate and its root, ISO 8601. */
  expiresAt?: string;
  /** Whole days until `expiresAt` (negative once expired). */
  daysRemaining?: number;
}

/**
 * Options of {@link inspectCacerts}.
 *
 * @public
 */
export interface InspectCacertsOptions {
  /** Roots crossmesh manages for this mesh (PEM, one or more certificates each). */
  expectedRootPems: string[];
  /** Defaults to the current time. */
  now?: Date;
  /** Report `expiring` this many days before expiry; defaults to 30. */
  renewalWindowDays?: number;
}

function messageOf(e: unknown): string {
  return isError(e) ? e.message : String(e);
}

/**
 * Inspects the decoded data of a cluster's `cacerts` Secret, e.g. to find a
 * cluster whose secret someone replaced, that chains to another root, or
 * that expires within the renewal window. Never throws for bad contents:
 * they are reported as `invalid`.
 *
 * @public
 */
export function inspectCacerts(
  files: Readonly<Record<string, string | undefined>>,
  options: InspectCacertsOptions,
): CacertsReport {
  const now = validateNow(options.now ?? new Date());
  const windowDays = options.renewalWindowDays ?? 30;
  const present = Object.keys(files).filter(
    k => (files[k] ?? '').trim() !== '',
  );
  const missingKeys = CACERTS_KEYS.filter(k => !present.includes(k));
  const unexpectedKeys = present.filter(
    k => !(CACERTS_KEYS as readonly string[]).includes(k),
  );
  const base: Partial<CacertsReport> =
    unexpectedKeys.length > 0 ? { unexpectedKeys } : {};

  if (missingKeys.length > 0) {
    return {
      ...base,
      status: 'missing-keys',
      missingKeys,
      detail: `cacerts lacks ${missingKeys.join(
        ', ',
      )}; Istio needs all of ${CACERTS_KEYS.join(
        ', ',
      )}. Let crossmesh rewrite the secret.`,
    };
  }
  const invalid = (detail: string, extra: Partial<CacertsReport> = {}) =>
    ({ ...base, ...extra, status: 'invalid', detail } as CacertsReport);

  let caCert: ParsedCertificate;
  let roots: ParsedCertificate[];
  let chain: ParsedCertificate[];
  let expected: ParsedCertificate[];
  try {
    caCert = parseCertificate(files['ca-cert.pem']!, 'ca-cert.pem');
    const key = parsePrivateKeyPem(files['ca-key.pem']!, 'ca-key.pem');
    roots = parseCertificates(files['root-cert.pem']!, 'root-cert.pem');
    chain = parseCertificates(files['cert-chain.pem']!, 'cert-chain.pem');
    checkKeyMatches(caCert, key, 'ca-cert.pem', 'ca-key.pem');
    checkIsCa(caCert, 'ca-cert.pem');
    expected = options.expectedRootPems.flatMap((pem, i) =>
      parseCertificates(pem, `Expected root ${i + 1}`),
    );
  } catch (e) {
    return invalid(messageOf(e));
  }

  const intermediate: CacertsReport['intermediate'] = {
    subject: caCert.subject,
    clusterName: caCert.x509.subject
      .split('\n')
      .find(part => part.startsWith('L='))
      ?.slice(2),
    serial: caCert.serial,
    fingerprintSha256: caCert.fingerprintSha256,
    notBefore: formatDate(caCert.notBefore),
    notAfter: formatDate(caCert.notAfter),
  };

  if (chain[0].fingerprintSha256 !== caCert.fingerprintSha256) {
    return invalid(
      'cert-chain.pem does not start with ca-cert.pem; Istio serves this chain to workloads. Let crossmesh rewrite the secret.',
      { intermediate },
    );
  }
  if (chain.length < 2 || !isSignedBy(chain[0], chain[1])) {
    return invalid(
      'cert-chain.pem does not continue with the root that signed ca-cert.pem. Let crossmesh rewrite the secret.',
      { intermediate },
    );
  }

  const signer = roots.find(root => isSignedBy(caCert, root));
  const isExpected = (cert: ParsedCertificate) =>
    expected.some(e => e.fingerprintSha256 === cert.fingerprintSha256);
  if (!signer) {
    const expectedSigner = expected.find(root => isSignedBy(caCert, root));
    return invalid(
      expectedSigner
        ? `root-cert.pem lacks the root that signed ca-cert.pem (${expectedSigner.fingerprintSha256}), so workloads cannot verify it. Let crossmesh rewrite the secret.`
        : `ca-cert.pem was signed by "${caCert.x509.issuer
            .split('\n')
            .join(
              ', ',
            )}", which is neither in root-cert.pem nor a root crossmesh manages. Replace the secret with one issued by crossmesh.`,
      { intermediate },
    );
  }
  const withRoot = {
    ...base,
    intermediate,
    rootFingerprintSha256: signer.fingerprintSha256,
  };
  if (!isExpected(signer)) {
    return {
      ...withRoot,
      status: 'foreign-root',
      detail: `ca-cert.pem chains to root "${signer.subject}" (${signer.fingerprintSha256}), which is not a root crossmesh manages for this mesh; someone else replaced cacerts. Workloads in this cluster will not trust the other clusters. Reissue the cluster's intermediate with crossmesh.`,
    };
  }

  const early = startsTooLate(caCert.notBefore, now);
  if (early) {
    return invalid(
      `ca-cert.pem is not valid until ${formatDate(
        caCert.notBefore,
      )}, ${early}. Check the clocks of this server and of the issuer.`,
      withRoot,
    );
  }
  const expiresAt =
    signer.notAfter < caCert.notAfter ? signer.notAfter : caCert.notAfter;
  const which = expiresAt === caCert.notAfter ? 'The intermediate' : 'The root';
  const remaining = daysBetween(now, expiresAt);
  const timing = {
    ...withRoot,
    expiresAt: formatDate(expiresAt),
    daysRemaining: Math.floor(remaining),
  };
  if (remaining < 0) {
    return {
      ...timing,
      status: 'expired',
      detail: `${which} CA expired on ${formatDate(
        expiresAt,
      )}; mTLS with new workload certificates fails. Rotate it now.`,
    };
  }
  if (remaining <= windowDays) {
    return {
      ...timing,
      status: 'expiring',
      detail: `${which} CA expires on ${formatDate(
        expiresAt,
      )}, within the ${windowDays}-day renewal window. Rotate it.`,
    };
  }
  return {
    ...timing,
    status: 'ok',
    detail: `cacerts is issued by crossmesh's root and valid until ${formatDate(
      expiresAt,
    )}.`,
  };
}
