import { KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import forge from 'node-forge';
import {
  Asn1,
  Asn1Type,
  bytesOf,
  childrenOf,
  encodeDer,
  explicit,
  extension,
  Extension,
  isContext,
  oid,
  OID,
  oidOf,
  parseDer,
  parseTime,
  seq,
  smallInteger,
  time,
  unsignedInteger,
  bitString,
} from './der';
import { signatureAlgorithm, spkiDer } from './keys';
import { decodePemBlocks, encodePem } from './pem';

/** A certificate decoded into the fields the PKI checks need. */
export interface ParsedCertificate {
  pem: string;
  der: Buffer;
  x509: X509Certificate;
  subjectName: Asn1;
  subjectNameDer: Buffer;
  issuerNameDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  /** keyUsage bit numbers, or undefined when the extension is absent. */
  keyUsage?: Set<number>;
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
  dnsNames: string[];
  serial: string;
  fingerprintSha256: string;
  subject: string;
}

export function algorithmIdentifier(key: KeyObject): Asn1 {
  const alg = signatureAlgorithm(key);
  const parts = [oid(alg.oid)];
  if (alg.nullParams) {
    parts.push(
      forge.asn1.create(forge.asn1.Class.UNIVERSAL, Asn1Type.NULL, false, ''),
    );
  }
  return seq(parts);
}

/** Signs `toBeSigned` and wraps it as Certificate or CertificationRequest. */
export function signStructure(toBeSigned: Asn1, signingKey: KeyObject): Buffer {
  const tbsDer = encodeDer(toBeSigned);
  const { hash } = signatureAlgorithm(signingKey);
  // node-forge cannot sign with ECDSA; node:crypto signs both RSA and ECDSA
  // natively (DER-encoded ECDSA-Sig-Value, as X.509 wants).
  const signature = sign(hash, tbsDer, signingKey);
  return encodeDer(
    seq([toBeSigned, algorithmIdentifier(signingKey), bitString(signature)]),
  );
}

/** 127-bit positive random serial (RFC 5280 allows up to 20 octets). */
export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return serial;
}

/** Certificates carry whole seconds. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export interface CertificateTemplate {
  serial: Buffer;
  issuerName: Asn1;
  subjectName: Asn1;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKey: KeyObject;
  extensions: Extension[];
  signingKey: KeyObject;
}

/** Builds an X.509 v3 certificate; returns it as PEM. */
export function buildCertificate(template: CertificateTemplate): string {
  const tbs = seq([
    explicit(0, smallInteger(2)),
    unsignedInteger(template.serial),
    algorithmIdentifier(template.signingKey),
    template.issuerName,
    seq([time(template.notBefore), time(template.notAfter)]),
    template.subjectName,
    parseDer(spkiDer(template.subjectPublicKey)),
    explicit(3, seq(template.extensions.map(extension))),
  ]);
  return encodePem('CERTIFICATE', signStructure(tbs, template.signingKey));
}

function parseExtensions(
  tbsChildren: Asn1[],
): Map<string, { critical: boolean; value: Asn1 }> {
  const result = new Map<string, { critical: boolean; value: Asn1 }>();
  const wrapper = tbsChildren.find(child => isContext(child, 3));
  if (!wrapper) return result;
  for (const ext of childrenOf(childrenOf(wrapper)[0])) {
    const parts = childrenOf(ext);
    const critical =
      parts.length === 3 && (parts[1].value as string) !== '\x00';
    const value = parseDer(bytesOf(parts[parts.length - 1]));
    result.set(oidOf(parts[0]), { critical, value });
  }
  return result;
}

function decodeCertificate(der: Buffer): ParsedCertificate {
  const x509 = new X509Certificate(der);
  const tbsChildren = childrenOf(childrenOf(parseDer(der))[0]);
  // The version field is optional ([0] EXPLICIT) and absent in v1 certificates.
  const fields = isContext(tbsChildren[0], 0)
    ? tbsChildren.slice(1)
    : tbsChildren;
  const [, , issuer, validity, subject] = fields;
  const [notBefore, notAfter] = childrenOf(validity).map(parseTime);
  const extensions = parseExtensions(tbsChildren);

  const parsed: ParsedCertificate = {
    pem: encodePem('CERTIFICATE', der),
    der,
    x509,
    subjectName: subject,
    subjectNameDer: encodeDer(subject),
    issuerNameDer: encodeDer(issuer),
    notBefore,
    notAfter,
    dnsNames: [],
    serial: x509.serialNumber.toUpperCase(),
    fingerprintSha256: x509.fingerprint256,
    subject: x509.subject.split('\n').join(', '),
  };

  const bcExtension = extensions.get(OID.basicConstraints);
  if (bcExtension) {
    const parts = childrenOf(bcExtension.value);
    let ca = false;
    let pathLen: number | undefined;
    for (const part of parts) {
      if (part.type === Asn1Type.BOOLEAN)
        ca = (part.value as string) !== '\x00';
      if (part.type === Asn1Type.INTEGER) {
        pathLen = forge.asn1.derToInteger(part.value as string);
      }
    }
    parsed.basicConstraints = { ca, pathLen, critical: bcExtension.critical };
  }

  const ku = extensions.get(OID.keyUsage)?.value;
  if (ku) {
    const bytes = bytesOf(ku).subarray(1);
    const bits = new Set<number>();
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      if (bytes[Math.floor(bit / 8)] & (0x80 >> bit % 8)) bits.add(bit);
    }
    parsed.keyUsage = bits;
  }

  const ski = extensions.get(OID.subjectKeyIdentifier)?.value;
  if (ski) parsed.subjectKeyId = bytesOf(ski);

  const aki = extensions.get(OID.authorityKeyIdentifier)?.value;
  const akiKeyId = aki && childrenOf(aki).find(part => isContext(part, 0));
  if (akiKeyId) parsed.authorityKeyId = bytesOf(akiKeyId);

  const san = extensions.get(OID.subjectAltName)?.value;
  if (san) {
    parsed.dnsNames = childrenOf(san)
      .filter(part => isContext(part, 2))
      .map(part => part.value as string);
  }
  return parsed;
}

/**
 * Parses every certificate in a PEM bundle. Throws InputError naming `what`
 * when there is none or one is malformed.
 */
export function parseCertificates(
  pem: string,
  what: string,
): ParsedCertificate[] {
  const blocks = decodePemBlocks(pem).filter(
    b => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE',
  );
  if (blocks.length === 0) {
    throw new InputError(
      `${what} is not a PEM certificate: expected a "-----BEGIN CERTIFICATE-----" block. ` +
        `Convert a DER file with "openssl x509 -inform DER -in cert.der -out cert.pem".`,
    );
  }
  return blocks.map((block, index) => {
    try {
      return decodeCertificate(block.der);
    } catch (e) {
      const position = blocks.length > 1 ? ` (certificate ${index + 1})` : '';
      throw new InputError(
        `${what}${position} could not be parsed as an X.509 certificate (${
          (e as Error).message
        }). Check that the PEM is complete and not corrupted.`,
      );
    }
  });
}

/** Like parseCertificates, but requires exactly one certificate. */
export function parseCertificate(pem: string, what: string): ParsedCertificate {
  const certs = parseCertificates(pem, what);
  if (certs.length !== 1) {
    throw new InputError(
      `${what} holds ${certs.length} certificates; provide exactly one.`,
    );
  }
  return certs[0];
}

/** True when `cert` names `issuer` as its issuer and carries its signature. */
export function isSignedBy(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
): boolean {
  if (!cert.issuerNameDer.equals(issuer.subjectNameDer)) {
    // Equal names may differ in string type; let OpenSSL's comparison decide.
    if (!cert.x509.checkIssued(issuer.x509)) return false;
  }
  try {
    return cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

export function formatDate(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
