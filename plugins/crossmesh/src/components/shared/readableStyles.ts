import { makeStyles } from '@material-ui/core/styles';

// MUI's class names carry a suffix in apps of the new frontend system (MuiButton-root-42),
// so they are matched by prefix.

/**
 * Tables and buttons that read cleanly at any width: Backstage's theme lets table cells
 * break inside words (`word-break: break-word`), which cuts names and labels letter by
 * letter once columns get narrow. Here words stay whole, headers and buttons keep to one
 * line, and long values are truncated by {@link Identifier} instead.
 */
export const useReadableStyles = makeStyles(theme => ({
  table: {
    '& th, & td': {
      wordBreak: 'normal',
      overflowWrap: 'normal',
    },
    '& thead th': {
      whiteSpace: 'nowrap',
    },
    '& td, & th[scope="row"]': {
      verticalAlign: 'top',
      // The theme's cells set lines 1em apart, too tight once a cell wraps.
      lineHeight: theme.typography.body2.lineHeight,
    },
    '& [class*="MuiButton-root"]': {
      whiteSpace: 'nowrap',
    },
  },
  noWrapButtons: {
    '& [class*="MuiButton-root"]': {
      whiteSpace: 'nowrap',
      flexShrink: 0,
    },
  },
  noWrap: {
    whiteSpace: 'nowrap',
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    '& [class*="MuiButton-root"]': {
      whiteSpace: 'nowrap',
    },
  },
}));

/**
 * InfoCard titles as headings (MUI renders them as plain text), so that a page reads as
 * an outline: the page title, then each card, then the sections inside a card.
 *
 * @internal
 */
export const CARD_TITLE = { component: 'h2' } as const;
