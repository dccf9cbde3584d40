import type express from 'express';

/** What a cluster is called and where its API server is, from the Kubernetes plugin's config. */
interface ClusterAddress {
  name: string;
  url: string;
}

/** Kubernetes names a service account `system:serviceaccount:<namespace>:<name>`. */
const SERVICE_ACCOUNT = /system:serviceaccount:[a-z0-9.-]+:[a-z0-9.-]+/g;
/** The subject of the API server's Forbidden messages: `User "<name>" cannot ...`. */
const FORBIDDEN_USER = /User "[^"]*" cannot/g;

function isIpAddress(hostname: string): boolean {
  return /^[\d.]+$|^\[?[0-9a-f:]+\]?$/i.test(hostname);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function someString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some(v => someString(v, test));
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      if (someString(v, test)) return true;
    }
  }
  return false;
}

/**
 * Replaces, in every string of a JSON value, the clusters' API server addresses and the
 * identity crossmesh signs in with, so that readers without the right to see them get the
 * same shapes without them.
 *
 * @internal
 */
export function clusterDetailsRedactor(clusters: ClusterAddress[]) {
  const replacements: Array<[string, string]> = clusters.flatMap(cluster => {
    const label = `<API server of ${cluster.name}>`;
    let parsed: URL | undefined;
    try {
      parsed = new URL(cluster.url);
    } catch {
      return [[cluster.url, label] as [string, string]];
    }
    const forms: Array<[string, string]> = [
      [cluster.url.replace(/\/+$/, ''), label],
      [parsed.host, label],
    ];
    if (!isIpAddress(parsed.hostname)) forms.push([parsed.hostname, label]);
    return forms;
  });
  // Longest first, so that a URL is replaced whole before its host is.
  replacements.sort((a, b) => b[0].length - a[0].length);

  const redactText = (text: string): string => {
    let out = text;
    for (const [find, replace] of replacements) {
      if (find) out = out.split(find).join(replace);
    }
    return out
      .replace(SERVICE_ACCOUNT, "<crossmesh's service account>")
      .replace(FORBIDDEN_USER, `User "<crossmesh's identity>" cannot`);
  };

  const mapStrings = (value: unknown, map: (s: string) => string): unknown => {
    if (typeof value === 'string') return map(value);
    if (Array.isArray(value)) return value.map(v => mapStrings(v, map));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]),
      );
    }
    return value;
  };

  // One test per string, without copying the value: most answers mention nothing.
  const anything = new RegExp(
    [
      ...replacements.filter(([find]) => find).map(([find]) => escape(find)),
      SERVICE_ACCOUNT.source,
      FORBIDDEN_USER.source,
    ].join('|'),
  );

  return {
    /** Whether `value` holds anything to redact. */
    mentions: (value: unknown): boolean =>
      someString(value, s => anything.test(s)),
    redact: (value: unknown): unknown => mapStrings(value, redactText),
  };
}

/**
 * Express middleware: every JSON answer of the router, errors included, goes out redacted
 * unless `mayRead` says the caller may see cluster details. The check runs only for answers
 * that hold such details.
 *
 * @internal
 */
export function redactClusterDetails(
  redactor: ReturnType<typeof clusterDetailsRedactor>,
  mayRead: (req: express.Request) => Promise<boolean>,
): express.RequestHandler {
  return (req, res, next) => {
    const send = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (!redactor.mentions(body)) {
        return send(body);
      }
      mayRead(req)
        .catch(() => false)
        .then(allowed => send(allowed ? body : redactor.redact(body)));
      return res;
    };
    next();
  };
}
