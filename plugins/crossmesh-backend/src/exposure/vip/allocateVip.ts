import { ipv4ToNumber, isIpv4, numberToIpv4 } from './ipv4';

// 240.0.0.0/4 is reserved and never routed, so a VIP there cannot shadow a real address.
const RANGE_START = 0xf0000000; // 240.0.0.0
const RANGE_END = 0xffffffff; // 255.255.255.255
// Istio's own ServiceEntry auto-allocation uses 240.240.0.0/16; a clash there would be silent.
const ISTIO_AUTO_START = 0xf0f00000; // 240.240.0.0
const ISTIO_AUTO_SIZE = 0x10000;
const FIRST = RANGE_START + 1; // 240.0.0.0 and 255.255.255.255 look like network/broadcast

/**
 * How many addresses {@link allocateVip} can hand out: 240.0.0.0/4 less 240.240.0.0/16, less
 * 240.0.0.0 and 255.255.255.255.
 *
 * @internal
 */
export const ALLOCATABLE_VIP_COUNT =
  RANGE_END - 1 - FIRST + 1 - ISTIO_AUTO_SIZE; // 268,369,918

const LAST = RANGE_END - 1;

/** Index in [0, ALLOCATABLE_VIP_COUNT) → address as a number, skipping Istio's range. */
function valueAt(index: number): number {
  const value = FIRST + index;
  return value >= ISTIO_AUTO_START ? value + ISTIO_AUTO_SIZE : value;
}

/** The first index whose address is above `value`; ALLOCATABLE_VIP_COUNT past the top. */
function indexAbove(value: number): number {
  const next = value + 1;
  if (next > LAST) return ALLOCATABLE_VIP_COUNT;
  if (next < FIRST) return 0;
  if (next < ISTIO_AUTO_START) return next - FIRST;
  return (
    Math.max(next, ISTIO_AUTO_START + ISTIO_AUTO_SIZE) - ISTIO_AUTO_SIZE - FIRST
  );
}

/**
 * Addresses other tools use, as numbers from `start` to `end` inclusive: a range another
 * allocator hands out from, or one address (`start === end`).
 *
 * @internal
 */
export interface ReservedRange {
  start: number;
  end: number;
}

/** Sorted and merged, so that the range holding an address is one binary search away. */
function mergeRanges(ranges: readonly ReservedRange[]): ReservedRange[] {
  const sorted = [...ranges].sort((x, y) => x.start - y.start);
  const merged: ReservedRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push({ start: range.start, end: range.end });
    }
  }
  return merged;
}

/** The end of the merged range holding `value`, if any. */
function reservedUntil(
  ranges: readonly ReservedRange[],
  value: number,
): number | undefined {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const range = ranges[middle];
    if (value < range.start) high = middle - 1;
    else if (value > range.end) low = middle + 1;
    else return range.end;
  }
  return undefined;
}

/**
 * Whether a VIP, as a number, is one {@link allocateVip} could hand out.
 *
 * @internal
 */
export function isAllocatableVipValue(value: number): boolean {
  return (
    Number.isInteger(value) &&
    value > RANGE_START &&
    value < RANGE_END &&
    (value < ISTIO_AUTO_START || value >= ISTIO_AUTO_START + ISTIO_AUTO_SIZE)
  );
}

/**
 * Whether an address is one {@link allocateVip} could hand out: in 240.0.0.0/4, not in
 * 240.240.0.0/16, and neither 240.0.0.0 nor 255.255.255.255.
 *
 * @internal
 */
export function isAllocatableVip(address: string): boolean {
  return isIpv4(address) && isAllocatableVipValue(ipv4ToNumber(address));
}

/**
 * The VIPs already taken, as numbers (see `ipv4ToNumber`): a set, or an array sorted ascending.
 *
 * @internal
 */
export type VipsInUse = ReadonlySet<number> | readonly number[];

/**
 * @internal
 */
export interface AllocateVipOptions {
  /**
   * What the VIP is for, normally the `.global` host. The same seed starts at the same address,
   * so a host tends to keep its VIP and allocators working at once on different hosts rarely
   * propose the same one.
   */
  seed?: string;
  /** Where to start without a seed: a number in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * Addresses other tools use (istiod's auto-allocation range, addresses of ServiceEntries
   * crossmesh does not own), stepped over in one go each.
   */
  reserved?: readonly ReservedRange[];
}

/**
 * A proposed VIP.
 *
 * @internal
 */
export interface AllocatedVip {
  /** Dotted quad, e.g. `243.17.9.200`. */
  address: string;
  /** The same address as a number. */
  value: number;
  /** How many addresses in use (or reserved ranges) were stepped over before this one. */
  probes: number;
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser to spread similar seeds apart. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function sortedHas(values: readonly number[], value: number): boolean {
  let low = 0;
  let high = values.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = values[middle];
    if (found === value) return true;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/**
 * Proposes a VIP for a ServiceEntry from 240.0.0.0/4, never from 240.240.0.0/16 (Istio's own
 * default auto-allocation range), never from `reserved`, and never 240.0.0.0 or
 * 255.255.255.255. It starts at a point derived from the seed and steps forward, wrapping,
 * past addresses in use and over reserved ranges. The database's unique
 * index has the last word: on a conflict, add the address to `inUse` and ask again.
 *
 * @throws Error when every allocatable address is in use.
 * @internal
 */
export function allocateVip(
  inUse: VipsInUse,
  options: AllocateVipOptions = {},
): AllocatedVip {
  const has: (value: number) => boolean = Array.isArray(inUse)
    ? value => sortedHas(inUse as readonly number[], value)
    : value => (inUse as ReadonlySet<number>).has(value);
  const start =
    options.seed !== undefined
      ? hash32(options.seed)
      : Math.floor((options.random ?? Math.random)() * 0x100000000);
  const reserved = mergeRanges(options.reserved ?? []);
  // Multiply-shift maps the 32-bit start onto the range without modulo bias worth noting.
  let index = Math.floor((start / 0x100000000) * ALLOCATABLE_VIP_COUNT);
  let probes = 0;
  for (let looked = 0; looked < ALLOCATABLE_VIP_COUNT; probes++) {
    const value = valueAt(index);
    const until = reservedUntil(reserved, value);
    let next = index + 1;
    if (until !== undefined) {
      next = indexAbove(until);
    } else if (!has(value)) {
      return { address: numberToIpv4(value), value, probes };
    }
    looked += next - index;
    index = next === ALLOCATABLE_VIP_COUNT ? 0 : next;
  }
  throw new Error('Every VIP in 240.0.0.0/4 is in use or reserved');
}

/**
 * What {@link allocateMany} did.
 *
 * @internal
 */
export interface AllocateManyResult {
  /** The VIPs, as numbers, in the order they were allocated. */
  values: number[];
  /** Addresses in use stepped over, in total. */
  probes: number;
}

/**
 * Allocates `n` VIPs one after another, each for the seed `<seedPrefix><i>`, adding each to the
 * set in use before the next: the workload benchmarks measure.
 *
 * @internal
 */
export function allocateMany(
  n: number,
  seedPrefix: string,
): AllocateManyResult {
  const inUse = new Set<number>();
  const values: number[] = [];
  let probes = 0;
  for (let i = 0; i < n; i++) {
    const vip = allocateVip(inUse, { seed: `${seedPrefix}${i}` });
    inUse.add(vip.value);
    values.push(vip.value);
    probes += vip.probes;
  }
  return { values, probes };
}
