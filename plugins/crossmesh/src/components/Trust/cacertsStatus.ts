import {
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/** How a cluster's trust reads at a glance: fine, waiting for a step, worth a look, broken. */
export type TrustLevel = 'ok' | 'waiting' | 'warning' | 'error' | 'unknown';

/** What a cluster's `cacerts` holds, in a few words, with the backend's detail. */
export interface CacertsStatus {
  level: TrustLevel;
  words: string;
  detail?: string;
}

const reportWords = {
  ok: 'In place',
  missing: 'Missing',
  'missing-keys': 'Lacks keys',
  'foreign-root': 'Holds another root',
  expiring: 'Intermediate expiring soon',
  expired: 'Intermediate expired',
  invalid: 'Invalid',
} as const;

/**
 * What one cluster's `cacerts` holds against what the mesh wants. Before the mesh has a
 * root, or before a cluster has its intermediate, a missing `cacerts` is the next step to
 * take, not a fault: it reads as waiting rather than as drift.
 */
export function cacertsStatus(
  cluster: string,
  trust: TrustState | undefined,
  inspection: TrustInspection | undefined,
): CacertsStatus {
  if (!inspection) {
    return { level: 'unknown', words: 'Not inspected yet' };
  }
  if (inspection.error) {
    return {
      level: 'error',
      words: 'Could not be read',
      detail: inspection.error,
    };
  }
  const hasRoot = Boolean(trust?.roots.some(r => r.state !== 'retired'));
  const hasIntermediate = Boolean(
    trust?.intermediates.some(
      i => i.clusterName === cluster && i.state === 'current',
    ),
  );
  const status = inspection.report?.status ?? 'missing';
  if (status === 'missing' && (!hasRoot || !hasIntermediate)) {
    return {
      level: 'waiting',
      words: hasRoot ? 'Waiting for its intermediate' : 'Waiting for the root',
      detail: hasRoot
        ? "Issue the cluster's intermediate CA; crossmesh then writes cacerts and restarts istiod."
        : 'Until the mesh has a root CA, istiod signs with its own self-signed root.',
    };
  }
  if (!hasRoot) {
    return {
      level: 'warning',
      words: 'Holds a root crossmesh does not know',
      detail: inspection.report?.detail,
    };
  }
  if (inspection.replacedBySomeoneElse) {
    return {
      level: 'error',
      words: 'Replaced outside crossmesh',
      detail: inspection.replacementDetails?.join('; '),
    };
  }
  if (status === 'ok' && !inspection.drift) {
    return {
      level: 'ok',
      words: reportWords.ok,
      detail: inspection.report?.detail,
    };
  }
  return {
    level: status === 'ok' || status === 'expiring' ? 'warning' : 'error',
    words: reportWords[status],
    detail: inspection.report?.detail,
  };
}
