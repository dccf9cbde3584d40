import { ConflictError, InputError } from '@backstage/errors';
import { parseForwardAddress, parseUpstream } from './forwardAddress';

/** The stub domain crossmesh owns in kube-dns's ConfigMap. */
const GLOBAL = 'global';

/**
 * What `ensureGlobalStubDomain` did.
 *
 * @internal
 */
export type StubDomainAction = 'added' | 'updated' | 'unchanged';

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
 * JSON has no room for an ownership mark, so a `global` entry pointing
 * elsewhere is only replaced when it points to `options.previousIp` (the
 * address crossmesh wrote before, from its own records); otherwise it is a
 * ConflictError. Invalid stubDomains JSON is an InputError.
 *
 * @internal
 */
export function ensureGlobalStubDomain(
  kubeDnsConfigMapData: Record<string, string> | undefined,
  ip: string,
  options: { previousIp?: string } = {},
): {
  data: Record<string, string>;
  changed: boolean;
  action: StubDomainAction;
} {
  const address = parseForwardAddress(ip);
  const data = { ...kubeDnsConfigMapData };
  const entry = JSON.stringify([address]);
  const current = data.stubDomains;
  if (current === undefined) {
    data.stubDomains = `{${JSON.stringify(GLOBAL)}: ${entry}}`;
    return { data, changed: true, action: 'added' };
  }

  const layout = layoutOf(current);
  const existing = layout.members.find(m => m.key === GLOBAL);
  if (!existing) {
    const last = layout.members[layout.members.length - 1];
    data.stubDomains = last
      ? `${current.slice(
          0,
          last.valueEnd,
        )}, "${GLOBAL}": ${entry}${current.slice(last.valueEnd)}`
      : `${current.slice(0, layout.open)}"${GLOBAL}": ${entry}${current.slice(
          layout.open,
        )}`;
    return { data, changed: true, action: 'added' };
  }

  const servers = serversOf(current, existing);
  if (pointsOnlyTo(servers, address)) {
    return { data, changed: false, action: 'unchanged' };
  }
  const previous =
    options.previousIp === undefined
      ? undefined
      : parseForwardAddress(options.previousIp);
  if (previous === undefined || !pointsOnlyTo(servers, previous)) {
    throw new ConflictError(
      `kube-dns ConfigMap kube-system/kube-dns already has stub domain "global" -> ${JSON.stringify(
        servers,
      )}, which crossmesh did not write; istiocoredns is at ${address}. ` +
        `Change it to "global": ["${address}"] or remove it from stubDomains and let crossmesh add it.`,
    );
  }
  data.stubDomains =
    current.slice(0, existing.valueStart) +
    entry +
    current.slice(existing.valueEnd);
  return { data, changed: true, action: 'updated' };
}

/**
 * Removes the `global` stub domain if it points to `ip` (what crossmesh
 * wrote), splicing it out of the JSON text so that ensure-then-remove gives
 * back the original bytes; a `stubDomains` key crossmesh created is deleted
 * again. A `global` entry pointing elsewhere is left alone and reported in
 * `skipped`.
 *
 * @internal
 */
export function removeGlobalStubDomain(
  kubeDnsConfigMapData: Record<string, string> | undefined,
  ip: string,
): { data: Record<string, string>; changed: boolean; skipped?: string } {
  const address = parseForwardAddress(ip);
  const data = { ...kubeDnsConfigMapData };
  const current = data.stubDomains;
  if (current === undefined) return { data, changed: false };

  const layout = layoutOf(current);
  const index = layout.members.findIndex(m => m.key === GLOBAL);
  if (index < 0) return { data, changed: false };
  const member = layout.members[index];
  const servers = serversOf(current, member);
  if (!pointsOnlyTo(servers, address)) {
    return {
      data,
      changed: false,
      skipped: `stub domain "global" points to ${JSON.stringify(
        servers,
      )}, not to ${address}; left as it is`,
    };
  }

  if (layout.members.length === 1) {
    const rest =
      current.slice(0, member.keyStart) + current.slice(member.valueEnd);
    if (rest === '{}') delete data.stubDomains;
    else data.stubDomains = rest;
  } else if (index > 0) {
    const before = layout.members[index - 1];
    data.stubDomains =
      current.slice(0, before.valueEnd) + current.slice(member.valueEnd);
  } else {
    const after = layout.members[1];
    data.stubDomains =
      current.slice(0, member.keyStart) + current.slice(after.keyStart);
  }
  return { data, changed: true };
}
