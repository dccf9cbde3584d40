import {
  StatusError,
  StatusOK,
  SubvalueCell,
} from '@backstage/core-components';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  gatewaySourceLabel,
  istioLabel,
  strategyName,
  strategySourceLabel,
} from './clusterLabels';

type CellProps = { cluster: MeshCluster };

export function ReachableCell({ cluster }: CellProps) {
  // The status components hide their children from assistive technology, so
  // the words stay outside them.
  return cluster.reachable ? (
    <>
      <StatusOK />
      Reachable
    </>
  ) : (
    <>
      <StatusError />
      Unreachable
    </>
  );
}

export function IstioCell({ cluster }: CellProps) {
  return (
    <SubvalueCell
      value={istioLabel(cluster)}
      subvalue={cluster.istio?.image ?? ''}
    />
  );
}

export function StrategyCell({ cluster }: CellProps) {
  return (
    <SubvalueCell
      value={strategyName(cluster.strategy)}
      subvalue={strategySourceLabel(cluster.strategySource)}
    />
  );
}

export function GatewayCell({ cluster }: CellProps) {
  if (!cluster.gateway) {
    return <>No address found or configured</>;
  }
  const { address, port, source } = cluster.gateway;
  return (
    <SubvalueCell
      value={`${address}:${port}`}
      subvalue={gatewaySourceLabel(source)}
    />
  );
}

export function ProblemCell({ cluster }: CellProps) {
  return <>{cluster.error ?? 'None'}</>;
}
