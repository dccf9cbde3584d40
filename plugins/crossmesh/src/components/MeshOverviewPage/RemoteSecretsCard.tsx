import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  RemoteSecretList,
  RemoteSecretState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import {
  CARD_TITLE,
  Identifier,
  ScrollArea,
  StatusKind,
  StatusLabel,
  useReadableStyles,
  Words,
} from '../shared';
import { expiryLabel, timeAgo } from './time';

const STATES: Record<
  RemoteSecretState['state'],
  { status: StatusKind; words: string }
> = {
  fresh: { status: 'ok', words: 'Fresh' },
  due: { status: 'pending', words: 'Renewed at the next check' },
  missing: { status: 'warning', words: 'Missing, written at the next check' },
  foreign: { status: 'warning', words: 'Made by hand, left alone' },
  unreadable: { status: 'error', words: 'Cannot be read' },
};

/** One row per pair: who reads whom, the secret's state, its token's expiry and renewal. */
function RemoteSecretsTable({ items }: { items: RemoteSecretState[] }) {
  const classes = useReadableStyles();
  return (
    <Table aria-label="Remote secrets" size="small" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>istiod of</TableCell>
          <TableCell>Reads</TableCell>
          <TableCell>Secret</TableCell>
          <TableCell>Token expires</TableCell>
          <TableCell>Last renewed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(row => {
          const state = STATES[row.state];
          return (
            <TableRow key={`${row.cluster}/${row.remoteCluster}`}>
              <TableCell component="th" scope="row">
                <Identifier value={row.cluster} />
              </TableCell>
              <TableCell>
                <Identifier value={row.remoteCluster} />
              </TableCell>
              <TableCell>
                <StatusLabel status={state.status}>{state.words}</StatusLabel>
                {row.detail && (
                  <Typography variant="body2" color="textSecondary">
                    {row.detail}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Words>
                  {row.expiresAt ? expiryLabel(row.expiresAt) : 'None'}
                </Words>
              </TableCell>
              <TableCell>
                <Words>
                  {row.renewedAt ? timeAgo(row.renewedAt) : 'Never'}
                </Words>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** The remote secrets, read once when the overview opens. */
export function useRemoteSecrets() {
  const api = useApi(crossmeshApiRef);
  return useAsyncRetry(async () => api.getRemoteSecrets(), [api]);
}

/**
 * The remote secrets each member's istiod reads the other members with, when crossmesh
 * keeps them (`crossmesh.remoteSecrets`).
 */
export function RemoteSecretsCard(props: {
  list?: RemoteSecretList;
  error?: Error;
}) {
  const { list, error } = props;
  if (error) {
    return (
      <InfoCard titleTypographyProps={CARD_TITLE} title="Remote secrets">
        <Typography color="error">
          The remote secrets could not be read: {errorMessage(error)}
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Remote secrets"
      subheader="What each cluster's istiod reads the other members with: short-lived tokens of their reader, renewed once half their life has passed"
      noPadding
    >
      {list?.items.length ? (
        <ScrollArea label="Remote secrets table">
          <RemoteSecretsTable items={list.items} />
        </ScrollArea>
      ) : (
        <Box p={2}>
          <Typography>
            No pairs yet: remote secrets are kept once two clusters are members
            of the mesh.
          </Typography>
        </Box>
      )}
    </InfoCard>
  );
}
