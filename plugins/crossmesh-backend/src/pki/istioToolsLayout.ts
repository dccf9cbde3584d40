import { KeyObject } from 'node:crypto';
import { isSignedBy, ParsedCertificate } from './certificate';
import { keyMatches } from './checks';

// Istio's tools/certs Makefile (and its multicluster guide) make root-cert.pem and
// root-key.pem once, then per cluster a folder with ca-cert.pem, ca-key.pem (the
// intermediate's key), cert-chain.pem and a copy of root-cert.pem. People then offer a
// cluster folder's files as the root; these explain what happened.

const TAKE_THE_ROOT =
  'Import the root alone: root-cert.pem with root-key.pem, made by "make -f tools/certs/Makefile.selfsigned.mk root-ca".';
const ISTIO_ROOT_SUBJECT = 'O=Istio, CN=Root CA';

function issuerOf(cert: ParsedCertificate): string {
  return cert.x509.issuer.split('\n').join(', ');
}

function isIstioIntermediate(cert: ParsedCertificate): boolean {
  return /(^|, )CN=Intermediate CA(, |$)/.test(cert.subject);
}

/**
 * An intermediate of Istio's naming offered as the root with its own key: ca-cert.pem and
 * ca-key.pem of a cluster folder. Other subordinate CAs get the generic checks' messages.
 */
export function explainIntermediateOfferedAsRoot(
  cert: ParsedCertificate,
  key: KeyObject,
  what: string,
): string | undefined {
  if (
    !isIstioIntermediate(cert) ||
    isSignedBy(cert, cert) ||
    !keyMatches(cert, key)
  ) {
    return undefined;
  }
  return `${what} "${cert.subject}" is an intermediate CA issued by "${issuerOf(
    cert,
  )}", not a root: these are ca-cert.pem and ca-key.pem of a cluster folder (Istio's tools/certs keeps the intermediate's key in ca-key.pem). ${TAKE_THE_ROOT}`;
}

const ORDINALS = ['first', 'second', 'third'];

/**
 * Several certificates offered as the root; when the key belongs to one that is not a
 * root (cert-chain.pem with ca-key.pem), which one.
 */
export function explainBundleOfferedAsRoot(
  certs: ParsedCertificate[],
  key: KeyObject,
  what: string,
  keyWhat: string,
): string {
  const generic = `${what} holds ${certs.length} certificates; provide exactly one.`;
  const index = certs.findIndex(c => !isSignedBy(c, c) && keyMatches(c, key));
  if (index < 0) return generic;
  const cert = certs[index];
  const position = ORDINALS[index] ?? `certificate ${index + 1}`;
  const found = `${what} holds ${
    certs.length
  } certificates, and ${keyWhat} belongs to the ${position}, "${
    cert.subject
  }", an intermediate CA issued by "${issuerOf(cert)}"`;
  const isCertChain =
    index === 0 && certs.length === 2 && isSignedBy(cert, certs[1]);
  return isCertChain && isIstioIntermediate(cert)
    ? `${found}: these are cert-chain.pem and ca-key.pem of a cluster folder (Istio's tools/certs keeps the intermediate's key in ca-key.pem). ${TAKE_THE_ROOT}`
    : `${found}. Import the self-signed root alone, with the root's own key.`;
}

/** A root and a key that is not its own. */
export function explainRootKeyMismatch(
  cert: ParsedCertificate,
  what: string,
  keyWhat: string,
): string {
  const mismatch =
    `${keyWhat} does not match ${what}: the key's public half differs from the ` +
    `certificate's.`;
  if (cert.subject !== ISTIO_ROOT_SUBJECT) {
    return `${mismatch} Provide the key that was generated together with this certificate.`;
  }
  return (
    `${mismatch} The root has the subject of Istio's tools/certs root ("${cert.subject}"): ` +
    `if the key is ca-key.pem from a cluster folder (cluster1/ in Istio's multicluster guide), that file is the cluster's intermediate CA key, not the root's. ` +
    `Use root-key.pem, made by "make -f tools/certs/Makefile.selfsigned.mk root-ca" next to root-cert.pem.`
  );
}
