import { isDeepStrictEqual } from 'node:util';
import {
  HOST_ANNOTATION,
  MANAGED_BY_LABEL,
  REQUEST_ID_LABEL,
} from '../render/names';
import type { KubeObject, ObservedKubeObject } from '../render/types';
import { FIELD_MANAGER } from '../../clusters/ownership';

/**
 * What {@link planClusterChanges} found to do in one cluster.
 *
 * @internal
 */
export interface ClusterChangePlan {
  /** Desired objects that are missing or differ; each is applied whole. */
  apply: KubeObject[];
  /** Managed objects found in the cluster that nothing wants any more. */
  delete: ObservedKubeObject[];
  /** Desired objects already there as wanted. */
  unchanged: number;
}

/** Keys crossmesh's renderer writes; taken as its own when an object has no managedFields. */
const CROSSMESH_LABELS = [MANAGED_BY_LABEL, REQUEST_ID_LABEL];
const CROSSMESH_ANNOTATIONS = [HOST_ANNOTATION];

/**
 * Identifies an object across API versions: `group/kind namespace/name`.
 *
 * @internal
 */
export function objectKey(object: {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  const group = (object.apiVersion ?? '').split('/').slice(0, -1).join('/');
  return `${group}/${object.kind} ${object.metadata.namespace ?? ''}/${
    object.metadata.name
  }`;
}

/**
 * Compares what crossmesh wants in one cluster with the crossmesh-labelled objects found
 * there. Only what crossmesh sets counts: the whole spec, its own labels and annotations
 * (those it writes, and those its field manager owns from earlier applies, which an apply
 * without them removes). Labels and annotations of others, and everything the API server
 * adds, are ignored.
 *
 * When `desired` lists the same object twice, the last one wins; callers that merge
 * exposures should check for disagreeing duplicates first.
 *
 * @internal
 */
export function planClusterChanges(
  desired: KubeObject[],
  actual: ObservedKubeObject[],
): ClusterChangePlan {
  const wanted = new Map(desired.map(object => [objectKey(object), object]));
  const found = new Map(actual.map(object => [objectKey(object), object]));

  const apply: KubeObject[] = [];
  let unchanged = 0;
  for (const [key, object] of wanted) {
    const existing = found.get(key);
    if (existing && !differs(object, existing)) {
      unchanged++;
    } else {
      apply.push(object);
    }
  }
  const toDelete = [...found].filter(([key]) => !wanted.has(key));
  return {
    apply,
    delete: toDelete.map(([, object]) => object),
    unchanged,
  };
}

function differs(desired: KubeObject, actual: ObservedKubeObject): boolean {
  if (!isDeepStrictEqual(desired.spec, actual.spec ?? {})) {
    return true;
  }
  const owned = ownedMetadataKeys(actual);
  return (
    mapDiffers(desired.metadata.labels, actual.metadata.labels, owned.labels) ||
    mapDiffers(
      desired.metadata.annotations,
      actual.metadata.annotations,
      owned.annotations,
    )
  );
}

/** A wanted key missing or different, or a key crossmesh owns that is no longer wanted. */
function mapDiffers(
  wanted: Record<string, string>,
  found: Record<string, string> | undefined,
  ownedKeys: string[],
): boolean {
  const actual = found ?? {};
  return (
    Object.entries(wanted).some(([key, value]) => actual[key] !== value) ||
    ownedKeys.some(key => !(key in wanted) && key in actual)
  );
}

/**
 * The labels and annotations crossmesh's applies own. Keys others set are left out, since
 * an apply cannot remove them and planning them would mean writing on every run.
 */
function ownedMetadataKeys(object: ObservedKubeObject): {
  labels: string[];
  annotations: string[];
} {
  if (!object.metadata.managedFields) {
    return { labels: CROSSMESH_LABELS, annotations: CROSSMESH_ANNOTATIONS };
  }
  const labels: string[] = [];
  const annotations: string[] = [];
  for (const entry of object.metadata.managedFields ?? []) {
    if (entry.manager !== FIELD_MANAGER || entry.operation !== 'Apply') {
      continue;
    }
    const metadata = entry.fieldsV1?.['f:metadata'] as
      | Record<string, Record<string, unknown> | undefined>
      | undefined;
    labels.push(...fieldNames(metadata?.['f:labels']));
    annotations.push(...fieldNames(metadata?.['f:annotations']));
  }
  return { labels, annotations };
}

function fieldNames(fields: Record<string, unknown> | undefined): string[] {
  return Object.keys(fields ?? {})
    .filter(key => key.startsWith('f:'))
    .map(key => key.slice(2));
}

/**
 * What server-side apply leaves behind when others added fields to crossmesh's spec: a
 * merge patch that removes, in nested maps, every key crossmesh does not set. Lists in
 * Istio's CRDs are atomic, so an apply already replaces them whole. Undefined when there is
 * nothing to remove.
 *
 * @internal
 */
export function foreignSpecFieldsPatch(
  desired: Record<string, unknown>,
  actual: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!actual) {
    return undefined;
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(actual)) {
    if (!(key in desired)) {
      patch[key] = null;
    } else if (isMap(value) && isMap(desired[key])) {
      const nested = foreignSpecFieldsPatch(
        desired[key] as Record<string, unknown>,
        value,
      );
      if (nested) {
        patch[key] = nested;
      }
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
