import { InputError } from '@backstage/errors';

/**
 * One token of a Corefile, with where it sits in the source text.
 *
 * @internal
 */
export interface CorefileToken {
  /** The token's value (quotes removed for quoted tokens). */
  text: string;
  /** True for `"quoted"` tokens, which are never braces or keywords. */
  quoted: boolean;
  /** Offset of the token's first character. */
  start: number;
  /** Offset just past the token's last character. */
  end: number;
  /** 1-based line number. */
  line: number;
}

/**
 * A directive line inside a server block: `forward . 10.0.0.1:53 {`.
 *
 * @internal
 */
export interface CorefileDirective {
  name: string;
  args: string[];
  line: number;
}

/**
 * A top-level entry of a Corefile: a server block (or snippet) with braces,
 * or a top-level `import`.
 *
 * @internal
 */
export type CorefileEntry =
  | {
      kind: 'block';
      /** Server keys, e.g. `['.:53']` or `['global:53', 'foo:53']`. */
      keys: string[];
      /** Offset of the start of the line holding the first key. */
      start: number;
      /** Offset just past the closing `}`. */
      end: number;
      /** Line of the first key. */
      line: number;
      /** Line of the closing `}`. */
      endLine: number;
      /** Directives directly inside the block (not those of nested blocks). */
      directives: CorefileDirective[];
    }
  | { kind: 'import'; args: string[]; line: number };

/**
 * The block structure of a Corefile plus what is needed to edit it in place.
 *
 * @internal
 */
export interface ParsedCorefile {
  entries: CorefileEntry[];
  /** Offsets at which each line starts (index 0 is line 1). */
  lineStarts: number[];
}

function syntaxError(line: number, message: string): InputError {
  return new InputError(`Corefile line ${line}: ${message}`);
}

/**
 * Splits a Corefile into tokens the way CoreDNS's Caddyfile lexer does:
 * whitespace separates tokens, `"` starts a quoted token (with `\"` escapes,
 * newlines allowed), and `#` outside quotes starts a comment that runs to
 * the end of the line.
 *
 * @internal
 */
export function tokenizeCorefile(text: string): CorefileToken[] {
  const tokens: CorefileToken[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '"') {
      const start = i;
      const startLine = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw syntaxError(startLine, 'quoted string is never closed');
        }
        const c = text[i];
        if (c === '\\' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          if (c === '\n') line++;
          value += c;
          i++;
        }
      }
      tokens.push({
        text: value,
        quoted: true,
        start,
        end: i,
        line: startLine,
      });
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]) && text[i] !== '#') i++;
      tokens.push({
        text: text.slice(start, i),
        quoted: false,
        start,
        end: i,
        line,
      });
    }
  }
  return tokens;
}

const isOpen = (t: CorefileToken) => !t.quoted && t.text === '{';
const isClose = (t: CorefileToken) => !t.quoted && t.text === '}';

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') starts.push(i + 1);
  }
  return starts;
}

/**
 * Parses the top-level structure of a Corefile: server blocks with their keys
 * and first-level directives, and top-level imports. Unbalanced braces,
 * a `{` without a server address and a Corefile whose only server block has
 * no braces are reported as an InputError naming the line.
 *
 * @internal
 */
export function parseCorefile(text: string): ParsedCorefile {
  const tokens = tokenizeCorefile(text);
  const lineStarts = computeLineStarts(text);
  const entries: CorefileEntry[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = tokens[i];
    if (isClose(first)) {
      throw syntaxError(first.line, `unexpected '}' with no open block`);
    }
    if (isOpen(first)) {
      throw syntaxError(first.line, `'{' without a server address before it`);
    }
    if (!first.quoted && first.text === 'import') {
      const args: string[] = [];
      i++;
      while (i < tokens.length && tokens[i].line === first.line) {
        args.push(tokens[i].text);
        i++;
      }
      entries.push({ kind: 'import', args, line: first.line });
      continue;
    }

    const keys: string[] = [];
    while (i < tokens.length && !isOpen(tokens[i])) {
      const t = tokens[i];
      if (isClose(t)) {
        throw syntaxError(t.line, `unexpected '}' after server address`);
      }
      const prev = i > 0 ? tokens[i - 1] : undefined;
      if (
        keys.length > 0 &&
        prev &&
        t.line !== prev.line &&
        !prev.text.endsWith(',')
      ) {
        throw syntaxError(
          prev.line,
          `expected '{' after server address ${JSON.stringify(
            keys.join(' '),
          )} (a Corefile whose server block has no braces cannot hold a second block; add braces around it)`,
        );
      }
      keys.push(...t.text.split(',').filter(k => k !== ''));
      i++;
    }
    if (i >= tokens.length) {
      throw syntaxError(
        first.line,
        `expected '{' after server address ${JSON.stringify(keys.join(' '))}`,
      );
    }
    const open = tokens[i];
    i++;

    const directives: CorefileDirective[] = [];
    let depth = 1;
    let current: CorefileDirective | undefined;
    while (depth > 0) {
      if (i >= tokens.length) {
        throw syntaxError(open.line, `'{' is never closed (missing '}')`);
      }
      const t = tokens[i];
      if (isOpen(t)) {
        depth++;
      } else if (isClose(t)) {
        depth--;
      } else if (depth === 1) {
        if (current && current.line === t.line) {
          current.args.push(t.text);
        } else {
          current = { name: t.text, args: [], line: t.line };
          directives.push(current);
        }
      }
      if (depth === 0) {
        entries.push({
          kind: 'block',
          keys,
          start: lineStarts[first.line - 1],
          end: t.end,
          line: first.line,
          endLine: t.line,
          directives,
        });
      }
      i++;
    }
  }
  return { entries, lineStarts };
}
