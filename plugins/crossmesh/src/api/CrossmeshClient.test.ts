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
