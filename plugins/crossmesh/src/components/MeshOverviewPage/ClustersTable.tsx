import { SubvalueCell } from '@backstage/core-components';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Fragment, useId, useState } from 'react';
import { Identifier, useReadableStyles } from '../shared';
import {
  IstioCell,
  ReconcileCell,
  StatusCell,
  TrustCell,
} from './ClusterCells';
import { ClusterDetailsPanel } from './ClusterDetailsPanel';
import { DeliverySummary } from './DeliverySummary';
import { ClusterDetails } from './useClusterDetails';

const COLUMNS = 6;

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
 * One row per cluster of the mesh, with what a platform engineer scans for: how its objects
 * are delivered, reachable, which Istio, whether trust is in place and whether the last
 * reconcile pass converged.
 * Each row opens on demand to the rest: gateway, DNS wiring, strategy, the intermediate
 * CA and what `cacerts` holds.
 *
 * @public
 */
export function ClustersTable(props: ClustersTableProps) {
  const { clusters, details, onRunPreflight } = props;
  const classes = useReadableStyles();
  const idPrefix = useId();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (name: string) =>
    setOpen(current => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });

  return (
    <Table aria-label="Mesh clusters" size="small" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Istio</TableCell>
          <TableCell>Trust</TableCell>
          <TableCell>Last reconcile</TableCell>
          <TableCell>
            <Typography variant="srOnly">Actions</Typography>
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {clusters.map((cluster, index) => {
          const expanded = open.has(cluster.name);
          const detailsId = `${idPrefix}-details-${index}`;
          return (
            <Fragment key={cluster.name}>
              <TableRow>
                <TableCell component="th" scope="row" role="rowheader">
                  <SubvalueCell
                    value={<Identifier value={cluster.name} />}
                    subvalue={
                      cluster.delivery && (
                        <DeliverySummary delivery={cluster.delivery} />
                      )
                    }
                  />
                </TableCell>
                <TableCell>
                  <StatusCell cluster={cluster} />
                </TableCell>
                <TableCell>
                  <IstioCell cluster={cluster} />
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
                <TableCell align="right">
                  <div className={classes.actions}>
                    <Button
                      variant="outlined"
                      size="small"
                      aria-label={`Run preflight for ${cluster.name}`}
                      onClick={() => onRunPreflight(cluster.name)}
                    >
                      Run preflight
                    </Button>
                    <Button
                      size="small"
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      aria-label={`Details of ${cluster.name}`}
                      endIcon={
                        expanded ? <ExpandLessIcon /> : <ExpandMoreIcon />
                      }
                      onClick={() => toggle(cluster.name)}
                    >
                      Details
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
              {expanded && (
                <TableRow id={detailsId}>
                  <TableCell colSpan={COLUMNS}>
                    <section aria-label={`Details of ${cluster.name}`}>
                      <ClusterDetailsPanel
                        cluster={cluster}
                        details={details}
                      />
                    </section>
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
