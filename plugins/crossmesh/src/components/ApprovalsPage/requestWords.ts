import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  ExposureRequest,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/** Every state a request reaches once someone decided it (or its requester withdrew it). */
export const DECIDED_STATES: ExposureRequestState[] = [
  'approved',
  'applying',
  'active',
  'rejected',
  'cancelled',
  'revoking',
  'revoked',
];

/** `2025-01-02 10:30 UTC`: the same for every approver, whatever their locale. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2025-03-31`. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toISOString().slice(0, 10);
}

/** An entity ref as people say it: `alice` for `user:default/alice`. */
export function shortRef(ref: string, defaultKind: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind });
  } catch {
    return ref;
  }
}

/** Whether the request exposes from, or to, `cluster`; the API's `cluster` filter means the same. */
export function involvesCluster(
  request: ExposureRequest,
  cluster: string,
): boolean {
  return (
    request.sourceCluster === cluster ||
    request.consumerClusters.includes(cluster)
  );
}

/** Entity refs compare case-insensitively, as the catalog does. */
export function sameRef(a: string | undefined, b: string | undefined) {
  return (
    a !== undefined &&
    b !== undefined &&
    a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')
  );
}
