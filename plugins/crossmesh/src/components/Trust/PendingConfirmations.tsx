import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { TrustConfirmation } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogContentText from '@material-ui/core/DialogContentText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { personName } from '../EntityMeshContent/formatting';
import { timeAgo } from '../MeshOverviewPage/time';
import { ActionDialog, Identifier, Words } from '../shared';
import { TrustActions } from './useTrustActions';

function utc(iso: string) {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function ConfirmationDialog(props: {
  confirmation: TrustConfirmation;
  kind: 'confirm' | 'cancel';
  actions: TrustActions;
  onClose: () => void;
}) {
  const { confirmation, kind, actions, onClose } = props;
  const confirm = kind === 'confirm';
  return (
    <ActionDialog
      title={confirm ? 'Confirm this root change?' : 'Cancel this request?'}
      confirmLabel={confirm ? 'Confirm root change' : 'Cancel request'}
      destructive={confirm}
      action={async () => {
        if (confirm) {
          await actions.confirmRootOperation(confirmation);
        } else {
          await actions.cancelRootOperation(confirmation);
        }
        onClose();
      }}
      onClose={onClose}
    >
      <DialogContentText>
        <Words>{confirmation.summary}</Words>
      </DialogContentText>
      {confirm && (
        <DialogContentText>
          Check with {personName(confirmation.requestedBy)} that this is the
          root they meant: {confirmation.root.subject}, SHA-256{' '}
          <Identifier value={confirmation.fingerprintSha256} />.
        </DialogContentText>
      )}
    </ActionDialog>
  );
}

/**
 * Root operations that wait for a second platform member (ADR 0026): what each would do,
 * who asked and until when; another platform member confirms it here, and the one who
 * asked is told to find one.
 */
export function PendingConfirmations(props: {
  confirmations: TrustConfirmation[];
  canManage: boolean;
  actions: TrustActions;
}) {
  const { confirmations, canManage, actions } = props;
  const identityApi = useApi(identityApiRef);
  const { value: me } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const [open, setOpen] = useState<{
    confirmation: TrustConfirmation;
    kind: 'confirm' | 'cancel';
  }>();
  if (!confirmations.length) return null;
  return (
    <Box
      component="section"
      aria-label="Waiting for a second platform member"
      mb={2}
    >
      {confirmations.map(c => (
        <Box key={c.id} mb={1}>
          <Alert severity="warning">
            <AlertTitle>Waiting for a second platform member</AlertTitle>
            <Typography variant="body2" paragraph>
              <Words>{c.summary}</Words>
            </Typography>
            <Typography variant="body2" paragraph>
              {`Asked by ${personName(c.requestedBy)} ${timeAgo(
                c.requestedAt,
              )}; expires ${utc(c.expiresAt)}.`}
            </Typography>
            {canManage && me === c.requestedBy && (
              <Typography variant="body2" paragraph>
                You asked for this: another member of the platform team must
                confirm it.
              </Typography>
            )}
            {canManage && (
              <Box display="flex" gridGap={8}>
                {me !== c.requestedBy && (
                  <Button
                    variant="contained"
                    color="secondary"
                    onClick={() =>
                      setOpen({ confirmation: c, kind: 'confirm' })
                    }
                  >
                    Confirm
                  </Button>
                )}
                <Button
                  variant="outlined"
                  onClick={() => setOpen({ confirmation: c, kind: 'cancel' })}
                >
                  Cancel request
                </Button>
              </Box>
            )}
          </Alert>
        </Box>
      ))}
      {open && (
        <ConfirmationDialog
          {...open}
          actions={actions}
          onClose={() => setOpen(undefined)}
        />
      )}
    </Box>
  );
}
