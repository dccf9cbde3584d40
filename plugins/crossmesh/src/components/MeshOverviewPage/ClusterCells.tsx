import { SubvalueCell } from '@backstage/core-components';
import {
  ClusterReconcileStatus,
  MeshCluster,
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { StatusLabel } from '../shared';
import { TrustLevelLabel } from '../Trust/TrustLevelLabel';
import { cacertsOf, reconcileOf } from './clusterDetailOf';
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
  const status = cacertsOf(cluster, { trust, drift });
  if ('placeholder' in status) return <>{status.placeholder}</>;
  return (
    <TrustLevelLabel level={status.value.level} words={status.value.words} />
  );
}

/** Whether the last reconcile pass converged here, and when it ended. */
export function ReconcileCell(props: {
  cluster: string;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const found = reconcileOf(props.cluster, props.reconcile);
  if ('placeholder' in found) return <>{found.placeholder}</>;
  const status = found.value;
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
