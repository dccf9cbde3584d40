import { StubDomainRecord } from './stubDomains';

/**
 * The annotation in which crossmesh keeps, on a DNS ConfigMap it edits, what it changed
 * there, so that removing its wiring leaves the ConfigMap as it was found.
 *
 * @internal
 */
export const DNS_WIRING_ANNOTATION = 'crossmesh.io/dns-wiring';

/**
 * What crossmesh changed in one DNS ConfigMap.
 *
 * @internal
 */
export interface DnsWiringRecord {
  /** crossmesh created the ConfigMap, so it deletes it once nothing is left in it. */
  created?: boolean;
  /** kube-dns: the `global` stub domain crossmesh wrote. */
  stubDomains?: StubDomainRecord;
}

function isStubDomainRecord(value: unknown): value is StubDomainRecord {
  const v = value as StubDomainRecord;
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.original === null || typeof v.original === 'string') &&
    typeof v.written === 'string'
  );
}

/**
 * The record in a ConfigMap's annotations; empty when there is none or it is not one
 * crossmesh could have written (then crossmesh owns nothing there).
 *
 * @internal
 */
export function readDnsWiringRecord(
  annotations: Record<string, string> | undefined,
): DnsWiringRecord {
  const text = annotations?.[DNS_WIRING_ANNOTATION];
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { created, stubDomains } = parsed as Record<string, unknown>;
  return {
    ...(created === true && { created: true }),
    ...(isStubDomainRecord(stubDomains) && { stubDomains }),
  };
}

/**
 * The annotations with `record` in place of crossmesh's old one, or without it when the
 * record is empty; undefined when no annotation is left.
 *
 * @internal
 */
export function withDnsWiringRecord(
  annotations: Record<string, string> | undefined,
  record: DnsWiringRecord,
): Record<string, string> | undefined {
  const { [DNS_WIRING_ANNOTATION]: _old, ...rest } = annotations ?? {};
  // Sorted, so that the same record is always the same text.
  const kept = Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  const result =
    kept.length > 0
      ? {
          ...rest,
          [DNS_WIRING_ANNOTATION]: JSON.stringify(Object.fromEntries(kept)),
        }
      : rest;
  return Object.keys(result).length > 0 ? result : undefined;
}
