import { EtcdEntry, EtcdWrite, rangePrefix, writeAll } from './etcdClient';

/**
 * Resources the API server itself keeps writing (its identity leases, events, the status of
 * API services and flow-control objects). Putting back older copies of them would fight the
 * server, and no test's state lives there, so a restore leaves them as they are.
 */
const SERVER_OWNED = [
  'leases/',
  'events/',
  'masterleases/',
  'peerserverleases/',
  'flowschemas/',
  'prioritylevelconfigurations/',
  'apiregistration.k8s.io/apiservices/',
];

/**
 * Resources whose status the API server writes: a restore removes new ones and puts back
 * deleted ones (a test's CRDs, Flux's for example, or an Istio CRD a test deleted), but
 * leaves the ones that are there as the server keeps them.
 */
const SERVER_UPDATED = ['apiextensions.k8s.io/customresourcedefinitions/'];

/**
 * Resources the API server repairs from others: its IP repair loop deletes an IPAddress older
 * than a minute whose Service it has not seen yet, and makes a new one when it then sees the
 * Service. A restore puts a Service and its IPAddress back together, but the loop watches the
 * two apart, so it may answer a restore with writes of its own.
 */
const SERVER_REPAIRED = ['ipaddresses/'];

/** One cluster's objects as etcd held them when the snapshot was taken. */
export interface ClusterSnapshot {
  /** The cluster's etcd prefix, e.g. `/cluster-1/`. */
  prefix: string;
  entries: Map<string, { modRevision: number; value: Buffer }>;
}

const under = (prefixes: string[], prefix: string, key: string) =>
  prefixes.some(resource => key.startsWith(resource, prefix.length));

export function isServerOwned(prefix: string, key: string): boolean {
  return under(SERVER_OWNED, prefix, key);
}

export function isServerRepaired(prefix: string, key: string): boolean {
  return under(SERVER_REPAIRED, prefix, key);
}

/**
 * The writes that bring the keys now under the snapshot's prefix back to the snapshot:
 * delete what is new, put back what changed or is gone. Keys compare by revision, so only
 * the snapshot needs values.
 */
export function restoreWrites(
  snapshot: ClusterSnapshot,
  current: Pick<EtcdEntry, 'key' | 'modRevision'>[],
): EtcdWrite[] {
  const writes: EtcdWrite[] = [];
  const seen = new Set<string>();
  for (const { key, modRevision } of current) {
    if (isServerOwned(snapshot.prefix, key)) continue;
    seen.add(key);
    const kept = snapshot.entries.get(key);
    if (!kept) {
      writes.push({ delete: { key } });
    } else if (
      kept.modRevision !== modRevision &&
      !under(SERVER_UPDATED, snapshot.prefix, key)
    ) {
      writes.push({ put: { key, value: kept.value } });
    }
  }
  for (const [key, kept] of snapshot.entries) {
    if (!seen.has(key)) writes.push({ put: { key, value: kept.value } });
  }
  return writes;
}

export async function snapshotCluster(
  etcdUrl: string,
  clusterName: string,
): Promise<ClusterSnapshot> {
  const prefix = `/${clusterName}/`;
  const entries = new Map<string, { modRevision: number; value: Buffer }>();
  for (const entry of await rangePrefix(etcdUrl, prefix)) {
    if (!isServerOwned(prefix, entry.key)) {
      entries.set(entry.key, {
        modRevision: entry.modRevision,
        value: entry.value!,
      });
    }
  }
  return { prefix, entries };
}

/**
 * Brings one cluster's objects back to the snapshot, straight in etcd: the API server sees
 * the changes through its watch, as it would another server's writes. Returns the writes
 * made; the snapshot learns the new revisions of what was put back.
 */
export async function restoreCluster(
  etcdUrl: string,
  snapshot: ClusterSnapshot,
): Promise<EtcdWrite[]> {
  const current = await rangePrefix(etcdUrl, snapshot.prefix, {
    keysOnly: true,
  });
  const writes = restoreWrites(snapshot, current);
  const revisions = await writeAll(etcdUrl, writes);
  for (const [key, modRevision] of revisions) {
    snapshot.entries.get(key)!.modRevision = modRevision;
  }
  return writes;
}
