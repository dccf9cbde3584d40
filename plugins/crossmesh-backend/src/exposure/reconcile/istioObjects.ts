import { isDeepStrictEqual } from 'node:util';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../render/names';
import { ISTIO_NETWORKING_API_VERSION } from '../render/renderExposure';
import type { KubeObject } from '../render/types';
import { objectKey } from './plan';

/**
 * The kinds crossmesh writes, each read with one LIST per converge.
 *
 * @internal
 */
export const MANAGED_KINDS: ReadonlyArray<{ kind: string; plural: string }> = [
  { kind: 'ServiceEntry', plural: 'serviceentries' },
  { kind: 'DestinationRule', plural: 'destinationrules' },
  { kind: 'Gateway', plural: 'gateways' },
];

/** @internal */
export const [ISTIO_GROUP, ISTIO_VERSION] =
  ISTIO_NETWORKING_API_VERSION.split('/');

/**
 * The label selector of every object crossmesh manages.
 *
 * @internal
 */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/**
 * Keeps the objects crossmesh can manage. A refused object's key is held back, so that
 * an object of that name already in the cluster is neither repaired nor deleted.
 *
 * @internal
 */
export function checkDesired(
  desired: KubeObject[],
  problems: string[],
): { objects: KubeObject[]; heldBack: Set<string> } {
  const heldBack = new Set<string>();
  const byKey = new Map<string, KubeObject>();
  for (const object of desired) {
    const key = objectKey(object);
    const refusal = refusalOf(object);
    if (refusal) {
      problems.push(`${describeObject(object)} was not applied: ${refusal}`);
      heldBack.add(key);
      continue;
    }
    const earlier = byKey.get(key);
    if (earlier && !isDeepStrictEqual(earlier, object)) {
      problems.push(
        `${describeObject(
          object,
        )} is wanted twice with different contents, so crossmesh did not touch it; two exposures disagree about this shared object`,
      );
      heldBack.add(key);
    }
    byKey.set(key, object);
  }
  return {
    objects: [...byKey].filter(([key]) => !heldBack.has(key)).map(([, o]) => o),
    heldBack,
  };
}

function refusalOf(object: KubeObject): string | undefined {
  const [group] = object.apiVersion.split('/');
  if (
    group !== ISTIO_GROUP ||
    !MANAGED_KINDS.some(({ kind }) => kind === object.kind)
  ) {
    return `crossmesh manages only ${MANAGED_KINDS.map(k => k.kind).join(
      ', ',
    )} of ${ISTIO_GROUP}, not ${object.kind} of ${object.apiVersion}`;
  }
  if (!object.metadata.namespace) {
    return 'it has no namespace';
  }
  if (object.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    return `it lacks the label ${MANAGED_SELECTOR}, so crossmesh would not find it again; render it with renderExposure`;
  }
  return undefined;
}

/**
 * Where an object lives in the custom objects API.
 *
 * @internal
 */
export function locate(object: {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  const [group, version] = (
    object.apiVersion ?? ISTIO_NETWORKING_API_VERSION
  ).split('/');
  return {
    group,
    version,
    plural: MANAGED_KINDS.find(({ kind }) => kind === object.kind)!.plural,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

/**
 * `Kind namespace/name`, as messages name an object.
 *
 * @internal
 */
export function describeObject(object: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}
