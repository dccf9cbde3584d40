import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  Identifier,
  IdentifierList,
  useReadableStyles,
  Words,
} from '../shared';
import { RequestCells } from './RequestCells';
import { EntityOwners, ownerOfRequest } from './useEntityOwners';
import { formatTimestamp, sameRef, shortRef } from './requestWords';

/** Pending requests, one row each, with a Review button that opens the request. */
export function PendingRequestsTable(props: {
  requests: ExposureRequest[];
  owners: EntityOwners;
  userEntityRef?: string;
  onReview: (request: ExposureRequest) => void;
}) {
  const { requests, owners, userEntityRef, onReview } = props;
  const classes = useReadableStyles();
  return (
    <Table aria-label="Pending requests" size="small" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>Host</TableCell>
          <TableCell>Component</TableCell>
          <TableCell>Team</TableCell>
          <TableCell>From</TableCell>
          <TableCell>To</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Requested at</TableCell>
          <TableCell>
            <Typography variant="srOnly">Actions</Typography>
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(request => {
          const owner = ownerOfRequest(owners, request.entityRef);
          const rowHeaderId = `crossmesh-pending-${request.id}`;
          return (
            <TableRow key={request.id}>
              <RequestCells
                request={request}
                owner={owner}
                rowHeaderId={rowHeaderId}
              />
              <TableCell>
                <Identifier value={request.sourceCluster} />
              </TableCell>
              <TableCell>
                <IdentifierList values={request.consumerClusters} />
              </TableCell>
              <TableCell>
                {shortRef(request.requestedBy, 'user')}
                {sameRef(request.requestedBy, userEntityRef) ? ' (you)' : ''}
              </TableCell>
              <TableCell>
                <Words>{formatTimestamp(request.requestedAt)}</Words>
              </TableCell>
              <TableCell align="right">
                <Button
                  variant="outlined"
                  color="primary"
                  size="small"
                  aria-describedby={rowHeaderId}
                  onClick={() => onReview(request)}
                >
                  Review
                </Button>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
