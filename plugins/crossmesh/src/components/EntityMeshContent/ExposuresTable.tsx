import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useReadableStyles } from '../shared';
import {
  ConsumerClustersCell,
  DecisionCell,
  HostCell,
  PortsCell,
  StateCell,
} from './ExposureCells';
import { ExposureActions, ExposureActionsProps } from './ExposureActions';

const useStyles = makeStyles(theme => ({
  pending: {
    backgroundColor: theme.palette.action.hover,
  },
}));

/**
 * One row per exposure request of the entity, pending ones shaded: where to, how far it
 * got, the host and VIP, the ports and namespaces, who decided and until when.
 */
export function ExposuresTable(
  props: { requests: ExposureRequest[] } & Omit<
    ExposureActionsProps,
    'request'
  >,
) {
  const { requests, ...actions } = props;
  const classes = useStyles();
  const readable = useReadableStyles();
  return (
    <Table aria-label="Exposures" size="small" className={readable.table}>
      <TableHead>
        <TableRow>
          <TableCell>Consumer clusters</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Host</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Decision</TableCell>
          <TableCell>
            <Typography variant="srOnly">Actions</Typography>
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(request => (
          <TableRow
            key={request.id}
            className={
              request.state === 'pending' ? classes.pending : undefined
            }
          >
            <TableCell component="th" scope="row" role="rowheader">
              <ConsumerClustersCell request={request} />
            </TableCell>
            <TableCell>
              <StateCell request={request} />
            </TableCell>
            <TableCell>
              <HostCell request={request} />
            </TableCell>
            <TableCell>
              <PortsCell request={request} />
            </TableCell>
            <TableCell>
              <DecisionCell request={request} />
            </TableCell>
            <TableCell align="right">
              <ExposureActions request={request} {...actions} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
