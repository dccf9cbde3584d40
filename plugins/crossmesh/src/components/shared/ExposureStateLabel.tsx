import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import {
  ExposureClusterStatus,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

const requestStateWords: Record<ExposureRequestState, string> = {
  pending: 'Pending approval',
  approved: 'Approved',
  applying: 'Applying',
  active: 'Active',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  revoking: 'Revoking',
  revoked: 'Revoked',
};

/** A request's state in words, as people read it. */
export function exposureStateWords(state: ExposureRequestState): string {
  return requestStateWords[state];
}

/**
 * A request's state as a status icon and words. The status components hide their
 * children from assistive technology, so the words stay outside them.
 */
export function ExposureStateLabel(props: { state: ExposureRequestState }) {
  const { state } = props;
  const words = requestStateWords[state];
  switch (state) {
    case 'active':
      return (
        <>
          <StatusOK />
          {words}
        </>
      );
    case 'approved':
    case 'applying':
    case 'revoking':
      return (
        <>
          <StatusRunning />
          {words}
        </>
      );
    case 'pending':
      return (
        <>
          <StatusPending />
          {words}
        </>
      );
    case 'rejected':
      return (
        <>
          <StatusError />
          {words}
        </>
      );
    default:
      return (
        <>
          <StatusAborted />
          {words}
        </>
      );
  }
}

const clusterStateWords: Record<ExposureClusterStatus['state'], string> = {
  pending: 'Waiting to apply',
  applied: 'Applied',
  failed: 'Failed',
  removed: 'Removed',
};

/** One cluster's progress on a request, with the last error in words when it failed. */
export function ClusterProgressLabel(props: { status: ExposureClusterStatus }) {
  const { status } = props;
  const words = clusterStateWords[status.state];
  if (status.state === 'failed') {
    return (
      <>
        <StatusError />
        {words}
        {status.lastError ? `: ${status.lastError}` : ''}
      </>
    );
  }
  if (status.state === 'applied') {
    return (
      <>
        <StatusOK />
        {words}
      </>
    );
  }
  return (
    <>
      {status.state === 'pending' ? <StatusPending /> : <StatusAborted />}
      {words}
      {status.lastError ? ` (last error: ${status.lastError})` : ''}
    </>
  );
}
