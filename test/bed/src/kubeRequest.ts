import https from 'node:https';
import type { TestCluster } from './types';

/** Where and as whom to call one apiserver. */
export interface KubeConnection {
  url: string;
  /** PEM of the CA the apiserver's certificate chains to. */
  ca: string;
  token?: string;
}

/** The cluster's API server as its admin (`system:masters`). */
export function adminConnection(cluster: TestCluster): KubeConnection {
  return {
    url: cluster.url,
    ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
    token: cluster.adminToken,
  };
}

export interface KubeResponse {
  status: number;
  body: any;
}

export interface KubeRequestOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

/** One JSON request to an apiserver; resolves for any HTTP status, rejects only when there is no answer. */
export function kubeRequest(
  connection: KubeConnection,
  path: string,
  {
    method = 'GET',
    body,
    contentType,
    timeoutMs = 30_000,
  }: KubeRequestOptions = {},
): Promise<KubeResponse> {
  const url = new URL(path, connection.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method,
        ca: connection.ca,
        // Own connection: Backstage's jest setup swaps https.globalAgent for one that refuses.
        agent: false,
        timeout: timeoutMs,
        headers: {
          Accept: 'application/json',
          ...(connection.token
            ? { Authorization: `Bearer ${connection.token}` }
            : {}),
          ...(payload !== undefined
            ? {
                'Content-Type': contentType ?? 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
        },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // /readyz and friends answer in plain text
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`${method} ${url} timed out`)),
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Throws unless the status is 2xx, saying what was asked and what the apiserver answered. */
export function expectOk(
  response: KubeResponse,
  what: string,
): KubeResponse['body'] {
  if (response.status < 200 || response.status >= 300) {
    const message =
      typeof response.body === 'object' && response.body?.message
        ? response.body.message
        : JSON.stringify(response.body);
    throw new Error(`${what} failed with HTTP ${response.status}: ${message}`);
  }
  return response.body;
}
