import { parseGlobalHost } from '@crossmesh/backstage-plugin-crossmesh-common';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../render/names';
import type { ObservedKubeObject } from '../render';

/**
 * A port as a hand-made ServiceEntry lists it.
 *
 * @internal
 */
export interface HandMadePort {
  name: string;
  number: number;
  protocol?: string;
}

/**
 * A ServiceEntry for a `<svc>.<ns>.global` host that crossmesh did not make: what an Istio
 * 1.6 "replicated control planes" set-up holds in each calling cluster (and, in the newer
 * shape, in the exporting cluster too).
 *
 * @internal
 */
export interface HandMadeServiceEntry {
  /** `<cluster>/<namespace>/<name>`: how the API names a candidate. */
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  /** The `.global` host it serves (its first one, when it lists several). */
  host: string;
  hosts: string[];
  addresses: string[];
  ports: HandMadePort[];
  endpoints: Array<{ address: string; ports: Record<string, number> }>;
  /** As written; empty when unset (Istio then exports to every namespace). */
  exportTo: string[];
}

/**
 * Which side of the call a hand-made entry serves: `consumer` entries point the host at a
 * remote gateway; `exporter` entries (the dns-proxy shape) point it at the local Service.
 *
 * @internal
 */
export function roleOf(entry: HandMadeServiceEntry): 'consumer' | 'exporter' {
  const parsed = parseGlobalHost(entry.host);
  if (!parsed || entry.endpoints.length === 0) {
    return 'consumer';
  }
  const local = new Set([
    `${parsed.service}.${parsed.namespace}.svc.cluster.local`,
    `${parsed.service}.${parsed.namespace}.svc`,
  ]);
  return entry.endpoints.every(e => local.has(e.address.toLowerCase()))
    ? 'exporter'
    : 'consumer';
}

const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];

/**
 * The hand-made `.global` entry in a listed ServiceEntry, or undefined when crossmesh made
 * it (it carries `app.kubernetes.io/managed-by: crossmesh`) or it serves no
 * `<svc>.<ns>.global` host.
 *
 * @internal
 */
export function readHandMadeEntry(
  cluster: string,
  object: ObservedKubeObject,
): HandMadeServiceEntry | undefined {
  if (object.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) {
    return undefined;
  }
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const hosts = strings(spec.hosts).map(h => h.toLowerCase());
  const host = hosts.find(h => parseGlobalHost(h));
  if (!host) {
    return undefined;
  }
  const namespace = object.metadata.namespace ?? '';
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).map(
    (p: Record<string, unknown>) => ({
      name: String(p?.name ?? ''),
      // 0 for a missing number: refused as a port later, and still a number in the API.
      number: Number.isFinite(p?.number) ? Number(p.number) : 0,
      ...(typeof p?.protocol === 'string' ? { protocol: p.protocol } : {}),
    }),
  );
  const endpoints = (Array.isArray(spec.endpoints) ? spec.endpoints : []).map(
    (e: Record<string, unknown>) => ({
      address: String(e?.address ?? ''),
      ports: Object.fromEntries(
        Object.entries(
          e?.ports && typeof e.ports === 'object' ? e.ports : {},
        ).filter((entry): entry is [string, number] =>
          Number.isFinite(entry[1]),
        ),
      ),
    }),
  );
  return {
    id: `${cluster}/${namespace}/${object.metadata.name}`,
    cluster,
    namespace,
    name: object.metadata.name,
    uid: object.metadata.uid ?? '',
    resourceVersion: object.metadata.resourceVersion ?? '',
    host,
    hosts,
    addresses: strings(spec.addresses),
    ports,
    endpoints,
    exportTo: strings(spec.exportTo),
  };
}
