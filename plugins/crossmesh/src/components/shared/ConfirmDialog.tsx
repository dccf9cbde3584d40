import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useId, useState } from 'react';
import { errorMessage } from '../errorMessage';
import { Words } from './Words';

/**
 * Props of {@link ConfirmDialog}.
 *
 * @internal
 */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What happens on confirmation, in words; form fields when the step needs input. */
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** The step is under way: the confirm button waits. */
  busy?: boolean;
  /** Why the backend refused or failed, in its words. */
  error?: string;
  /** The action takes something away (a red confirm button). */
  destructive?: boolean;
  /** False keeps the confirm button disabled, e.g. until a form is complete. */
  canConfirm?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Asks before a step that changes the clusters, says what it will do, and shows the
 * backend's reason in place when the step is refused.
 *
 * @internal
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const {
    open,
    title,
    children,
    confirmLabel,
    cancelLabel = 'Cancel',
    busy = false,
    error,
    destructive = false,
    canConfirm = true,
    onConfirm,
    onClose,
  } = props;
  const titleId = useId();
  const contentId = useId();
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      aria-describedby={contentId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent id={contentId}>
        {children}
        {error && (
          <Alert severity="error">
            <Words>{error}</Words>
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {cancelLabel}
        </Button>
        <Button
          color={destructive ? 'secondary' : 'primary'}
          variant="contained"
          disabled={busy || !canConfirm}
          onClick={onConfirm}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Props of {@link ActionDialog}.
 *
 * @internal
 */
export type ActionDialogProps = Omit<
  ConfirmDialogProps,
  'open' | 'busy' | 'error' | 'onConfirm'
> & {
  /** The step itself; the dialog stays open with the reason when it is refused. */
  action: () => Promise<unknown>;
};

/**
 * A {@link ConfirmDialog} that runs its step when confirmed: the confirm button waits
 * while it runs, and a refusal (a 400 or 409: the backend says why the step may not run
 * now) or a failure shows in the dialog in the backend's words.
 *
 * @internal
 */
export function ActionDialog(props: ActionDialogProps) {
  const { action, ...dialog } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const refused = status === 400 || status === 403 || status === 409;
      setError(
        `${refused ? 'Refused' : 'Failed'}: ${errorMessage(e as Error)}`,
      );
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog {...dialog} open busy={busy} error={error} onConfirm={run} />
  );
}
