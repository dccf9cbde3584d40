import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import {
  ClusterProgressLabel,
  ExposureStateLabel,
  Identifier,
  MeshFactChanges,
  useReadableStyles,
  Words,
} from '../shared';
import { RequestCells } from './RequestCells';
import { EntityOwners, ownerOfRequest } from './useEntityOwners';
import { formatTimestamp, shortRef } from './requestWords';

const useStyles = makeStyles(theme => ({
  progress: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& li + li': { marginTop: theme.spacing(0.5) },
  },
  comment: {
    whiteSpace: 'pre-wrap',
    // Free text: a word longer than the column (a URL) may break; names never do.
    overflowWrap: 'anywhere',
    maxWidth: 320,
  },
}));

function Decider({ request }: { request: ExposureRequest }) {
  if (request.decidedBy) {
    return <>{shortRef(request.decidedBy, 'user')}</>;
  }
  if (request.state === 'cancelled') {
    return <>{shortRef(request.requestedBy, 'user')} (cancelled)</>;
  }
  return <>—</>;
}

/** Decided requests with who decided, when, why, and how far each cluster got. */
export function DecidedRequestsTable(props: {
  requests: ExposureRequest[];
  owners: EntityOwners;
}) {
  const { requests, owners } = props;
  const classes = useStyles();
  const readable = useReadableStyles();
  return (
    <Table
      aria-label="Decided requests"
      size="small"
      className={readable.table}
    >
      <TableHead>
        <TableRow>
          <TableCell>Host</TableCell>
          <TableCell>Component</TableCell>
          <TableCell>Team</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Decided by</TableCell>
          <TableCell>Decided at</TableCell>
          <TableCell>Comment</TableCell>
          <TableCell>Clusters</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(request => {
          const owner = ownerOfRequest(owners, request.entityRef);
          // A cancelled request has no decision; when it was withdrawn is its last update.
          const decidedAt = request.decidedAt ?? request.updatedAt;
          return (
            <TableRow key={request.id}>
              <RequestCells request={request} owner={owner} />
              <TableCell>
                <ExposureStateLabel state={request.state} />
                <MeshFactChanges request={request} />
              </TableCell>
              <TableCell>
                <Decider request={request} />
              </TableCell>
              <TableCell>
                <Words>{formatTimestamp(decidedAt)}</Words>
              </TableCell>
              <TableCell className={classes.comment}>
                {request.decisionComment ?? '—'}
              </TableCell>
              <TableCell>
                {request.clusters.length ? (
                  <ul className={classes.progress}>
                    {request.clusters.map(status => (
                      <li key={`${status.role}-${status.cluster}`}>
                        <Identifier value={status.cluster} /> ({status.role}):{' '}
                        <ClusterProgressLabel status={status} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  'Nothing applied'
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
