import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterReconcileStatus,
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';

/** Data that loads on its own: a failure leaves the rest of the page alone. */
export interface Loadable<T> {
  value?: T;
  loading: boolean;
  error?: Error;
}

/** Everything the clusters table shows beyond the clusters themselves. */
export interface ClusterDetails {
  trust: Loadable<TrustState>;
  drift: Loadable<TrustInspection[]>;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}

/** {@link ClusterDetails} with a way to load them again, e.g. after a trust action. */
export type ClusterDetailsLoader = ClusterDetails & { retry: () => void };

/** Trust, cacerts drift and the last reconcile pass, each loaded separately. */
export function useClusterDetails(): ClusterDetailsLoader {
  const api = useApi(crossmeshApiRef);
  const trust = useAsyncRetry(async () => api.getTrust(), [api]);
  const drift = useAsyncRetry(
    async () => (await api.getTrustDrift()).items,
    [api],
  );
  const reconcile = useAsyncRetry(
    async () => (await api.getReconcileStatus()).items,
    [api],
  );
  return {
    trust,
    drift,
    reconcile,
    retry: () => {
      trust.retry();
      drift.retry();
      reconcile.retry();
    },
  };
}
