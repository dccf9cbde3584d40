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

/**
 * Props of {@link ClustersTable}.
 *
 * @public
 */
export interface ClustersTableProps {
  clusters: MeshCluster[];
}

/**
 * One row per cluster of the mesh: reachability, Istio, strategy, gateway.
 *
 * @public
 */
export function ClustersTable({ clusters }: ClustersTableProps) {
  return (
    <Table aria-label="Mesh clusters" size="small">
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Istio version</TableCell>
          <TableCell>Strategy</TableCell>
          <TableCell>East-west gateway</TableCell>
          <TableCell>Problem</TableCell>
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
              <ProblemCell cluster={cluster} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
