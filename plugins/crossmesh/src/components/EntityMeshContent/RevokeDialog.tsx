import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';

/** Asks before revoking: the consumer clusters lose the service once crossmesh removes it. */
export function RevokeDialog(props: {
  request?: ExposureRequest;
  busy: boolean;
  error?: string;
  onConfirm: (request: ExposureRequest) => void;
  onClose: () => void;
}) {
  const { request, busy, error, onConfirm, onClose } = props;
  return (
    <Dialog
      open={Boolean(request)}
      onClose={onClose}
      aria-labelledby="crossmesh-revoke-title"
      aria-describedby="crossmesh-revoke-description"
    >
      <DialogTitle id="crossmesh-revoke-title">Revoke exposure?</DialogTitle>
      <DialogContent>
        <DialogContentText id="crossmesh-revoke-description">
          {request &&
            `${
              request.host
            } will no longer be reachable from ${request.consumerClusters.join(
              ', ',
            )}: crossmesh removes its ServiceEntries there. Calls from those clusters will fail.`}
        </DialogContentText>
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Keep it</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={busy}
          onClick={() => request && onConfirm(request)}
        >
          Revoke exposure
        </Button>
      </DialogActions>
    </Dialog>
  );
}
