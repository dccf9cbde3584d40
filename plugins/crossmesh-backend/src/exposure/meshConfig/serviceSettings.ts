import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/**
 * What crossmesh wants of a mesh config's `serviceSettings` (multi-primary): `clusterLocal`
 * hosts (e.g. `*.svc.cluster.local`, so services stay in their cluster by default) and
 * `global` hosts (each approved exposure's `<svc>.<ns>.svc.cluster.local`). istiod gives a
 * host the setting of its most specific match, so a global host wins over the wildcard.
 *
 * @internal
 */
export interface DesiredServiceSettings {
  clusterLocal: string[];
  global: string[];
}

/**
 * What a multi-primary cluster keeps cluster-local unless an exposure says otherwise: every
 * Service (istiod gives a host the setting of its most specific match, so an exposure's
 * host wins over it).
 *
 * @internal
 */
export const CLUSTER_LOCAL_BY_DEFAULT = '*.svc.cluster.local';

/** A hand-written `serviceSettings` host, where it is and what it sets. @internal */
export interface HandWrittenHost {
  host: string;
  clusterLocal: boolean;
  /** 1-based line in the mesh config. */
  line: number;
}

/** @internal */
export interface ServiceSettingsEdit {
  text: string;
  changed: boolean;
  /** Hand-written hosts that already set what crossmesh wants, so it leaves them out of its own. */
  alreadyByHand: HandWrittenHost[];
}

/**
 * The mesh config cannot take crossmesh's entries as it is; `message` names the line and the
 * fix.
 *
 * @internal
 */
export class MeshConfigConflictError extends Error {
  override name = 'MeshConfigConflictError';
}

const BEGIN = '# crossmesh:begin';
const END = '# crossmesh:end';
const BEGIN_LINE = `${BEGIN} serviceSettings managed by crossmesh (Backstage); change exposures there, not here`;
const ADDED_KEY = 'serviceSettings: # added by crossmesh';
const KEY_LINE = /^serviceSettings:(.*)$/;

/**
 * Edits the text of a mesh config (the `mesh` key of ConfigMap `istio` or `istio-<revision>`)
 * so that its `serviceSettings` hold crossmesh's entries, between `# crossmesh:begin` and
 * `# crossmesh:end`, and every other byte stays as it was. A hand-written host that sets what
 * crossmesh wants is recognised and not repeated; one that sets the opposite is refused with
 * its line and the fix.
 *
 * @throws MeshConfigConflictError
 * @internal
 */
export function editServiceSettings(
  text: string,
  desired: DesiredServiceSettings,
): ServiceSettingsEdit {
  const lines = text.split('\n');
  const withoutBlock = removeBlock(lines);
  const handWritten = handWrittenHosts(text, withoutBlock.blockLines);
  const wanted = new Map<string, boolean>([
    ...desired.clusterLocal.map(h => [h, true] as const),
    ...desired.global.map(h => [h, false] as const),
  ]);
  const alreadyByHand: HandWrittenHost[] = [];
  for (const hand of handWritten) {
    const value = wanted.get(hand.host);
    if (value === undefined) continue;
    if (value !== hand.clusterLocal) {
      throw new MeshConfigConflictError(
        `The mesh config sets ${hand.host} clusterLocal: ${
          hand.clusterLocal
        } by hand on line ${hand.line}, and crossmesh must set it ${value} (${
          value
            ? 'services stay in their cluster unless an exposure is approved'
            : 'an exposure of it is approved'
        }); remove ${
          hand.host
        } from that entry, and crossmesh's entry takes its place`,
      );
    }
    alreadyByHand.push(hand);
  }
  const byHand = new Set(alreadyByHand.map(h => h.host));
  const entries = [
    { clusterLocal: true, hosts: desired.clusterLocal },
    { clusterLocal: false, hosts: desired.global },
  ]
    .map(e => ({
      ...e,
      hosts: [...new Set(e.hosts)].filter(h => !byHand.has(h)).sort(),
    }))
    .filter(e => e.hosts.length > 0);

  const edited = insertBlock(withoutBlock.lines, entries, withoutBlock.at).join(
    '\n',
  );
  checkResult(edited);
  return { text: edited, changed: edited !== text, alreadyByHand };
}

/**
 * The lines without crossmesh's block (and without the key line it added, when nothing else
 * is under it), and where the block was, so that a new one goes back in the same place.
 */
function removeBlock(lines: string[]): {
  lines: string[];
  at?: number;
  /** 1-based lines of the block, first and last. */
  blockLines?: [number, number];
} {
  const begin = lines.findIndex(l => l.trim().startsWith(BEGIN));
  if (begin < 0) return { lines };
  const end = lines.findIndex((l, i) => i > begin && l.trim() === END);
  if (end < 0) {
    throw new MeshConfigConflictError(
      `The mesh config has '${BEGIN}' on line ${
        begin + 1
      } but no '${END}' after it; restore the line '${END}' after crossmesh's entries, or remove crossmesh's entries and both markers`,
    );
  }
  const rest = [...lines.slice(0, begin), ...lines.slice(end + 1)];
  const key = begin - 1;
  if (rest[key] === ADDED_KEY && !isItemOrComment(rest[key + 1])) {
    rest.splice(key, 1);
    return { lines: rest, at: key, blockLines: [begin + 1, end + 1] };
  }
  return { lines: rest, at: begin, blockLines: [begin + 1, end + 1] };
}

function isItemOrComment(line: string | undefined): boolean {
  return line !== undefined && /^\s+(-|#)/.test(line);
}

function insertBlock(
  lines: string[],
  entries: Array<{ clusterLocal: boolean; hosts: string[] }>,
  at: number | undefined,
): string[] {
  if (entries.length === 0) return lines;
  const keyIndex = lines.findIndex(l => KEY_LINE.test(l));
  if (keyIndex < 0) {
    // No serviceSettings: added at the end, or where crossmesh's were before.
    const end =
      at ?? (lines[lines.length - 1] === '' ? lines.length - 1 : lines.length);
    return [
      ...lines.slice(0, end),
      ADDED_KEY,
      ...renderBlock(entries, '  '),
      ...lines.slice(end),
    ];
  }
  const after = KEY_LINE.exec(lines[keyIndex])![1]
    .replace(/\s+#.*$/, '')
    .trim();
  if (after === '[]' || after === '~' || after === 'null') {
    return [
      ...lines.slice(0, keyIndex),
      'serviceSettings:',
      ...renderBlock(entries, '  '),
      ...lines.slice(keyIndex + 1),
    ];
  }
  if (after !== '' && !after.startsWith('#')) {
    throw new MeshConfigConflictError(
      `serviceSettings on line ${
        keyIndex + 1
      } is written in one line (${after}); write it as a block list, one '- ' entry per line, so that crossmesh can add its entries beside yours`,
    );
  }
  const firstItem = lines
    .slice(keyIndex + 1)
    .find(l => l.trim() !== '' && !l.trim().startsWith('#'));
  const indent =
    firstItem && /^\s*-/.test(firstItem) ? /^(\s*)/.exec(firstItem)![1] : '  ';
  const where = at !== undefined && at > keyIndex ? at : keyIndex + 1;
  return [
    ...lines.slice(0, where),
    ...renderBlock(entries, indent),
    ...lines.slice(where),
  ];
}

function renderBlock(
  entries: Array<{ clusterLocal: boolean; hosts: string[] }>,
  indent: string,
): string[] {
  return [
    `${indent}${BEGIN_LINE}`,
    ...entries.flatMap(e => entryLines(e.clusterLocal, e.hosts, indent)),
    `${indent}${END}`,
  ];
}

function entryLines(
  clusterLocal: boolean,
  hosts: string[],
  indent: string,
): string[] {
  return [
    `${indent}- settings:`,
    `${indent}    clusterLocal: ${clusterLocal}`,
    `${indent}  hosts:`,
    ...hosts.map(h => `${indent}    - ${JSON.stringify(h)}`),
  ];
}

/**
 * One `serviceSettings` entry as crossmesh writes it in its block, unindented: what a preview
 * shows an approver.
 *
 * @internal
 */
export function serviceSettingsEntry(
  clusterLocal: boolean,
  hosts: string[],
): string {
  return `${entryLines(clusterLocal, hosts, '').join('\n')}\n`;
}

/** Every host of `serviceSettings` in `text` outside crossmesh's block, with its line and setting. */
function handWrittenHosts(
  text: string,
  blockLines: [number, number] | undefined,
): HandWrittenHost[] {
  const [first, last] = blockLines ?? [0, -1];
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length) {
    const error = document.errors[0];
    throw new MeshConfigConflictError(
      `The mesh config is not valid YAML (line ${
        lineCounter.linePos(error.pos[0]).line
      }: ${error.message.split('\n')[0]}); fix it, then ask again`,
    );
  }
  const settings = isMap(document.contents)
    ? document.contents.get('serviceSettings', true)
    : undefined;
  if (!isSeq(settings)) return [];
  return settings.items.flatMap(item => {
    if (!isMap(item)) return [];
    const clusterLocal = Boolean(
      (item.getIn(['settings', 'clusterLocal']) as boolean | undefined) ??
        false,
    );
    const hosts = item.get('hosts', true);
    if (!isSeq(hosts)) return [];
    return hosts.items
      .filter(isScalar)
      .map(h => ({
        host: String(h.value),
        clusterLocal,
        line: lineCounter.linePos(h.range?.[0] ?? 0).line,
      }))
      .filter(h => h.line < first || h.line > last);
  });
}

/** The edit must still be YAML whose serviceSettings a mesh config reader accepts. */
function checkResult(text: string): void {
  const document = parseDocument(text);
  if (document.errors.length) {
    throw new MeshConfigConflictError(
      `crossmesh's entries would make the mesh config invalid YAML (${
        document.errors[0].message.split('\n')[0]
      }); the mesh config is left as it is. Check the indentation of serviceSettings`,
    );
  }
}
