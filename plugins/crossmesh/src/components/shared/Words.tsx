import { makeStyles } from '@material-ui/core/styles';
import { Children, ReactNode } from 'react';
import { Identifier } from './Identifier';

const useStyles = makeStyles({
  whole: { whiteSpace: 'nowrap' },
});

const SPACES = /(\s+)/;
// A browser breaks a line after a hyphen or a slash: in a name (cluster-1), a date
// (2028-12-01T17:15:45Z), a key type (rsa-4096) or a path (istio-system/cacerts).
const BREAKS_INSIDE = /[-/‐–]/;
// Longer than this, a token (a fingerprint, a UUID, a URL) is cut, not kept whole.
const LONGEST_WHOLE = 32;

// Punctuation around a long token stays readable when the token is cut: "(SHA-256 <fp>)".
const AROUND = /^([("'[]*)(.*?)([)"'\],.:;]*)$/;

function Token({ text }: { text: string }) {
  const classes = useStyles();
  if (text.length > LONGEST_WHOLE) {
    const [, before, core, after] = AROUND.exec(text)!;
    return (
      <>
        {before}
        <Identifier value={core} maxWidth={`${LONGEST_WHOLE}ch`} />
        {after}
      </>
    );
  }
  return BREAKS_INSIDE.test(text) ? (
    <span className={classes.whole}>{text}</span>
  ) : (
    <>{text}</>
  );
}

/**
 * Text whose lines break only between words: a word the browser would split after a
 * hyphen or a slash stays on one line, and a very long one (a fingerprint) is cut with an
 * ellipsis and shown whole on hover. For sentences that carry names, dates and paths,
 * such as the backend's messages.
 *
 * @internal
 */
export function Words({ children }: { children: ReactNode }) {
  // One span, so that a flex container around it (InfoCard's subheader) sees one item and
  // keeps the spaces between the words.
  return (
    <span>
      {Children.map(children, child =>
        typeof child === 'string'
          ? child
              .split(SPACES)
              .map((part, index) =>
                index % 2 === 1 || part === '' ? (
                  part
                ) : (
                  <Token key={index} text={part} />
                ),
              )
          : child,
      )}
    </span>
  );
}
