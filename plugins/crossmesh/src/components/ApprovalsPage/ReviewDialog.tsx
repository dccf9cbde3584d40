import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { ManifestPreview } from '../shared';
import { RequestDetails } from './RequestDetails';
import { DecisionRights } from './useDecisionRights';
import { sameRef } from './requestWords';

/** The backend's limit on a decision comment. */
const COMMENT_MAX_LENGTH = 2000;

type Decision = 'approve' | 'reject';

/**
 * One pending request in full, with the YAML approval would apply in each cluster, and
 * the approve and reject actions for those allowed to decide.
 */
export function ReviewDialog(props: {
  request: ExposureRequest;
  owner?: string;
  rights: DecisionRights;
  onClose: () => void;
  onDecided: (decided: ExposureRequest, decision: Decision) => void;
  /** The request may have changed meanwhile: the list should be read again. */
  onDecisionFailed: () => void;
}) {
  const { request, owner, rights, onClose, onDecided, onDecisionFailed } =
    props;
  const crossmeshApi = useApi(crossmeshApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision>();
  const [failure, setFailure] = useState<{
    decision: Decision;
    error: Error;
  }>();
  const preview = useAsync(
    () => crossmeshApi.previewExposure(request.id),
    [crossmeshApi, request.id],
  );

  const titleId = `crossmesh-review-${request.id}-title`;
  const isOwnRequest = sameRef(request.requestedBy, rights.userEntityRef);
  const mayDecide = !rights.loading && rights.canDecide;

  const decide = async (decision: Decision) => {
    setBusy(decision);
    setFailure(undefined);
    const text = comment.trim() || undefined;
    try {
      const decided =
        decision === 'approve'
          ? await crossmeshApi.approveExposure(request.id, text)
          : await crossmeshApi.rejectExposure(request.id, text);
      onDecided(decided, decision);
    } catch (error) {
      setFailure({ decision, error: error as Error });
      setBusy(undefined);
      onDecisionFailed();
    }
  };

  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
      scroll="paper"
    >
      <DialogTitle id={titleId}>Review {request.host}</DialogTitle>
      <DialogContent dividers>
        <RequestDetails
          request={request}
          owner={owner}
          isOwnRequest={isOwnRequest}
        />
        <Typography variant="h6" component="h3" gutterBottom>
          What approval applies
        </Typography>
        {preview.loading && <Progress />}
        {preview.error && (
          <ResponseErrorPanel
            title={`Could not render the manifests: ${errorMessage(
              preview.error,
            )}`}
            error={preview.error}
          />
        )}
        {preview.value && <ManifestPreview preview={preview.value} />}
        {!rights.loading && !rights.canDecide && (
          <Alert severity="info">
            You can read this request but not decide it: approving and rejecting
            needs the crossmesh.exposure.decide permission.
          </Alert>
        )}
        {mayDecide && isOwnRequest && (
          <Alert severity="info">
            You requested this yourself, so another approver has to approve it.
            You can still reject it.
          </Alert>
        )}
        {mayDecide && (
          <TextField
            id={`crossmesh-review-${request.id}-comment`}
            label="Comment"
            helperText="Shown to the requester and kept in the audit log; say why when you reject"
            multiline
            minRows={2}
            fullWidth
            margin="normal"
            variant="outlined"
            value={comment}
            onChange={e => setComment(e.target.value)}
            inputProps={{ maxLength: COMMENT_MAX_LENGTH }}
            disabled={busy !== undefined}
          />
        )}
        {failure && (
          <Alert severity="error">
            Could not {failure.decision} this request:{' '}
            {errorMessage(failure.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy !== undefined}>
          Close
        </Button>
        {mayDecide && (
          <Button
            color="secondary"
            variant="outlined"
            onClick={() => decide('reject')}
            disabled={busy !== undefined}
          >
            {busy === 'reject' ? 'Rejecting…' : 'Reject'}
          </Button>
        )}
        {mayDecide && !isOwnRequest && (
          <Button
            color="primary"
            variant="contained"
            onClick={() => decide('approve')}
            disabled={busy !== undefined || preview.loading}
          >
            {busy === 'approve' ? 'Approving…' : 'Approve'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
