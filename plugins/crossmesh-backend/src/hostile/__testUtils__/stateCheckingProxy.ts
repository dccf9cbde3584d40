import http from 'node:http';
import { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { ClusterWrite } from './clusterWriteLog';

/** A refused request (status 400 and up) that changed the state anyway. */
export interface StateViolation {
  request: string;
  status: number;
  response: string;
  /** What changed: database tables and cluster writes. */
  changed: string[];
}

interface Exchange {
  request: string;
  status: number;
  response: string;
  startedAtMs: number;
  endedAtMs: number;
}

function changedTables(
  before: Record<string, string[]>,
  after: Record<string, string[]>,
): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables]
    .filter(t => !isDeepStrictEqual(before[t], after[t]))
    .map(t => `database table ${t}`);
}

function withoutHopByHop(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!/^(connection|transfer-encoding|keep-alive)$/i.test(raw[i])) {
      out.push(raw[i], raw[i + 1]);
    }
  }
  return out;
}

/**
 * An HTTP proxy in front of the backend that passes one request at a time. Around each request
 * it compares the database (every table crossmesh keeps) and collects the backend's successful
 * writes from the clusters' audit logs. A request the backend refuses (status 400 and up) must
 * leave the database as it found it and must not have written to any cluster; accepted requests
 * may change both. Checking each request, rather than the whole run once, is needed because a
 * fuzzer's negative mode also sends some valid requests, whose changes are legitimate.
 */
export async function startStateCheckingProxy(options: {
  target: string;
  snapshotDatabase: () => Promise<Record<string, string[]>>;
  readClusterWrites: () => ClusterWrite[];
}) {
  const target = new URL(options.target);
  const stats = { requests: 0, refused: 0, accepted: 0, clusterWrites: 0 };
  const violations: StateViolation[] = [];
  const exchanges: Exchange[] = [];
  let database = await options.snapshotDatabase();
  let queue: Promise<void> = Promise.resolve();

  /** Each write belongs to the request during which the apiserver received it. */
  function attributeClusterWrites() {
    for (const write of options.readClusterWrites()) {
      stats.clusterWrites += 1;
      const during = exchanges.find(
        e =>
          e.startedAtMs <= write.receivedAtMs &&
          write.receivedAtMs <= e.endedAtMs,
      );
      if (!during) {
        violations.push({
          request: '(none: no request was in flight)',
          status: 0,
          response: '',
          changed: [`cluster ${write.cluster}: ${write.what}`],
        });
      } else if (during.status >= 400) {
        violations.push({
          ...during,
          changed: [`cluster ${write.cluster}: ${write.what}`],
        });
      }
    }
  }

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: string[]; body: Buffer }>(
      (resolve, reject) => {
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.rawHeaders,
            agent: false,
          },
          response => {
            const chunks: Buffer[] = [];
            response.on('data', chunk => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.rawHeaders,
                body: Buffer.concat(chunks),
              }),
            );
            response.on('error', reject);
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
  ) => {
    stats.requests += 1;
    const startedAtMs = Date.now();
    const answer = await forward(req, body);
    const exchange: Exchange = {
      request: `${req.method} ${req.url} ${body
        .toString('utf8')
        .slice(0, 300)}`,
      status: answer.status,
      response: answer.body.toString('utf8').slice(0, 300),
      startedAtMs,
      endedAtMs: Date.now(),
    };
    exchanges.push(exchange);
    const after = await options.snapshotDatabase();
    if (answer.status >= 400) {
      stats.refused += 1;
      const changed = changedTables(database, after);
      if (changed.length) violations.push({ ...exchange, changed });
    } else {
      stats.accepted += 1;
    }
    database = after;
    attributeClusterWrites();
    res.writeHead(answer.status, withoutHopByHop(answer.headers));
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      queue = queue.then(() =>
        handle(req, res, Buffer.concat(chunks)).catch(error => {
          res.writeHead(502).end(`proxy: ${(error as Error).message}`);
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** The backend's base URL through the proxy. */
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    stats,
    violations,
    /** Stops, after giving audit events of the last request time to reach the logs. */
    stop: async () => {
      await queue;
      await new Promise(resolve => setTimeout(resolve, 500));
      attributeClusterWrites();
      await new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
