import { parse } from 'yaml';
import { REQUEST_ID_LABEL } from '../render/names';
import type { KubeObject, ObservedKubeObject } from '../render/types';
import { KUSTOMIZATION_FILE } from './gitTree';

/**
 * Which requests a set of objects belongs to, by their request-id label values, and whether
 * any object serves several requests (no label: a shared object, such as the one
 * `*.global` Gateway of an exporting cluster).
 *
 * @internal
 */
export interface AffectedRequests {
  labels: Set<string>;
  shared: boolean;
}

function add(
  affected: AffectedRequests,
  object: { metadata?: { labels?: Record<string, string> } } | undefined,
) {
  const label = object?.metadata?.labels?.[REQUEST_ID_LABEL];
  if (label) affected.labels.add(label);
  else affected.shared = true;
}

/** The requests whose objects `objects` are. */
export function requestsOfObjects(
  objects: ReadonlyArray<{ metadata: { labels?: Record<string, string> } }>,
): AffectedRequests {
  const affected: AffectedRequests = { labels: new Set(), shared: false };
  for (const object of objects) add(affected, object);
  return affected;
}

/**
 * The requests whose files differ between a cluster's folder in Git (`current`) and what
 * crossmesh wants there (`desired`): the object written and the one it replaces or removes
 * both count, so a revoked request's removal is its own. The kustomization belongs to none.
 *
 * @internal
 */
export function requestsOfFileChanges(
  current: ReadonlyMap<string, string>,
  desired: ReadonlyMap<string, string>,
): AffectedRequests {
  const affected: AffectedRequests = { labels: new Set(), shared: false };
  const files = new Set([...current.keys(), ...desired.keys()]);
  for (const file of files) {
    if (file === KUSTOMIZATION_FILE) continue;
    const before = current.get(file);
    const after = desired.get(file);
    if (before === after) continue;
    for (const content of [before, after]) {
      if (content !== undefined) add(affected, objectOfFile(content));
    }
  }
  return affected;
}

/** The object of a file crossmesh wrote; a file someone else put there counts as shared. */
function objectOfFile(content: string): KubeObject | undefined {
  try {
    const object = parse(content) as KubeObject | null;
    return object && typeof object === 'object' ? object : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The objects still on their way into the cluster after Git holds what crossmesh wants, for
 * the status: `applied` are missing or differ, `pruned` are there and no longer wanted.
 *
 * @internal
 */
export function describeNotLive(
  apply: ReadonlyArray<KubeObject>,
  prune: ReadonlyArray<ObservedKubeObject>,
): string {
  const parts: string[] = [];
  if (apply.length > 0) {
    parts.push(`not yet applied: ${apply.map(nameOf).join(', ')}`);
  }
  if (prune.length > 0) {
    parts.push(`not yet pruned: ${prune.map(nameOf).join(', ')}`);
  }
  return parts.join('; ');
}

/**
 * The words for what the cluster holds otherwise than Git after it was live: objects gone
 * from the cluster, objects that differ, and managed objects Git does not hold.
 *
 * @internal
 */
export function describeDrift(
  differ: ReadonlyArray<KubeObject>,
  extra: ReadonlyArray<ObservedKubeObject>,
  live: ReadonlyArray<ObservedKubeObject>,
): string {
  const there = new Set(live.map(nameOf));
  const parts = [
    ['gone from the cluster', differ.filter(o => !there.has(nameOf(o)))],
    ['differs from Git', differ.filter(o => there.has(nameOf(o)))],
    ['not in Git', extra],
  ] as const;
  return parts
    .filter(([, objects]) => objects.length > 0)
    .map(([what, objects]) => `${what}: ${objects.map(nameOf).join(', ')}`)
    .join('; ');
}

function nameOf(object: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${
    object.metadata.name
  }`;
}
