import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestCluster } from '../types';
import { BedPool, PoolCounts } from './BedPool';

/** What a lease answers: the bed's clusters (all of them; the client keeps those it asked for). */
export interface LeaseAnswer {
  id: string;
  clusters: TestCluster[];
  stateDir: string;
  etcdUrl: string;
}

export interface BedBroker {
  /** `http://127.0.0.1:<port>`, for `CROSSMESH_BED_POOL`. */
  url: string;
  counts: PoolCounts;
  close(): Promise<void>;
}

function readJson(request: http.IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', chunk => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

/**
 * Serves a {@link BedPool} on loopback to the test processes of one run: `POST /lease`
 * with `startTestBed` options answers a {@link LeaseAnswer}, `POST /release` with `{ id }`
 * puts the bed back, `POST /cluster` with `{ id, name, running: 'start' | 'stop' | 'kill' }`
 * stops or starts one of its clusters.
 */
export async function startBedBroker(options: {
  maxIdle: number;
  log?: (line: string) => void;
}): Promise<BedBroker> {
  const pool = new BedPool(options);
  const server = http.createServer(async (request, response) => {
    const answer = (status: number, body?: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    try {
      const body = await readJson(request);
      if (request.method === 'POST' && request.url === '/lease') {
        const { id, bed } = await pool.lease(body);
        const lease: LeaseAnswer = {
          id,
          clusters: bed.clusters,
          stateDir: bed.stateDir,
          etcdUrl: bed.etcdUrl,
        };
        answer(200, lease);
      } else if (request.method === 'POST' && request.url === '/release') {
        await pool.release(body.id);
        answer(204);
      } else if (request.method === 'POST' && request.url === '/cluster') {
        await pool.setClusterRunning(body.id, body.name, body.running);
        answer(204);
      } else {
        answer(404, { error: `No ${request.method} ${request.url} here.` });
      }
    } catch (error) {
      answer(500, { error: String(error) });
    }
  });
  // A lease may wait for a bed to start.
  server.requestTimeout = 0;
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: pool.counts,
    async close() {
      await new Promise(resolve => server.close(resolve));
      await pool.close();
    },
  };
}
