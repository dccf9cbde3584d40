import { ConflictError, InputError } from '@backstage/errors';
import { parseForwardAddress, parseUpstream } from './forwardAddress';

/** The stub domain crossmesh owns in kube-dns's ConfigMap. */
const GLOBAL = 'global';

/**
 * What `ensureGlobalStubDomain` did. `adopted`: a `global` entry crossmesh did not write
 * already points to istiocoredns; crossmesh leaves it, and never removes it.
 *
 * @internal
 */
export type StubDomainAction = 'added' | 'updated' | 'unchanged' | 'adopted';

/**
 * What crossmesh keeps about the `global` entry it wrote (JSON has no room for a mark), so
 * that removing it gives back what was there: the `stubDomains` text before the entry
 * (null when there was no such key) and the text crossmesh left.
 *
 * @internal
 */
export interface StubDomainRecord {
  original: string | null;
  written: string;
}

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

interface ObjectLayout {
  /** Offset just past the opening `{`. */
  open: number;
  members: Member[];
}

function invalid(detail: string): InputError {
  return new InputError(
    `kube-dns ConfigMap key "stubDomains" is not valid JSON: ${detail}. ` +
      `Expected an object of domain to nameserver list, e.g. {"acme.local": ["1.2.3.4"]}; fix or remove the key in ConfigMap kube-system/kube-dns.`,
  );
}

// Finds where each top-level member of the JSON object sits, so that edits
// can splice the original text rather than re-serialise it.
function layoutOf(json: string): ObjectLayout {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('it is not a JSON object');
  }
  for (const [domain, servers] of Object.entries(value)) {
    if (!Array.isArray(servers) || !servers.every(s => typeof s === 'string')) {
      throw invalid(
        `the value of ${JSON.stringify(domain)} is not a list of strings`,
      );
    }
  }

  let i = 0;
  const ws = () => {
    while (i < json.length && /\s/.test(json[i])) i++;
  };
  const skipString = () => {
    i++;
    while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = () => {
    let depth = 0;
    do {
      const c = json[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
      i++;
    } while (depth > 0 || !/[,}\s]/.test(json[i] ?? '}'));
  };

  ws();
  i++; // '{'
  const open = i;
  const members: Member[] = [];
  for (;;) {
    ws();
    if (json[i] === '}') break;
    if (json[i] === ',') {
      i++;
      ws();
    }
    const keyStart = i;
    skipString();
    const key = JSON.parse(json.slice(keyStart, i)) as string;
    ws();
    i++; // ':'
    ws();
    const valueStart = i;
    skipValue();
    members.push({ key, keyStart, valueStart, valueEnd: i });
  }
  return { open, members };
}

function serversOf(json: string, member: Member): string[] {
  return JSON.parse(json.slice(member.valueStart, member.valueEnd));
}

function pointsOnlyTo(servers: string[], ip: string): boolean {
  if (servers.length !== 1) return false;
  const upstream = parseUpstream(servers[0]);
  return upstream?.ip === ip && upstream.port === 53;
}

/**
 * Makes kube-dns forward `*.global` to `ip` through
 * `stubDomains: {"global": ["<ip>"]}` in ConfigMap kube-system/kube-dns.
 * Other stub domains, the JSON's own formatting and the ConfigMap's other
 * keys stay exactly as they were.
 *
 * `record` is what crossmesh kept when it wrote the entry (none: it did not). The result's
 * `record` is what to keep now: none when the entry is someone else's. A `global` entry
 * crossmesh did not write is adopted when it already points to `ip` and is otherwise a
 * ConflictError; crossmesh's own is moved to a new `ip`. Invalid stubDomains JSON is an
 * InputError.
 *
 * @internal
 */
export function ensureGlobalStubDomain(
  kubeDnsConfigMapData: Record<string, string> | undefined,
  ip: string,
  record?: StubDomainRecord,
): {
  data: Record<string, string>;
  changed: boolean;
  action: StubDomainAction;
  record?: StubDomainRecord;
} {
  const address = parseForwardAddress(ip);
  const data = { ...kubeDnsConfigMapData };
  const entry = JSON.stringify([address]);
  const current = data.stubDomains;
  // A new entry keeps what was there before it; a moved one keeps its first record.
  const wrote = (
    text: string,
    action: StubDomainAction,
    original: string | null = current ?? null,
  ) => {
    data.stubDomains = text;
    return {
      data,
      changed: text !== current,
      action,
      record: { original, written: text },
    };
  };
  if (current === undefined) {
    return wrote(`{${JSON.stringify(GLOBAL)}: ${entry}}`, 'added');
  }

  const layout = layoutOf(current);
  const existing = layout.members.find(m => m.key === GLOBAL);
  if (!existing) {
    const last = layout.members[layout.members.length - 1];
    return wrote(
      last
        ? `${current.slice(
            0,
            last.valueEnd,
          )}, "${GLOBAL}": ${entry}${current.slice(last.valueEnd)}`
        : `${current.slice(0, layout.open)}"${GLOBAL}": ${entry}${current.slice(
            layout.open,
          )}`,
      'added',
    );
  }

  const servers = serversOf(current, existing);
  const ours = record !== undefined && isOurEntry(current, existing, record);
  if (pointsOnlyTo(servers, address)) {
    return ours
      ? { data, changed: false, action: 'unchanged', record }
      : { data, changed: false, action: 'adopted' };
  }
  if (!ours) {
    throw new ConflictError(
      `kube-dns ConfigMap kube-system/kube-dns already has stub domain "global" -> ${JSON.stringify(
        servers,
      )}, which crossmesh did not write; istiocoredns is at ${address}. ` +
        `Change it to "global": ["${address}"] or remove it from stubDomains and let crossmesh add it.`,
    );
  }
  return wrote(
    current.slice(0, existing.valueStart) +
      entry +
      current.slice(existing.valueEnd),
    'updated',
    record.original,
  );
}

/** Whether the `global` entry is still the one crossmesh wrote, as its record says. */
function isOurEntry(
  current: string,
  member: Member,
  record: StubDomainRecord,
): boolean {
  const written = layoutOf(record.written).members.find(m => m.key === GLOBAL);
  return (
    written !== undefined &&
    JSON.stringify(serversOf(record.written, written)) ===
      JSON.stringify(serversOf(current, member))
  );
}

/**
 * Removes the `global` stub domain crossmesh wrote, as `record` says: when nobody changed
 * `stubDomains` since, its text goes back to exactly what it was (the key goes when there
 * was none); otherwise only crossmesh's entry is spliced out. Without a record, or when the
 * entry is no longer what crossmesh wrote, nothing changes and `skipped` says why.
 *
 * @internal
 */
export function removeGlobalStubDomain(
  kubeDnsConfigMapData: Record<string, string> | undefined,
  record?: StubDomainRecord,
): { data: Record<string, string>; changed: boolean; skipped?: string } {
  const data = { ...kubeDnsConfigMapData };
  const current = data.stubDomains;
  if (current === undefined) return { data, changed: false };
  const layout = layoutOf(current);
  const index = layout.members.findIndex(m => m.key === GLOBAL);
  if (index < 0) return { data, changed: false };
  const member = layout.members[index];
  if (!record || !isOurEntry(current, member, record)) {
    return {
      data,
      changed: false,
      skipped: `stub domain "global" (${JSON.stringify(
        serversOf(current, member),
      )}) is not one crossmesh wrote${
        record ? ' any more' : ' (it has no record of writing it)'
      }; left as it is`,
    };
  }

  let rest: string;
  if (current === record.written) {
    rest = record.original ?? '';
  } else if (layout.members.length === 1) {
    rest = current.slice(0, member.keyStart) + current.slice(member.valueEnd);
  } else if (index > 0) {
    const before = layout.members[index - 1];
    rest = current.slice(0, before.valueEnd) + current.slice(member.valueEnd);
  } else {
    const after = layout.members[1];
    rest = current.slice(0, member.keyStart) + current.slice(after.keyStart);
  }
  if (record.original === null && layoutOf(rest || '{}').members.length === 0) {
    delete data.stubDomains;
  } else {
    data.stubDomains = rest;
  }
  return { data, changed: true };
}
