import { CopyTextButton, OverflowTooltip } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment } from 'react';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    maxWidth: '100%',
    verticalAlign: 'middle',
    whiteSpace: 'nowrap',
  },
  value: {
    minWidth: 0,
    maxWidth: ({ maxWidth }: { maxWidth: string }) => maxWidth,
  },
  code: {
    fontFamily: 'monospace',
  },
}));

/**
 * Props of {@link Identifier}.
 *
 * @internal
 */
export interface IdentifierProps {
  /** A host, cluster name, address, port or ref: shown whole or not at all on one line. */
  value: string;
  /** What the value is, for the copy button's name, e.g. `host`; no copy button without it. */
  copyLabel?: string;
  /** Longer values are cut with an ellipsis; the whole value shows on hover. */
  maxWidth?: string;
  /** Set in a monospace font, as code. */
  code?: boolean;
}

/**
 * A name or address that never breaks across lines: long values are truncated with an
 * ellipsis and shown whole on hover, and may come with a button that copies them.
 *
 * @internal
 */
export function Identifier(props: IdentifierProps) {
  const { value, copyLabel, maxWidth = '32ch', code = false } = props;
  const classes = useStyles({ maxWidth });
  return (
    <span className={classes.root}>
      <span className={`${classes.value} ${code ? classes.code : ''}`}>
        <OverflowTooltip text={value} />
      </span>
      {copyLabel && (
        <CopyTextButton
          variant="tertiary"
          text={value}
          aria-label={`Copy ${copyLabel} ${value}`}
          tooltipText={`Copied ${value}`}
        />
      )}
    </span>
  );
}

/**
 * Several identifiers, comma-separated; lines break between them, never inside one.
 *
 * @internal
 */
export function IdentifierList({ values }: { values: string[] }) {
  const classes = useStyles({ maxWidth: '32ch' });
  return (
    <>
      {values.map((value, index) => (
        <Fragment key={value}>
          {index > 0 && ' '}
          <span className={classes.root}>
            <Identifier value={value} />
            {index < values.length - 1 && ','}
          </span>
        </Fragment>
      ))}
    </>
  );
}
