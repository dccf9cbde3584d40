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
  const name = (o: {
    kind: string;
    metadata: { name: string; namespace?: string };
  }) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const parts: string[] = [];
  if (apply.length > 0) {
    parts.push(`not yet applied: ${apply.map(name).join(', ')}`);
  }
  if (prune.length > 0) {
    parts.push(`not yet pruned: ${prune.map(name).join(', ')}`);
  }
  return parts.join('; ');
}

/**
 * The words for objects the cluster holds otherwise than Git after they were live: those
 * that differ from Git (or are missing), and managed objects Git does not hold.
 *
 * @internal
 */
export function describeDrift(
  differ: ReadonlyArray<KubeObject>,
  extra: ReadonlyArray<ObservedKubeObject>,
): string {
  return describeNotLive(differ, extra)
    .replace('not yet applied:', 'differs from Git:')
    .replace('not yet pruned:', 'not in Git:');
}
