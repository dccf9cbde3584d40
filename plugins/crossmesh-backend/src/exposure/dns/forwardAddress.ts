import { InputError } from '@backstage/errors';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Checks that `address` is a bare IPv4 or IPv6 literal (no port, no zone, no
 * brackets) and returns it in canonical form: IPv4 as is, IPv6 lower-case and
 * compressed. Anything else is refused, so that nothing but an address can
 * ever reach a Corefile or a stubDomains entry.
 *
 * @internal
 */
export function parseForwardAddress(address: unknown): string {
  if (typeof address !== 'string') {
    throw new InputError(
      `DNS forward address must be a string holding an IP address, got ${typeof address}`,
    );
  }
  // The character classes come first: they keep newlines, braces, spaces,
  // quotes, '%' zones and shell metacharacters out whatever node:net accepts.
  if (/^[0-9.]{7,15}$/.test(address) && isIPv4(address)) {
    return address;
  }
  if (/^[0-9a-fA-F:.]{2,45}$/.test(address) && isIPv6(address)) {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  }
  throw new InputError(
    `DNS forward address ${JSON.stringify(
      address,
    )} is not an IPv4 or IPv6 address; expected the ClusterIP of the istiocoredns Service, e.g. 10.96.12.34`,
  );
}

/**
 * Reads one upstream of a CoreDNS `forward` directive or of a kube-dns stub
 * domain (`10.0.0.1`, `10.0.0.1:53`, `dns://10.0.0.1:53`, `[fd00::1]:53`,
 * `fd00::1`) and returns its canonical IP and port, or undefined when it is
 * not an IP upstream (a resolv.conf path, a TLS upstream, a name).
 *
 * @internal
 */
export function parseUpstream(
  upstream: string,
): { ip: string; port: number } | undefined {
  const rest = upstream.replace(/^dns:\/\//i, '');
  let host = rest;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] ? Number(bracketed[2]) : 53;
  } else if (!isIPv6(rest)) {
    const withPort = /^([^:]+):(\d+)$/.exec(rest);
    if (withPort) {
      host = withPort[1];
      port = Number(withPort[2]);
    }
  }
  try {
    return { ip: parseForwardAddress(host), port };
  } catch {
    return undefined;
  }
}

/**
 * The `host:port` form of a forward target as CoreDNS expects it.
 *
 * @internal
 */
export function formatUpstream(ip: string): string {
  return ip.includes(':') ? `[${ip}]:53` : `${ip}:53`;
}
