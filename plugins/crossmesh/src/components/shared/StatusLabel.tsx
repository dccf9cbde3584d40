import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

/**
 * The kinds of Backstage's status components.
 *
 * @internal
 */
export type StatusKind =
  | 'ok'
  | 'warning'
  | 'error'
  | 'pending'
  | 'running'
  | 'aborted';

const icons: Record<StatusKind, () => JSX.Element> = {
  ok: () => <StatusOK />,
  warning: () => <StatusWarning />,
  error: () => <StatusError />,
  pending: () => <StatusPending />,
  running: () => <StatusRunning />,
  aborted: () => <StatusAborted />,
};

const useStyles = makeStyles({
  label: {
    display: 'inline-flex',
    alignItems: 'baseline',
  },
});

/**
 * A status icon with its words beside it. Backstage's status components hide their
 * children from assistive technology and lay out as a block, so the words sit next to the
 * icon in a row of their own, where screen readers read them.
 *
 * @internal
 */
export function StatusLabel(props: {
  status: StatusKind;
  children: ReactNode;
}) {
  const classes = useStyles();
  const Icon = icons[props.status];
  return (
    <span className={classes.label}>
      <Icon />
      <span>{props.children}</span>
    </span>
  );
}
