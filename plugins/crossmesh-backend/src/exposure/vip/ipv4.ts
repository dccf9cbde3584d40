const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * Whether a string is a dotted-quad IPv4 address. Octets with leading zeros are refused: some
 * parsers read them as octal.
 *
 * @internal
 */
export function isIpv4(address: string): boolean {
  return typeof address === 'string' && IPV4.test(address);
}

/**
 * `'240.0.0.1'` → `4026531841`.
 *
 * @throws Error when the string is not a dotted-quad IPv4 address.
 * @internal
 */
export function ipv4ToNumber(address: string): number {
  const match = typeof address === 'string' ? IPV4.exec(address) : null;
  if (!match) {
    throw new Error(`'${String(address)}' is not an IPv4 address`);
  }
  return (
    Number(match[1]) * 0x1000000 +
    Number(match[2]) * 0x10000 +
    Number(match[3]) * 0x100 +
    Number(match[4])
  );
}

/**
 * `4026531841` → `'240.0.0.1'`.
 *
 * @throws Error when the number is not an integer from 0 to 2^32 - 1.
 * @internal
 */
export function numberToIpv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`${value} is not an IPv4 address as a number`);
  }
  return `${Math.floor(value / 0x1000000)}.${(value >>> 16) & 0xff}.${
    (value >>> 8) & 0xff
  }.${value & 0xff}`;
}
