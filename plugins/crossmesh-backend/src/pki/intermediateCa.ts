import {
  buildCertificate,
  formatDate,
  parseCertificate,
  randomSerial,
  truncateToSeconds,
} from './certificate';
import {
  addDays,
  authorityKeyIdExtension,
  BACKDATE_MS,
  intermediateExtensions,
  intermediateSubject,
  subjectKeyIdExtension,
  validateClusterName,
  validateNow,
  validateValidityDays,
} from './conventions';
import { name } from './der';
import {
  generateKeyPair,
  KeyType,
  spkiDer,
  subjectKeyIdentifier,
  toPkcs8Pem,
} from './keys';
import { CaKeyPair, loadRootCa } from './rootCa';

/**
 * Options of {@link issueIntermediateCa}.
 *
 * @public
 */
export interface IssueIntermediateCaOptions {
  root: CaKeyPair;
  /** Becomes the `L` attribute of the subject. */
  clusterName: string;
  /** Defaults to `rsa-4096`, as Istio's tools/certs Makefile. */
  keyType?: KeyType;
  /** Defaults to 730 (two years); never extends past the root's expiry. */
  validityDays?: number;
  /** Defaults to the current time. */
  now?: Date;
}

/**
 * A cluster's intermediate CA.
 *
 * @public
 */
export interface IntermediateCa {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  /** Upper-case hex. */
  serial: string;
  /** Colon-separated upper-case hex. */
  fingerprintSha256: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
}

/**
 * Generates a key and issues the intermediate CA of one cluster, signed by
 * the root: subject `O=Istio, CN=Intermediate CA, L=<clusterName>`,
 * CA:TRUE pathlen:0, keyCertSign and cRLSign, SAN `DNS:istiod.istio-system.svc`,
 * AKI = the root's SKI (or, when it has none, the key id RFC 5280 derives from its key).
 *
 * @throws InputError when the root fails the checks of {@link importRootCa}
 * or an option is invalid.
 * @public
 */
export async function issueIntermediateCa(
  options: IssueIntermediateCaOptions,
): Promise<IntermediateCa> {
  const now = truncateToSeconds(validateNow(options.now ?? new Date()));
  const clusterName = validateClusterName(options.clusterName);
  const validityDays = validateValidityDays(
    options.validityDays ?? 730,
    'Intermediate CA',
  );
  const root = loadRootCa(options.root.certPem, options.root.keyPem, now);
  const { privateKey, publicKey } = await generateKeyPair(
    options.keyType ?? 'rsa-4096',
  );

  const requestedNotAfter = addDays(now, validityDays);
  // An intermediate outliving its root would only fail later, at verify time.
  const notAfter =
    requestedNotAfter > root.cert.notAfter
      ? root.cert.notAfter
      : requestedNotAfter;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);

  const extensions = [
    ...intermediateExtensions(),
    subjectKeyIdExtension(subjectKeyIdentifier(spkiDer(publicKey))),
    // A root without a key id of its own gets the one RFC 5280 derives from its key, so
    // strict verifiers find the AKI they require.
    authorityKeyIdExtension(
      root.cert.subjectKeyId ??
        subjectKeyIdentifier(spkiDer(root.cert.x509.publicKey)),
    ),
  ];

  const certPem = buildCertificate({
    serial: randomSerial(),
    issuerName: root.cert.subjectName,
    subjectName: name(intermediateSubject(clusterName)),
    notBefore,
    notAfter,
    subjectPublicKey: publicKey,
    signingKey: root.key,
    extensions,
  });
  const cert = parseCertificate(certPem, 'Intermediate CA certificate');
  return {
    certPem,
    keyPem: toPkcs8Pem(privateKey),
    serial: cert.serial,
    fingerprintSha256: cert.fingerprintSha256,
    notBefore: formatDate(cert.notBefore),
    notAfter: formatDate(cert.notAfter),
  };
}
