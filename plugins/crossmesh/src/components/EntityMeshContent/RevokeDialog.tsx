import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import DialogContentText from '@material-ui/core/DialogContentText';
import { ConfirmDialog, Words } from '../shared';

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
    <ConfirmDialog
      open={Boolean(request)}
      title="Revoke exposure?"
      confirmLabel="Revoke exposure"
      cancelLabel="Keep it"
      destructive
      busy={busy}
      error={error}
      onConfirm={() => request && onConfirm(request)}
      onClose={onClose}
    >
      <DialogContentText>
        <Words>
          {request &&
            `${
              request.host
            } will no longer be reachable from ${request.consumerClusters.join(
              ', ',
            )}: crossmesh removes its ServiceEntries there. Calls from those clusters will fail.`}
        </Words>
      </DialogContentText>
    </ConfirmDialog>
  );
}
