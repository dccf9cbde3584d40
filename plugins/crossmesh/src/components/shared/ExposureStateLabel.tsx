import { Link } from '@backstage/core-components';
import {
  ExposureClusterStatus,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { StatusKind, StatusLabel } from './StatusLabel';
import { Words } from './Words';

const requestStates: Record<
  ExposureRequestState,
  { words: string; status: StatusKind }
> = {
  pending: { words: 'Pending approval', status: 'pending' },
  approved: { words: 'Approved', status: 'running' },
  applying: { words: 'Applying', status: 'running' },
  active: { words: 'Active', status: 'ok' },
  rejected: { words: 'Rejected', status: 'error' },
  cancelled: { words: 'Cancelled', status: 'aborted' },
  revoking: { words: 'Revoking', status: 'running' },
  revoked: { words: 'Revoked', status: 'aborted' },
};

/** A request's state in words, as people read it. */
export function exposureStateWords(state: ExposureRequestState): string {
  return requestStates[state].words;
}

/** A request's state as a status icon and words. */
export function ExposureStateLabel(props: { state: ExposureRequestState }) {
  const { words, status } = requestStates[props.state];
  return <StatusLabel status={status}>{words}</StatusLabel>;
}

const clusterStates: Record<
  ExposureClusterStatus['state'],
  { words: string; status: StatusKind }
> = {
  pending: { words: 'Waiting to apply', status: 'pending' },
  'waiting-for-merge': { words: 'Waiting for merge', status: 'pending' },
  syncing: { words: 'Syncing from Git', status: 'running' },
  applied: { words: 'Applied', status: 'ok' },
  drifted: { words: 'Drifted from Git', status: 'warning' },
  failed: { words: 'Failed', status: 'error' },
  removed: { words: 'Removed', status: 'aborted' },
};

/**
 * One cluster's progress on a request, with the last error in words when it failed, and
 * the pull request that carries it when the cluster is delivered through Git.
 */
export function ClusterProgressLabel(props: { status: ExposureClusterStatus }) {
  const { status } = props;
  const { words, status: kind } = clusterStates[status.state];
  let error = '';
  if (status.lastError) {
    error =
      status.state === 'failed' || status.state === 'drifted'
        ? `: ${status.lastError}`
        : ` (last error: ${status.lastError})`;
  }
  const pullRequest = status.pullRequest;
  return (
    <StatusLabel status={kind}>
      <Words>{`${words}${status.state === 'applied' ? '' : error}`}</Words>
      {pullRequest && (
        <>
          {' '}
          <Link to={pullRequest.url} target="_blank" rel="noopener">
            (pull request #{pullRequest.number})
          </Link>
        </>
      )}
    </StatusLabel>
  );
}
