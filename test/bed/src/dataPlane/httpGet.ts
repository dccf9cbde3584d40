import http from 'node:http';

/**
 * One plain HTTP GET on its own connection (Backstage's jest setup swaps the global agents
 * for ones that refuse); resolves with status 0 when nothing answers.
 */
export function httpGet(
  url: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string }> {
  return new Promise(resolve => {
    const request = http.get(
      url,
      { agent: false, timeout: timeoutMs },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve({ status: 0, body: '' }));
  });
}
