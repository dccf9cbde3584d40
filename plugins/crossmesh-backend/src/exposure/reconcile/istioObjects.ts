import { isDeepStrictEqual } from 'node:util';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../render/names';
import {
  ISTIO_NETWORKING_API_VERSION,
  ISTIO_SECURITY_API_VERSION,
} from '../render/renderExposure';
import type { KubeObject } from '../render/types';
import { objectKey } from './plan';

/**
 * The kinds crossmesh writes, each read with one LIST per converge.
 *
 * @internal
 */
export const MANAGED_KINDS: ReadonlyArray<{
  kind: string;
  plural: string;
  apiVersion: string;
}> = [
  {
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    apiVersion: ISTIO_NETWORKING_API_VERSION,
  },
  {
    kind: 'DestinationRule',
    plural: 'destinationrules',
    apiVersion: ISTIO_NETWORKING_API_VERSION,
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    apiVersion: ISTIO_NETWORKING_API_VERSION,
  },
  {
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    apiVersion: ISTIO_SECURITY_API_VERSION,
  },
];

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
    !MANAGED_KINDS.some(
      k => k.kind === object.kind && k.apiVersion.split('/')[0] === group,
    )
  ) {
    return `crossmesh manages only ${MANAGED_KINDS.map(
      k => `${k.kind} of ${k.apiVersion.split('/')[0]}`,
    ).join(', ')}, not ${object.kind} of ${object.apiVersion}`;
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
  const managed = MANAGED_KINDS.find(({ kind }) => kind === object.kind)!;
  const [group, version] = (object.apiVersion ?? managed.apiVersion).split('/');
  return {
    group,
    version,
    plural: managed.plural,
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
