import forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const CTX = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;

/** Object identifiers used by the PKI code. */
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  countryName: '2.5.4.6',
  stateOrProvinceName: '2.5.4.8',
  localityName: '2.5.4.7',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

/**
 * Distinguished name attributes crossmesh writes into certificates.
 *
 * @public
 */
export interface DistinguishedName {
  country?: string;
  stateOrProvince?: string;
  organization?: string;
  organizationalUnit?: string;
  commonName?: string;
  locality?: string;
}

/** Bits of the X.509 keyUsage extension, by RFC 5280 bit number. */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

export type Asn1 = forge.asn1.Asn1;

export function toBinary(buf: Buffer): string {
  return buf.toString('binary');
}

export function fromBinary(bytes: string): Buffer {
  return Buffer.from(bytes, 'binary');
}

/** Strict DER parse that leaves BIT STRING contents as raw bytes. */
export function parseDer(der: Buffer): Asn1 {
  const fromDer = asn1.fromDer as unknown as (
    bytes: string,
    options: {
      strict: boolean;
      parseAllBytes: boolean;
      decodeBitStrings: boolean;
    },
  ) => Asn1;
  return fromDer(toBinary(der), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: false,
  });
}

export function encodeDer(node: Asn1): Buffer {
  return fromBinary(asn1.toDer(node).getBytes());
}

export function seq(children: Asn1[]): Asn1 {
  return asn1.create(U, T.SEQUENCE, true, children);
}

export function set(children: Asn1[]): Asn1 {
  return asn1.create(U, T.SET, true, children);
}

export function oid(id: string): Asn1 {
  return asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());
}

export function octetString(bytes: Buffer): Asn1 {
  return asn1.create(U, T.OCTETSTRING, false, toBinary(bytes));
}

export function bitString(bytes: Buffer, unusedBits = 0): Asn1 {
  return asn1.create(
    U,
    T.BITSTRING,
    false,
    String.fromCharCode(unusedBits) + toBinary(bytes),
  );
}

/** A non-negative INTEGER from its big-endian magnitude. */
export function unsignedInteger(magnitude: Buffer): Asn1 {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let bytes = magnitude.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(U, T.INTEGER, false, toBinary(bytes));
}

export function smallInteger(value: number): Asn1 {
  return asn1.create(U, T.INTEGER, false, asn1.integerToDer(value).getBytes());
}

function booleanTrue(): Asn1 {
  return asn1.create(U, T.BOOLEAN, false, String.fromCharCode(0xff));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(
        U,
        T.GENERALIZEDTIME,
        false,
        asn1.dateToGeneralizedTime(date),
      );
}

export function parseTime(node: Asn1): Date {
  const value = node.value as string;
  if (node.type === T.UTCTIME) return asn1.utcTimeToDate(value);
  if (node.type === T.GENERALIZEDTIME) return asn1.generalizedTimeToDate(value);
  throw new Error('expected UTCTime or GeneralizedTime');
}

const NAME_ORDER: Array<[keyof DistinguishedName, string]> = [
  ['country', OID.countryName],
  ['stateOrProvince', OID.stateOrProvinceName],
  ['organization', OID.organizationName],
  ['organizationalUnit', OID.organizationalUnitName],
  ['commonName', OID.commonName],
  ['locality', OID.localityName],
];

/**
 * Encodes a Name with one attribute per RDN, in the order Istio's Makefile
 * writes them (O, CN, L), as UTF8String (PrintableString for C).
 */
export function name(dn: DistinguishedName): Asn1 {
  const rdns: Asn1[] = [];
  for (const [key, id] of NAME_ORDER) {
    const value = dn[key];
    if (value === undefined) continue;
    const type = key === 'country' ? T.PRINTABLESTRING : T.UTF8;
    const bytes =
      type === T.UTF8 ? forge.util.encodeUtf8(value) : String(value);
    rdns.push(set([seq([oid(id), asn1.create(U, type, false, bytes)])]));
  }
  return seq(rdns);
}

export interface Extension {
  id: string;
  critical: boolean;
  value: Asn1;
}

export function extension(ext: Extension): Asn1 {
  const parts = [oid(ext.id)];
  if (ext.critical) parts.push(booleanTrue());
  parts.push(octetString(encodeDer(ext.value)));
  return seq(parts);
}

export function basicConstraintsValue(pathLen?: number): Asn1 {
  const parts = [booleanTrue()];
  if (pathLen !== undefined) parts.push(smallInteger(pathLen));
  return seq(parts);
}

/** keyUsage BIT STRING in DER form (trailing zero bits removed). */
export function keyUsageValue(bits: number[]): Asn1 {
  const highest = Math.max(...bits);
  const byteCount = Math.floor(highest / 8) + 1;
  const bytes = Buffer.alloc(byteCount);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  const unused = byteCount * 8 - 1 - highest;
  return bitString(bytes, unused);
}

export function dnsSanValue(dnsNames: string[]): Asn1 {
  return seq(dnsNames.map(dns => asn1.create(CTX, 2, false, dns)));
}

export function authorityKeyIdValue(keyId: Buffer): Asn1 {
  return seq([asn1.create(CTX, 0, false, toBinary(keyId))]);
}

/** [0] EXPLICIT wrapper used for the certificate version and CSR attributes. */
export function explicit(tag: number, child: Asn1): Asn1 {
  return asn1.create(CTX, tag, true, [child]);
}

export function implicitSet(tag: number, children: Asn1[]): Asn1 {
  return asn1.create(CTX, tag, true, children);
}

export function oidOf(node: Asn1): string {
  return asn1.derToOid(node.value as string);
}

export function bytesOf(node: Asn1): Buffer {
  return fromBinary(node.value as string);
}

export function childrenOf(node: Asn1): Asn1[] {
  if (!Array.isArray(node.value))
    throw new Error('expected a constructed value');
  return node.value;
}

export function isContext(node: Asn1, tag: number): boolean {
  return node.tagClass === CTX && node.type === tag;
}

export const Asn1Type = T;
