import http from 'node:http';

/**
 * One JSON POST over loopback HTTP; resolves with the status and the parsed answer (undefined
 * when empty) for any status, rejects only when there is no answer. node:http with a
 * connection of its own: Backstage's jest setup replaces fetch and the global agents.
 */
export function postJson(
  url: string,
  body: unknown,
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({
              status: response.statusCode ?? 0,
              body: text ? JSON.parse(text) : undefined,
            });
          } catch {
            resolve({ status: response.statusCode ?? 0, body: text });
          }
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`${url} did not answer in ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(payload);
  });
}
