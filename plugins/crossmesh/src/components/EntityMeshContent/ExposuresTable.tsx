import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import {
  ConsumerClustersCell,
  DecisionCell,
  EndDateCell,
  NamespacesCell,
  PortsCell,
  StateCell,
  VipCell,
} from './ExposureCells';
import { ExposureActions, ExposureActionsProps } from './ExposureActions';

const useStyles = makeStyles(theme => ({
  pending: {
    backgroundColor: theme.palette.action.hover,
  },
}));

/**
 * One row per exposure request of the entity, pending ones shaded: where, on which host,
 * VIP and ports, how far it got, who decided and until when.
 */
export function ExposuresTable(
  props: { requests: ExposureRequest[] } & Omit<
    ExposureActionsProps,
    'request'
  >,
) {
  const { requests, ...actions } = props;
  const classes = useStyles();
  return (
    <Table aria-label="Exposures" size="small">
      <TableHead>
        <TableRow>
          <TableCell>Consumer clusters</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Host</TableCell>
          <TableCell>VIP</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Consumer namespaces</TableCell>
          <TableCell>Decision</TableCell>
          <TableCell>End date</TableCell>
          <TableCell>Actions</TableCell>
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
              <code>{request.host}</code>
            </TableCell>
            <TableCell>
              <VipCell request={request} />
            </TableCell>
            <TableCell>
              <PortsCell request={request} />
            </TableCell>
            <TableCell>
              <NamespacesCell request={request} />
            </TableCell>
            <TableCell>
              <DecisionCell request={request} />
            </TableCell>
            <TableCell>
              <EndDateCell request={request} />
            </TableCell>
            <TableCell>
              <ExposureActions request={request} {...actions} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
