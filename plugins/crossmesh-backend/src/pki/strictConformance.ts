import { ParsedCertificate } from './certificate';

const RESIGN_WITH_SKI =
  'openssl x509 -in root-cert.pem -signkey root-key.pem -extfile <(echo subjectKeyIdentifier=hash) -days 3650 -out root-cert-with-ski.pem';

/**
 * What `openssl verify -x509_strict` holds against a root CA itself, whatever it signs:
 * one sentence each, with the fix. crossmesh accepts such roots (Istio's Go code and
 * Envoy's BoringSSL do not mind), and says so.
 */
export function strictVerificationWarnings(
  cert: ParsedCertificate,
  what: string,
): string[] {
  const warnings: string[] = [];
  if (!cert.subjectKeyId) {
    warnings.push(
      `${what} has no Subject Key Identifier, so "openssl verify -x509_strict" (RFC 5280 section 4.2.1.2) rejects every chain to it. ` +
        `crossmesh's intermediates name it by the key id derived from its public key, which Istio and Envoy accept. ` +
        `For strict verifiers, re-sign the root with its own key (same subject and key, so what it signed stays valid) and use that certificate: ${RESIGN_WITH_SKI}`,
    );
  }
  if (!cert.keyUsage) {
    warnings.push(
      `${what} has no keyUsage extension, so "openssl verify -x509_strict" (RFC 5280 section 4.2.1.3) rejects every chain to it. ` +
        `Reissue it with "keyUsage = critical, keyCertSign, cRLSign".`,
    );
  }
  if (cert.basicConstraints && !cert.basicConstraints.critical) {
    warnings.push(
      `${what} has a basicConstraints extension that is not marked critical, so "openssl verify -x509_strict" (RFC 5280 section 4.2.1.9) rejects every chain to it. ` +
        `Reissue it with "basicConstraints = critical, CA:true".`,
    );
  }
  return warnings;
}
