import { InputError } from '@backstage/errors';

/**
 * One token of a Corefile, with where it sits in the source text.
 *
 * @internal
 */
export interface CorefileToken {
  /** The token's value (quotes removed for quoted tokens, escapes as CoreDNS reads them). */
  text: string;
  /** True for `"quoted"` tokens. */
  quoted: boolean;
  /** True for a quoted token that the text ends inside. */
  unterminated?: boolean;
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

/** Go's unicode.IsSpace, which CoreDNS's lexer splits on (JavaScript's \s differs). */
function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c <= 0xff) {
    return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0;
  }
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Splits a Corefile into tokens exactly as CoreDNS's Caddyfile lexer
 * (github.com/coredns/caddy/caddyfile) does:
 *
 * - a leading byte order mark is dropped; Go's Unicode spaces separate tokens, and a
 *   carriage return outside quotes is dropped, even inside a word;
 * - `"` starts a quoted token only at the start of a word; inside it a backslash escapes
 *   the next character, and is dropped only before a quote (so `"a\\"` is `a\\`);
 *   newlines are allowed; a quoted token the text ends inside ends there;
 * - `#` outside quotes drops the rest of the line when it starts a word, and only the
 *   rest of the word when it comes inside one.
 *
 * @internal
 */
export function tokenizeCorefile(text: string): CorefileToken[] {
  const tokens: CorefileToken[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  // One call per token, like the lexer's next(): the comment state is its own.
  const next = (): CorefileToken | undefined => {
    let value = '';
    let comment = false;
    let quoted = false;
    let escaped = false;
    let start = i;
    let end = i;
    let tokenLine = line;
    const make = (unterminated = false): CorefileToken => ({
      text: value,
      quoted: text[start] === '"',
      ...(unterminated && { unterminated }),
      start,
      end,
      line: tokenLine,
    });
    for (;;) {
      if (i >= text.length) {
        return value.length > 0 ? make(quoted) : undefined;
      }
      const ch = text[i++];
      if (quoted) {
        end = i;
        if (!escaped) {
          if (ch === '\\') {
            escaped = true;
            continue;
          }
          if (ch === '"') return make();
        }
        if (ch === '\n') line++;
        if (escaped && ch !== '"') value += '\\';
        value += ch;
        escaped = false;
        continue;
      }
      if (isSpace(ch)) {
        if (ch === '\r') continue;
        if (ch === '\n') {
          line++;
          comment = false;
        }
        if (value.length > 0) return make();
        continue;
      }
      if (ch === '#') comment = true;
      if (comment) continue;
      if (value.length === 0) {
        start = i - 1;
        tokenLine = line;
        if (ch === '"') {
          quoted = true;
          end = i;
          continue;
        }
      }
      value += ch;
      end = i;
    }
  };

  for (let token = next(); token; token = next()) tokens.push(token);
  return tokens;
}

// CoreDNS's parser tells braces by their text alone, quoted or not.
const isOpen = (t: CorefileToken) => t.text === '{';
const isClose = (t: CorefileToken) => t.text === '}';

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
  const last = tokens[tokens.length - 1];
  if (last?.unterminated) {
    // CoreDNS reads it to the end of the file, and so finds no closing brace or block.
    throw syntaxError(last.line, 'quoted string is never closed');
  }
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
    if (first.text === 'import') {
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
