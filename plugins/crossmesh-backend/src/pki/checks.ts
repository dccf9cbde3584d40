import { KeyObject } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { formatDate, ParsedCertificate } from './certificate';
import { CLOCK_SKEW_MS } from './conventions';
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

/** Whether `key` is the private half of the certificate's public key. */
export function keyMatches(cert: ParsedCertificate, key: KeyObject): boolean {
  try {
    return cert.x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}

export function checkKeyMatches(
  cert: ParsedCertificate,
  key: KeyObject,
  what: string,
  keyWhat: string,
): void {
  if (!keyMatches(cert, key)) {
    throw new InputError(
      `${keyWhat} does not match ${what}: the key's public half differs from the ` +
        `certificate's. Provide the key that was generated together with this certificate.`,
    );
  }
}

/** `7 minutes`, `3 hours`, `12 days`: a time span for people, rounded up. */
function describeSpan(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.ceil(hours / 24)} days`;
}

/**
 * When `notBefore` lies further ahead of `now` than the allowed clock skew: how far, and
 * the allowance, as a clause for a message. Undefined when the certificate may be used.
 */
export function startsTooLate(notBefore: Date, now: Date): string | undefined {
  const lead = notBefore.getTime() - now.getTime();
  if (lead <= CLOCK_SKEW_MS) return undefined;
  return `${describeSpan(
    lead,
  )} after this server's clock; crossmesh allows ${describeSpan(
    CLOCK_SKEW_MS,
  )} of clock skew`;
}

export function checkValidity(
  cert: ParsedCertificate,
  now: Date,
  what: string,
): void {
  const early = startsTooLate(cert.notBefore, now);
  if (early) {
    throw new InputError(
      `${what} is not yet valid: its validity starts ${formatDate(
        cert.notBefore,
      )}, ${early}. Check the clocks of this server and of the machine that signed it, or wait until then.`,
    );
  }
  if (now > cert.notAfter) {
    throw new InputError(
      `${what} has expired: it was valid until ${formatDate(cert.notAfter)}. ` +
        `Generate or import a new certificate.`,
    );
  }
}
