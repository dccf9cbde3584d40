import { RECONCILE_TASK } from '../../exposure/reconcile/startReconciling';
import { clusterWriteLog } from './clusterWriteLog';
import { HostileBackend } from './hostileBackend';
import { opensslWorkbench } from './opensslCa';
import { startStateCheckingProxy } from './stateCheckingProxy';
import { snapshotDatabase } from './stateSnapshot';

/** A user's client of the backend, direct or through the state-checking proxy. */
export type Client = ReturnType<HostileBackend['as']>;

/**
 * A root CA made with openssl, with its key: what an attacker sends to `POST
 * /trust/rotation`, or what a platform team imports.
 */
export function opensslRoot(subject: string) {
  const workbench = opensslWorkbench();
  try {
    return workbench.selfSigned(subject);
  } finally {
    workbench.cleanup();
  }
}

/** The platform team's set-up: a root, intermediates, memberships, one active exposure. */
export async function meshInUse(api: HostileBackend) {
  const carol = api.as('carol');
  const bob = api.as('bob');
  const expectStatus = async (call: Promise<any>, status: number) => {
    const response = await call;
    expect({ status: response.status, body: response.body }).toEqual({
      status,
      body: expect.anything(),
    });
    return response.body;
  };
  await expectStatus(carol.post('/trust/root', { keyType: 'ecdsa-p256' }), 201);
  for (const cluster of ['cluster-1', 'cluster-2']) {
    await expectStatus(
      carol.put(`/clusters/${cluster}/membership`, {
        network: `network-${cluster.slice(-1)}`,
      }),
      201,
    );
    await expectStatus(
      carol.post(`/trust/clusters/${cluster}/intermediate`, {}),
      201,
    );
  }
  const request = await expectStatus(
    bob.post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 calls svc-2',
    }),
    201,
  );
  await expectStatus(carol.post(`/exposures/${request.id}/approve`, {}), 200);
  await api.runTask(RECONCILE_TASK);
  expect((await carol.get(`/exposures/${request.id}`)).body.state).toBe(
    'active',
  );
  return request;
}

/** Runs `attacks` through the state-checking proxy; resolves to each one's answer. */
export async function throughProxy(
  api: HostileBackend,
  attacks: (proxied: (user: string) => Client) => Record<string, () => any>,
) {
  const proxy = await startStateCheckingProxy({
    target: api.baseUrl,
    snapshotDatabase: () => snapshotDatabase(api.knex),
    readClusterWrites: clusterWriteLog(api.bed),
  });
  const answers: Record<
    string,
    { status: number; message?: string; code?: string }
  > = {};
  try {
    const proxied = (user: string) => viaProxy(api, proxy.url, user);
    for (const [name, attack] of Object.entries(attacks(proxied))) {
      const response = await attack();
      answers[name] = {
        status: response.status,
        message: response.body?.error?.message,
        code: response.body?.error?.code,
      };
    }
  } finally {
    await proxy.stop();
  }
  expect(proxy.violations).toEqual([]);
  expect(proxy.stats.clusterWrites).toBe(0);
  return answers;
}

/** Calls the backend through the proxy as a user, like `HostileBackend.as`. */
export function viaProxy(
  api: HostileBackend,
  proxyUrl: string,
  user: string,
): Client {
  const header = api.as(user).header;
  const call =
    (method: string) =>
    async (path: string, body?: object): Promise<any> => {
      const response = await fetch(`${proxyUrl}${path}`, {
        method,
        headers: {
          authorization: header,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text };
    };
  return {
    header,
    get: (path: string) => call('GET')(path),
    post: call('POST'),
    put: call('PUT'),
  } as unknown as Client;
}
