import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  RemoteSecretList,
  RemoteSecretState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { CARD_TITLE, StatusKind, StatusLabel } from '../shared';
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

const columns: TableColumn<RemoteSecretState>[] = [
  {
    title: 'istiod of',
    field: 'cluster',
    render: row => <strong>{row.cluster}</strong>,
  },
  { title: 'reads', field: 'remoteCluster' },
  {
    title: 'Secret',
    render: row => {
      const state = STATES[row.state];
      return (
        <>
          <StatusLabel status={state.status}>{state.words}</StatusLabel>
          {row.detail && (
            <Typography variant="body2" color="textSecondary">
              {row.detail}
            </Typography>
          )}
        </>
      );
    },
  },
  {
    title: 'Token expires',
    render: row => (row.expiresAt ? expiryLabel(row.expiresAt) : '—'),
  },
  {
    title: 'Last renewed',
    render: row => (row.renewedAt ? timeAgo(row.renewedAt) : '—'),
  },
];

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
      <Table
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={list?.items ?? []}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            No pairs yet: remote secrets are kept once two clusters are members
            of the mesh.
          </Typography>
        }
      />
    </InfoCard>
  );
}
