/**
 * A bounded load from inside a node: GET <url> at <rate> requests per second, each on a new
 * connection (as curl would), for at most <maxSeconds>, or until SIGTERM/SIGINT; then it waits
 * for the requests in flight (each has a 10 s timeout) and exits. One JSON line per request goes
 * to <out>: when it started, how long it took (ms, to the microsecond), the status or the error,
 * and the answer's JSON.
 * Runs alone under Node (type stripping): node load.ts <url> <rate> <maxSeconds> <out>
 */
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, rate, maxSeconds, out] = process.argv.slice(2);
const intervalMs = 1000 / Number(rate);
const started = Date.now();
let sent = 0;
let inFlight = 0;
let stopping = false;

function record(entry: object) {
  fs.appendFileSync(out, `${JSON.stringify(entry)}\n`);
}

function send(index: number) {
  const at = Date.now();
  const startedAt = performance.now();
  inFlight += 1;
  const done = (entry: object) => {
    inFlight -= 1;
    const ms = Math.round((performance.now() - startedAt) * 1000) / 1000;
    record({ index, at, ms, ...entry });
  };
  const request = http.get(url, { agent: false, timeout: 10_000 }, response => {
    const chunks: Buffer[] = [];
    response.on('data', chunk => chunks.push(chunk));
    response.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let answer: unknown = null;
      try {
        answer = JSON.parse(body);
      } catch {
        answer = body.slice(0, 300);
      }
      done({
        status: response.statusCode,
        answer,
        upstream: response.headers['x-envoy-upstream-service-time'] ?? null,
      });
    });
    response.on('error', error =>
      done({ error: `response: ${error.message}` }),
    );
  });
  request.on('timeout', () =>
    request.destroy(new Error('timed out after 10 s')),
  );
  request.on('error', error =>
    done({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
  );
}

function stop() {
  stopping = true;
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

function tick() {
  const due = Math.floor((Date.now() - started) / intervalMs) + 1;
  while (!stopping && sent < due) send(sent++);
  if (Date.now() - started >= Number(maxSeconds) * 1000) stopping = true;
  if (!stopping) {
    setTimeout(tick, Math.max(1, started + sent * intervalMs - Date.now()));
    return;
  }
  const finish = () => {
    if (inFlight > 0) {
      setTimeout(finish, 50);
      return;
    }
    record({ done: true, sent, seconds: (Date.now() - started) / 1000 });
    process.exit(0);
  };
  finish();
}
tick();
