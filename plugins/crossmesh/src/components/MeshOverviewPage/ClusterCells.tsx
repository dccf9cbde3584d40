import { SubvalueCell } from '@backstage/core-components';
import {
  ClusterReconcileStatus,
  MeshCluster,
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { StatusLabel } from '../shared';
import { cacertsStatus } from '../Trust/cacertsStatus';
import { TrustLevelLabel } from '../Trust/TrustLevelLabel';
import { istioLabel, strategyName } from './clusterLabels';
import { timeAgo } from './time';
import { Loadable } from './useClusterDetails';

type CellProps = { cluster: MeshCluster };

/** Whether crossmesh could read the cluster, and whether it has joined the mesh. */
export function StatusCell({ cluster }: CellProps) {
  const reach = cluster.reachable ? (
    <StatusLabel status="ok">Reachable</StatusLabel>
  ) : (
    <StatusLabel status="error">Unreachable</StatusLabel>
  );
  return (
    <SubvalueCell
      value={reach}
      subvalue={
        cluster.membership
          ? `In the mesh, network ${cluster.membership.network}`
          : 'Not added to the mesh yet'
      }
    />
  );
}

export function IstioCell({ cluster }: CellProps) {
  return (
    <SubvalueCell
      value={istioLabel(cluster)}
      subvalue={strategyName(cluster.strategy)}
    />
  );
}

/** What the cluster's `cacerts` holds, in a few words; the details say more. */
export function TrustCell(props: {
  cluster: string;
  trust: Loadable<TrustState>;
  drift: Loadable<TrustInspection[]>;
}) {
  const { cluster, trust, drift } = props;
  if (drift.loading || trust.loading) return <>Loading…</>;
  if (drift.error) return <>Not available</>;
  const status = cacertsStatus(
    cluster,
    trust.value,
    drift.value?.find(i => i.cluster === cluster),
  );
  return <TrustLevelLabel level={status.level} words={status.words} />;
}

/** Whether the last reconcile pass converged here, and when it ended. */
export function ReconcileCell(props: {
  cluster: string;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const { cluster, reconcile } = props;
  if (reconcile.loading) return <>Loading…</>;
  if (reconcile.error) return <>Not available</>;
  const status = reconcile.value?.find(s => s.cluster === cluster);
  if (!status) return <>Not reconciled yet</>;
  return (
    <SubvalueCell
      value={
        status.ok ? (
          <StatusLabel status="ok">Converged</StatusLabel>
        ) : (
          <StatusLabel status="error">Failed</StatusLabel>
        )
      }
      subvalue={timeAgo(status.finishedAt)}
    />
  );
}
