import Box from '@material-ui/core/Box';
import { ReactNode } from 'react';

/**
 * A wide table's frame that scrolls sideways when the screen is narrow. It takes the
 * keyboard focus, so that people who do not use a mouse can scroll it too.
 *
 * @internal
 */
export function ScrollArea(props: { label: string; children: ReactNode }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <Box overflow="auto" role="region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </Box>
  );
}
