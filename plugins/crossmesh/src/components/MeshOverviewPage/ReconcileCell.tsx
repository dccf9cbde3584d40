import {
  StatusError,
  StatusOK,
  SubvalueCell,
} from '@backstage/core-components';
import { ClusterReconcileStatus } from '@crossmesh/backstage-plugin-crossmesh-common';
import { timeAgo } from './time';
import { Loadable } from './useClusterDetails';

/** When the last reconcile pass ended here, whether it converged, and what it wrote. */
export function ReconcileCell(props: {
  cluster: string;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const { cluster, reconcile } = props;
  if (reconcile.loading) return <>Loading…</>;
  if (reconcile.error) return <>Not available</>;
  const status = reconcile.value?.find(s => s.cluster === cluster);
  if (!status) return <>Not reconciled yet</>;
  const summary = `${status.applied} applied, ${
    status.removed
  } removed, ${timeAgo(status.finishedAt)}`;
  return (
    <SubvalueCell
      value={
        status.ok ? (
          <>
            <StatusOK />
            Converged
          </>
        ) : (
          <>
            <StatusError />
            Failed: {status.error}
          </>
        )
      }
      subvalue={summary}
    />
  );
}
