import { ClusterReconcileStatus } from '@crossmesh/backstage-plugin-crossmesh-common';
import { cacertsStatus, CacertsStatus } from '../Trust/cacertsStatus';
import { ClusterDetails, Loadable } from './useClusterDetails';

/** One cluster's share of a detail once loaded, or the words to show instead. */
export type ClusterDetail<T> = { value: T } | { placeholder: string };

/** The last reconcile pass in one cluster. */
export function reconcileOf(
  cluster: string,
  reconcile: Loadable<ClusterReconcileStatus[]>,
): ClusterDetail<ClusterReconcileStatus> {
  if (reconcile.loading) return { placeholder: 'Loading…' };
  if (reconcile.error) return { placeholder: 'Not available' };
  const status = reconcile.value?.find(s => s.cluster === cluster);
  return status ? { value: status } : { placeholder: 'Not reconciled yet' };
}

/** What one cluster's `cacerts` holds, read against the mesh's trust. */
export function cacertsOf(
  cluster: string,
  details: Pick<ClusterDetails, 'trust' | 'drift'>,
): ClusterDetail<CacertsStatus> {
  const { trust, drift } = details;
  if (drift.loading || trust.loading) return { placeholder: 'Loading…' };
  if (drift.error) return { placeholder: 'Not available' };
  return {
    value: cacertsStatus(
      cluster,
      trust.value,
      drift.value?.find(i => i.cluster === cluster),
    ),
  };
}
