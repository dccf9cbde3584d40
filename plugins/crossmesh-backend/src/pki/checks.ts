import { KeyObject } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { formatDate, ParsedCertificate } from './certificate';
import { KeyUsageBit } from './der';

/** basicConstraints CA:TRUE is present. */
export function checkIsCa(cert: ParsedCertificate, what: string): void {
  if (!cert.basicConstraints?.ca) {
    throw new InputError(
      `${what} is not a CA certificate: basicConstraints CA:TRUE is missing. ` +
        `Use a CA certificate, e.g. one made with "cfssl gencert -initca" or with ` +
        `"basicConstraints = critical, CA:true" in the openssl config.`,
    );
  }
}

/** keyCertSign is set whenever keyUsage is present. */
export function checkMaySignCertificates(
  cert: ParsedCertificate,
  what: string,
): void {
  if (cert.keyUsage && !cert.keyUsage.has(KeyUsageBit.keyCertSign)) {
    throw new InputError(
      `${what} may not sign certificates: its keyUsage lacks keyCertSign. ` +
        `Reissue it with "keyUsage = critical, keyCertSign, cRLSign".`,
    );
  }
}

export function checkKeyMatches(
  cert: ParsedCertificate,
  key: KeyObject,
  what: string,
  keyWhat: string,
): void {
  let matches = false;
  try {
    matches = cert.x509.checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new InputError(
      `${keyWhat} does not match ${what}: the key's public half differs from the ` +
        `certificate's. Provide the key that was generated together with this certificate.`,
    );
  }
}

export function checkValidity(
  cert: ParsedCertificate,
  now: Date,
  what: string,
): void {
  if (now < cert.notBefore) {
    throw new InputError(
      `${what} is not yet valid: its validity starts ${formatDate(
        cert.notBefore,
      )}. ` + `Check the system clock or wait until then.`,
    );
  }
  if (now > cert.notAfter) {
    throw new InputError(
      `${what} has expired: it was valid until ${formatDate(cert.notAfter)}. ` +
        `Generate or import a new certificate.`,
    );
  }
}
