import { ConflictError } from '@backstage/errors';
import { parseCorefile, ParsedCorefile } from './corefileSyntax';
import {
  formatUpstream,
  parseForwardAddress,
  parseUpstream,
} from './forwardAddress';

/**
 * The comment line crossmesh writes directly above its own `global:53`
 * block. Finding, updating and removing the block all key on it.
 *
 * @internal
 */
export const CROSSMESH_BLOCK_MARKER =
  '# managed by crossmesh: .global forwarding to istiocoredns (crossmesh rewrites and removes this block)';

// Matching is on this prefix, so a reworded marker still finds old blocks.
const MARKER_PREFIX = '# managed by crossmesh: .global forwarding';

/**
 * What `ensureGlobalServerBlock` did.
 *
 * - `added`: there was no `.global` block; crossmesh's block was appended.
 * - `updated`: crossmesh's block was there and was rewritten (new address).
 * - `unchanged`: crossmesh's block was there and already right.
 * - `adopted`: a `global:53` block crossmesh did not write already forwards
 *   to the right address; it is left as it is and crossmesh does not add its
 *   own (CoreDNS refuses two blocks for one zone). crossmesh never removes
 *   such a block.
 *
 * @internal
 */
export type GlobalServerBlockAction =
  | 'added'
  | 'updated'
  | 'unchanged'
  | 'adopted';

/**
 * A `global` server block found in a Corefile.
 *
 * @internal
 */
export interface GlobalServerBlockInfo {
  /** True when crossmesh wrote it (marker comment above it). */
  managed: boolean;
  /** 1-based line of its server address. */
  line: number;
  keys: string[];
  /** The upstreams of its `forward` directive(s), as written. */
  forwardTo: string[];
  /** Its `proxy` directives (the plugin `forward` replaced), as written. */
  proxy?: Array<{ line: number; text: string }>;
}

function isGlobalKey(key: string): boolean {
  const k = key
    .toLowerCase()
    .replace(/^dns:\/\//, '')
    .replace(/:53$/, '')
    .replace(/^\./, '')
    .replace(/\.$/, '');
  return k === 'global';
}

function detectEol(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

function lineText(text: string, parsed: ParsedCorefile, line: number): string {
  const start = parsed.lineStarts[line - 1];
  const next = parsed.lineStarts[line];
  return text.slice(start, next === undefined ? text.length : next);
}

interface LocatedBlock extends GlobalServerBlockInfo {
  /** Span to replace or delete: marker line (if any) through the `}`. */
  start: number;
  end: number;
}

function locateGlobalBlocks(text: string): LocatedBlock[] {
  const parsed = parseCorefile(text);
  const found: LocatedBlock[] = [];
  for (const entry of parsed.entries) {
    if (entry.kind !== 'block' || !entry.keys.some(isGlobalKey)) {
      continue;
    }
    const above =
      entry.line > 1 ? lineText(text, parsed, entry.line - 1).trim() : '';
    const managed = above.startsWith(MARKER_PREFIX);
    const proxy = entry.directives
      .filter(d => d.name === 'proxy')
      .map(d => ({ line: d.line, text: [d.name, ...d.args].join(' ') }));
    found.push({
      managed,
      line: entry.line,
      keys: entry.keys,
      forwardTo: entry.directives
        .filter(d => d.name === 'forward')
        .flatMap(d => d.args.slice(1).filter(a => a !== '{')),
      ...(proxy.length > 0 && { proxy }),
      start: managed ? parsed.lineStarts[entry.line - 2] : entry.start,
      end: entry.end,
    });
  }
  return found;
}

/**
 * Lists the `global` server blocks of a Corefile (crossmesh's and
 * hand-written ones), for display and drift checks.
 *
 * @internal
 */
export function findGlobalServerBlocks(
  corefile: string,
): GlobalServerBlockInfo[] {
  return locateGlobalBlocks(corefile).map(
    ({ start: _s, end: _e, ...info }) => info,
  );
}

/**
 * The text of crossmesh's `.global` server block (no trailing line break).
 *
 * @internal
 */
export function renderGlobalServerBlock(forwardTo: string, eol = '\n'): string {
  const ip = parseForwardAddress(forwardTo);
  return [
    CROSSMESH_BLOCK_MARKER,
    'global:53 {',
    '    errors',
    '    cache 30',
    `    forward . ${formatUpstream(ip)}`,
    '}',
  ].join(eol);
}

function forwardsOnlyTo(block: GlobalServerBlockInfo, ip: string): boolean {
  if (block.forwardTo.length !== 1 || block.proxy) return false;
  const upstream = parseUpstream(block.forwardTo[0]);
  return upstream?.ip === ip && upstream.port === 53;
}

/**
 * Why a `global` block crossmesh did not write keeps it from wiring `.global` names to
 * istiocoredns at `ip`, and how to fix that; undefined when it already forwards there.
 *
 * @internal
 */
export function handWrittenBlockProblem(
  block: GlobalServerBlockInfo,
  ip: string,
  where = 'Corefile',
): string | undefined {
  if (forwardsOnlyTo(block, ip)) return undefined;
  const target = formatUpstream(ip);
  const found = `${where} already has a server block for ${block.keys.join(
    ' ',
  )} at line ${block.line} that crossmesh did not write`;
  const own = `delete the block and let crossmesh add its own (marked "${MARKER_PREFIX}")`;
  if (block.proxy) {
    const [first] = block.proxy;
    return (
      `${found}; its line ${first.line} is "${first.text}", and the proxy plugin was removed in CoreDNS 1.5.0, ` +
      `so current CoreDNS refuses the whole Corefile. Replace that line with "forward . ${target}" (istiocoredns), or ${own}.`
    );
  }
  const forwards =
    block.forwardTo.length > 0
      ? `forwards to ${block.forwardTo.join(' ')}`
      : 'has no forward directive';
  return (
    `${found}; it ${forwards}, not to istiocoredns at ${target}. ` +
    `Either change its forward line to "forward . ${target}", or ${own}.`
  );
}

// Removes text[start, end) together with the separator that
// ensureGlobalServerBlock put around it, so that add-then-remove gives back
// the original bytes.
function cutBlock(
  text: string,
  start: number,
  end: number,
  eol: string,
): string {
  let s = start;
  let e = end;
  if (text.startsWith(eol, e)) {
    e += eol.length;
    if (text.slice(0, s).endsWith(eol + eol)) s -= eol.length;
  } else if (e >= text.length) {
    if (text.slice(0, s).endsWith(eol + eol)) s -= 2 * eol.length;
    else if (text.slice(0, s).endsWith(eol)) s -= eol.length;
  }
  return text.slice(0, s) + text.slice(e);
}

/**
 * Makes a Corefile forward `*.global` to `forwardTo` (the istiocoredns
 * ClusterIP) through a server block crossmesh marks as its own, touching no
 * other byte of the Corefile.
 *
 * The block is appended after one blank line; an existing crossmesh block is
 * rewritten in place. A hand-written `global` block that already forwards
 * only to `forwardTo` is adopted (left alone). Any other hand-written
 * `global` block is a ConflictError: crossmesh does not overwrite DNS
 * settings it did not write. A non-IP `forwardTo` is an InputError, as is a
 * Corefile with unbalanced braces (the message names the line).
 *
 * @internal
 */
export function ensureGlobalServerBlock(
  corefile: string,
  forwardTo: string,
): { corefile: string; changed: boolean; action: GlobalServerBlockAction } {
  const ip = parseForwardAddress(forwardTo);
  const eol = detectEol(corefile);
  const blocks = locateGlobalBlocks(corefile);
  const handWritten = blocks.filter(b => !b.managed);
  const managed = blocks.filter(b => b.managed);

  for (const block of handWritten) {
    const problem = handWrittenBlockProblem(block, ip);
    if (problem) throw new ConflictError(problem);
  }

  let text = corefile;
  if (handWritten.length > 0) {
    // CoreDNS refuses two blocks for one zone, so a crossmesh block next to
    // an adopted one has to go.
    for (const block of [...managed].reverse()) {
      text = cutBlock(text, block.start, block.end, eol);
    }
    return { corefile: text, changed: text !== corefile, action: 'adopted' };
  }

  const rendered = renderGlobalServerBlock(ip, eol);
  if (managed.length === 0) {
    if (text === '') {
      text = rendered + eol;
    } else if (text.endsWith(eol)) {
      text = text + eol + rendered + eol;
    } else {
      text = text + eol + eol + rendered;
    }
    return { corefile: text, changed: true, action: 'added' };
  }

  for (const extra of managed.slice(1).reverse()) {
    text = cutBlock(text, extra.start, extra.end, eol);
  }
  const [first] = managed;
  text = text.slice(0, first.start) + rendered + text.slice(first.end);
  const changed = text !== corefile;
  return { corefile: text, changed, action: changed ? 'updated' : 'unchanged' };
}

/**
 * Removes crossmesh's `.global` server block(s) and the blank line
 * `ensureGlobalServerBlock` put before it, so that ensure-then-remove gives
 * back the original bytes. Hand-written `global` blocks are left alone.
 *
 * @internal
 */
export function removeGlobalServerBlock(corefile: string): {
  corefile: string;
  changed: boolean;
} {
  const eol = detectEol(corefile);
  let text = corefile;
  const managed = locateGlobalBlocks(corefile).filter(b => b.managed);
  for (const block of [...managed].reverse()) {
    text = cutBlock(text, block.start, block.end, eol);
  }
  return { corefile: text, changed: text !== corefile };
}
