import { SubvalueCell } from '@backstage/core-components';
import {
  ClusterReconcileStatus,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { StatusLabel, Words } from '../shared';
import { reconcileOf } from './clusterDetailOf';
import { Loadable } from './useClusterDetails';

/**
 * Under dns-proxy the sidecars resolve `.global`, and under multi-primary another cluster's
 * Service names, provided they capture DNS.
 */
function DnsProxyCell({ cluster }: { cluster: MeshCluster }) {
  const capture = cluster.dnsCapture ?? 'unknown';
  const detail = cluster.dnsCaptureDetail
    ? `: ${cluster.dnsCaptureDetail}`
    : '';
  return (
    <SubvalueCell
      value={
        <StatusLabel status={capture === 'enabled' ? 'ok' : 'warning'}>
          Not needed (sidecar DNS proxy)
        </StatusLabel>
      }
      subvalue={
        <Words>{`DNS capture ${capture}${
          capture === 'enabled' ? '' : detail
        }`}</Words>
      }
    />
  );
}

/** `.global` DNS wiring as the last reconcile pass left it. */
export function DnsCell(props: {
  cluster: MeshCluster;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const { cluster, reconcile } = props;
  if (
    cluster.strategy === 'dns-proxy' ||
    cluster.strategy === 'multi-primary'
  ) {
    return <DnsProxyCell cluster={cluster} />;
  }
  const found = reconcileOf(cluster.name, reconcile);
  if ('placeholder' in found) return <>{found.placeholder}</>;
  const status = found.value;
  switch (status.dns) {
    case 'wired':
    case 'unchanged':
      return (
        <SubvalueCell
          value={<StatusLabel status="ok">Wired</StatusLabel>}
          subvalue={
            status.dns === 'wired'
              ? '.global forwarded to istiocoredns, written in the last pass'
              : '.global forwarded to istiocoredns'
          }
        />
      );
    case 'not-needed':
      return (
        <SubvalueCell
          value="Not needed"
          subvalue="No exposure is consumed in this cluster"
        />
      );
    case 'waiting-for-merge':
    case 'syncing':
      return (
        <SubvalueCell
          value={
            <StatusLabel status="pending">
              {status.dns === 'waiting-for-merge'
                ? 'Waiting for merge'
                : 'Syncing'}
            </StatusLabel>
          }
          subvalue={<Words>{status.dnsDetail ?? ''}</Words>}
        />
      );
    case 'failed':
      return (
        <StatusLabel status="error">
          <Words>Failed: {status.dnsError}</Words>
        </StatusLabel>
      );
    default:
      return (
        <SubvalueCell
          value="Not checked"
          subvalue="The last pass could not read the cluster"
        />
      );
  }
}
