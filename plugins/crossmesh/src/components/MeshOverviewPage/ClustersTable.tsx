import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  GatewayCell,
  IstioCell,
  ProblemCell,
  ReachableCell,
  StrategyCell,
} from './ClusterCells';
import { DnsCell } from './DnsCell';
import { ReconcileCell } from './ReconcileCell';
import { TrustCell } from './TrustCell';
import { ClusterDetails } from './useClusterDetails';

/**
 * Props of {@link ClustersTable}.
 *
 * @public
 */
export interface ClustersTableProps {
  clusters: MeshCluster[];
  /** Trust, cacerts drift and the last reconcile pass; each may be loading or failed. */
  details: ClusterDetails;
  onRunPreflight: (clusterName: string) => void;
}

/**
 * One row per cluster of the mesh: reachability, Istio, strategy, gateway, DNS wiring,
 * trust and the last reconcile pass, with a preflight action.
 *
 * @public
 */
export function ClustersTable(props: ClustersTableProps) {
  const { clusters, details, onRunPreflight } = props;
  return (
    <Table aria-label="Mesh clusters" size="small">
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Istio version</TableCell>
          <TableCell>Strategy</TableCell>
          <TableCell>East-west gateway</TableCell>
          <TableCell>DNS wiring</TableCell>
          <TableCell>Trust</TableCell>
          <TableCell>Last reconcile</TableCell>
          <TableCell>Problem</TableCell>
          <TableCell>Preflight</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {clusters.map(cluster => (
          <TableRow key={cluster.name}>
            <TableCell component="th" scope="row" role="rowheader">
              {cluster.name}
            </TableCell>
            <TableCell>
              <ReachableCell cluster={cluster} />
            </TableCell>
            <TableCell>
              <IstioCell cluster={cluster} />
            </TableCell>
            <TableCell>
              <StrategyCell cluster={cluster} />
            </TableCell>
            <TableCell>
              <GatewayCell cluster={cluster} />
            </TableCell>
            <TableCell>
              <DnsCell cluster={cluster} reconcile={details.reconcile} />
            </TableCell>
            <TableCell>
              <TrustCell
                cluster={cluster.name}
                trust={details.trust}
                drift={details.drift}
              />
            </TableCell>
            <TableCell>
              <ReconcileCell
                cluster={cluster.name}
                reconcile={details.reconcile}
              />
            </TableCell>
            <TableCell>
              <ProblemCell cluster={cluster} />
            </TableCell>
            <TableCell>
              <Button
                variant="outlined"
                size="small"
                aria-label={`Run preflight for ${cluster.name}`}
                onClick={() => onRunPreflight(cluster.name)}
              >
                Run preflight
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
