import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { eastCluster } from '../testUtils/clusters';
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
