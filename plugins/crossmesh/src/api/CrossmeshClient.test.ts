import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { eastCluster } from '../__testUtils__/clusters';
import { errorCode, errorMessage } from '../components/errorMessage';
import { CrossmeshClient } from './CrossmeshClient';

describe('CrossmeshClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new CrossmeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

  it('lists the clusters from the backend', async () => {
    const requested: string[] = [];
    server.use(
      http.get(
        'http://backstage.test/api/crossmesh/clusters',
        ({ request }) => {
          requested.push(request.url);
          return HttpResponse.json({ items: [eastCluster] });
        },
      ),
    );

    await expect(client.listClusters()).resolves.toEqual({
      items: [eastCluster],
    });
    expect(requested).toEqual(['http://backstage.test/api/crossmesh/clusters']);
  });

  it('asks for the ports of an entity with its ref encoded in the query', async () => {
    const requested: string[] = [];
    server.use(
      http.get(
        'http://backstage.test/api/crossmesh/service-ports',
        ({ request }) => {
          requested.push(request.url);
          return HttpResponse.json({
            source: 'annotation',
            ports: [{ name: 'http', number: 8000 }],
          });
        },
      ),
    );

    await expect(
      client.getServicePorts('component:default/svc-2'),
    ).resolves.toEqual({
      source: 'annotation',
      ports: [{ name: 'http', number: 8000 }],
    });
    expect(requested).toEqual([
      'http://backstage.test/api/crossmesh/service-ports?entityRef=component%3Adefault%2Fsvc-2',
    ]);
  });

  it("reads the last reconcile pass and a cluster's preflight, its name encoded in the path", async () => {
    const requested: string[] = [];
    server.use(
      http.get('http://backstage.test/api/crossmesh/*', ({ request }) => {
        requested.push(request.url);
        return HttpResponse.json(
          request.url.endsWith('/reconcile/status')
            ? { items: [] }
            : { cluster: 'a b', checkedAt: '', ok: true, checks: [] },
        );
      }),
    );

    await expect(client.getReconcileStatus()).resolves.toEqual({ items: [] });
    await expect(client.getPreflight('a b')).resolves.toMatchObject({
      cluster: 'a b',
    });
    expect(requested).toEqual([
      'http://backstage.test/api/crossmesh/reconcile/status',
      'http://backstage.test/api/crossmesh/clusters/a%20b/preflight',
    ]);
  });

  it('reads the remote secrets', async () => {
    server.use(
      http.get('http://backstage.test/api/crossmesh/remote-secrets', () =>
        HttpResponse.json({ enabled: false, items: [] }),
      ),
    );
    await expect(client.getRemoteSecrets()).resolves.toEqual({
      enabled: false,
      items: [],
    });
  });

  it('starts an onboarding job with its input, and reads a job by its encoded id', async () => {
    const calls: string[] = [];
    server.use(
      http.all(
        'http://backstage.test/api/crossmesh/onboarding-jobs*',
        async ({ request }) => {
          const body = request.method === 'POST' ? await request.text() : '';
          calls.push(
            `${request.method} ${new URL(request.url).pathname} ${body}`.trim(),
          );
          return HttpResponse.json({ id: 'job 1' }, { status: 202 });
        },
      ),
    );

    await client.startOnboarding({ cluster: 'west', network: 'network-2' });
    await client.getOnboardingJob('job 1');
    expect(calls).toEqual([
      'POST /api/crossmesh/onboarding-jobs {"cluster":"west","network":"network-2"}',
      'GET /api/crossmesh/onboarding-jobs/job%201',
    ]);
  });

  it('calls the trust routes with their methods, encoded cluster names and bodies', async () => {
    const calls: string[] = [];
    server.use(
      http.all(
        'http://backstage.test/api/crossmesh/trust/*',
        async ({ request }) => {
          const body = request.body ? await request.text() : '';
          calls.push(
            `${request.method} ${new URL(request.url).pathname} ${body}`,
          );
          return HttpResponse.json({});
        },
      ),
    );

    await client.generateRoot({ keyType: 'ecdsa-p256', validityDays: 3650 });
    await client.importRoot({ certPem: 'C', keyPem: 'K' });
    await client.issueIntermediate('a b');
    await client.createIntermediateCsr('a b');
    await client.uploadIntermediate('a b', 'SIGNED');
    await client.distributeCacerts();
    await client.startRotation({ keyType: 'rsa-4096' });
    await client.advanceRotation();
    await client.confirmRootOperation('c/1', 'AB:CD');
    await client.cancelRootOperation('c/1');
    expect(calls).toEqual([
      'POST /api/crossmesh/trust/root {"keyType":"ecdsa-p256","validityDays":3650}',
      'POST /api/crossmesh/trust/root/import {"certPem":"C","keyPem":"K"}',
      'POST /api/crossmesh/trust/clusters/a%20b/intermediate ',
      'POST /api/crossmesh/trust/clusters/a%20b/csr ',
      'PUT /api/crossmesh/trust/clusters/a%20b/intermediate {"certPem":"SIGNED"}',
      'POST /api/crossmesh/trust/distribute {}',
      'POST /api/crossmesh/trust/rotation {"keyType":"rsa-4096"}',
      'POST /api/crossmesh/trust/rotation/advance ',
      'POST /api/crossmesh/trust/confirmations/c%2F1/confirm {"fingerprintSha256":"AB:CD"}',
      'POST /api/crossmesh/trust/confirmations/c%2F1/cancel ',
    ]);
  });

  it('keeps the code a refused root import names its field with', async () => {
    server.use(
      http.post('http://backstage.test/api/crossmesh/trust/root/import', () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'Root CA key does not match Root CA certificate',
              code: 'crossmesh.root-import.key',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .importRoot({ certPem: 'C', keyPem: 'K' })
      .catch(e => e);
    expect(errorCode(error)).toBe('crossmesh.root-import.key');
    expect(errorMessage(error)).toBe(
      'Root CA key does not match Root CA certificate',
    );
  });

  it('turns a Backstage error body into an error with its message', async () => {
    server.use(
      http.get('http://backstage.test/api/crossmesh/clusters', () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'kubernetes config is broken' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );

    const error = await client.listClusters().catch(e => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ResponseError',
      statusCode: 500,
      cause: { message: 'kubernetes config is broken' },
    });
  });
});
