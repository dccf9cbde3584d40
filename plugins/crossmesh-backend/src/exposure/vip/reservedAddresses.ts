import type { V1Deployment } from '@kubernetes/client-node';
import { istiodContainer } from '../../clusters/istioVersion';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../clusters/ownership';
import { ReservedRange } from './allocateVip';
import { ipv4ToNumber, isIpv4, numberToIpv4 } from './ipv4';

/** The istiod setting that moves its ServiceEntry address auto-allocation (Istio 1.27+). */
export const AUTO_ALLOCATE_PREFIX_ENV = 'PILOT_IP_AUTOALLOCATE_IPV4_PREFIX';
/** Where istiod auto-allocates when nobody set {@link AUTO_ALLOCATE_PREFIX_ENV}. */
export const DEFAULT_AUTO_ALLOCATE_PREFIX = '240.240.0.0/16';

/**
 * A range of addresses another party uses in one cluster, with who, for people.
 *
 * @internal
 */
export interface ClusterReservedRange extends ReservedRange {
  /** `240.241.0.0/16 (istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX)`, `240.0.0.5 (ServiceEntry default/legacy-db)`. */
  what: string;
}

/**
 * `240.240.0.0/16` or `240.0.0.5` as the first and last address, as numbers; undefined for
 * anything else (IPv6, names, malformed).
 *
 * @internal
 */
export function parseIpv4Block(
  text: string,
): { start: number; end: number } | undefined {
  const [address, bits, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !isIpv4(address)) return undefined;
  const length = bits === undefined ? 32 : Number(bits);
  if (!/^\d{1,2}$/.test(bits ?? '32') || length > 32) return undefined;
  const size = 2 ** (32 - length);
  const start = Math.floor(ipv4ToNumber(address) / size) * size;
  return { start, end: start + size - 1 };
}

/**
 * Where istiod auto-allocates ServiceEntry addresses in a cluster: its
 * PILOT_IP_AUTOALLOCATE_IPV4_PREFIX, else Istio's default. `problem` says when the setting
 * cannot be read (a reference to a ConfigMap or Secret, or not a CIDR); the default is
 * assumed then.
 *
 * @internal
 */
export function istioAutoAllocation(istiod: V1Deployment | undefined | null): {
  range: ClusterReservedRange;
  problem?: string;
} {
  const env = istiodContainer(istiod)?.env?.find(
    e => e.name === AUTO_ALLOCATE_PREFIX_ENV,
  );
  const fallback = (problem?: string) => ({
    range: {
      ...parseIpv4Block(DEFAULT_AUTO_ALLOCATE_PREFIX)!,
      what: `${DEFAULT_AUTO_ALLOCATE_PREFIX} (istiod's default auto-allocation range)`,
    },
    ...(problem && { problem }),
  });
  if (!env) return fallback();
  if (env.value === undefined) {
    return fallback(
      `istiod takes ${AUTO_ALLOCATE_PREFIX_ENV} from a reference crossmesh does not follow, so crossmesh assumes ${DEFAULT_AUTO_ALLOCATE_PREFIX}; set it as a plain value to be sure`,
    );
  }
  const block = parseIpv4Block(env.value);
  if (!block || !env.value.includes('/')) {
    return fallback(
      `istiod's ${AUTO_ALLOCATE_PREFIX_ENV} is ${JSON.stringify(
        env.value,
      )}, not an IPv4 CIDR, so crossmesh assumes ${DEFAULT_AUTO_ALLOCATE_PREFIX}`,
    );
  }
  return {
    range: {
      ...block,
      what: `${numberToIpv4(block.start)}/${
        env.value.split('/')[1]
      } (istiod's ${AUTO_ALLOCATE_PREFIX_ENV})`,
    },
  };
}

/**
 * A ServiceEntry as read from a cluster, as far as addresses go.
 *
 * @internal
 */
export interface ServiceEntryAddresses {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec?: { addresses?: string[] };
  /** Addresses istiod auto-allocated (Istio 1.25+). */
  status?: { addresses?: Array<{ value?: string }> };
}

/**
 * The IPv4 addresses (and CIDRs) ServiceEntries crossmesh does not own use, in spec or
 * as auto-allocated by istiod in status.
 *
 * @internal
 */
export function foreignServiceEntryAddresses(
  serviceEntries: readonly ServiceEntryAddresses[],
): ClusterReservedRange[] {
  return serviceEntries
    .filter(se => se.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
    .flatMap(se => {
      const name = `ServiceEntry ${se.metadata?.namespace}/${se.metadata?.name}`;
      const texts = [
        ...(se.spec?.addresses ?? []),
        ...(se.status?.addresses ?? []).flatMap(a =>
          a.value === undefined ? [] : [a.value],
        ),
      ];
      return texts.flatMap(text => {
        const block = parseIpv4Block(text);
        return block ? [{ ...block, what: `${text} (${name})` }] : [];
      });
    });
}

/**
 * The reserved ranges `address` falls in.
 *
 * @internal
 */
export function reservationsOf(
  address: string,
  ranges: readonly ClusterReservedRange[],
): ClusterReservedRange[] {
  if (!isIpv4(address)) return [];
  const value = ipv4ToNumber(address);
  return ranges.filter(r => value >= r.start && value <= r.end);
}
