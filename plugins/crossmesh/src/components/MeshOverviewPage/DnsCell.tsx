import {
  StatusError,
  StatusOK,
  StatusWarning,
  SubvalueCell,
} from '@backstage/core-components';
import {
  ClusterReconcileStatus,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { Loadable } from './useClusterDetails';

/** Under dns-proxy the sidecars resolve `.global`, provided they capture DNS. */
function DnsProxyCell({ cluster }: { cluster: MeshCluster }) {
  const capture = cluster.dnsCapture ?? 'unknown';
  const detail = cluster.dnsCaptureDetail
    ? `: ${cluster.dnsCaptureDetail}`
    : '';
  return (
    <SubvalueCell
      value={
        <>
          {capture === 'enabled' ? <StatusOK /> : <StatusWarning />}
          Not needed (sidecar DNS proxy)
        </>
      }
      subvalue={`DNS capture ${capture}${capture === 'enabled' ? '' : detail}`}
    />
  );
}

/** `.global` DNS wiring as the last reconcile pass left it. */
export function DnsCell(props: {
  cluster: MeshCluster;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const { cluster, reconcile } = props;
  if (cluster.strategy === 'dns-proxy') {
    return <DnsProxyCell cluster={cluster} />;
  }
  if (reconcile.loading) return <>Loading…</>;
  if (reconcile.error) return <>Not available</>;
  const status = reconcile.value?.find(s => s.cluster === cluster.name);
  if (!status) return <>Not reconciled yet</>;
  switch (status.dns) {
    case 'wired':
    case 'unchanged':
      return (
        <SubvalueCell
          value={
            <>
              <StatusOK />
              Wired
            </>
          }
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
    case 'failed':
      return (
        <>
          <StatusError />
          Failed: {status.dnsError}
        </>
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
