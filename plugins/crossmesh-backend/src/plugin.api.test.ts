import { TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { startCrossmeshTestBackend } from './__testUtils__/testBackend';
import { DatabaseExposureStore } from './exposure/store/DatabaseExposureStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('crossmesh backend against real API servers', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
      istioVersions: {
        'cluster-1': '1.6.8',
        'cluster-2': '1.22.3',
        'cluster-3': '1.7.4',
      },
    });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const backends: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
  });

  async function startBackend(
    crossmesh: object = {},
    permissions?: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    kubernetes: object = bed.kubernetesConfig(),
  ) {
    const backend = await startCrossmeshTestBackend({
      kubernetes,
      crossmesh,
      permissions,
    });
    backends.push(backend);
    return backend;
  }

  it("reads each cluster's Istio version, strategy and gateway address", async () => {
    const server = await startBackend({
      clusters: {
        'cluster-3': { gatewayAddress: 'east-west.cluster-3.example' },
      },
    });

    const response = await server.call('get', '/clusters');

    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      {
        name: 'cluster-1',
        reachable: true,
        istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
        strategy: 'legacy-global',
        strategySource: 'detected',
        gateway: {
          address: bed.clusters[0].gatewayAddress,
          port: 15443,
          source: 'loadBalancer',
        },
        delivery: { mode: 'direct' },
        observedAt: expect.any(String),
      },
      {
        name: 'cluster-2',
        reachable: true,
        istio: { version: '1.22.3', image: 'docker.io/istio/pilot:1.22.3' },
        strategy: 'dns-proxy',
        strategySource: 'detected',
        dnsCapture: 'unknown',
        dnsCaptureDetail: expect.stringContaining(
          'ConfigMap istio-system/istio was not found',
        ),
        gateway: {
          address: bed.clusters[1].gatewayAddress,
          port: 15443,
          source: 'loadBalancer',
        },
        delivery: { mode: 'direct' },
        observedAt: expect.any(String),
      },
      {
        name: 'cluster-3',
        reachable: true,
        istio: { version: '1.7.4', image: 'docker.io/istio/pilot:1.7.4' },
        strategy: 'legacy-global',
        strategySource: 'detected',
        gateway: {
          address: 'east-west.cluster-3.example',
          port: 15443,
          source: 'config',
        },
        delivery: { mode: 'direct' },
        observedAt: expect.any(String),
      },
    ]);
    expect(bed.clusters[0].gatewayAddress).not.toEqual(
      bed.clusters[1].gatewayAddress,
    );
  });

  it('reads one cluster, honours a configured strategy, and 404s an unknown one', async () => {
    const server = await startBackend({ strategy: 'dns-proxy' });

    const one = await server.call('get', '/clusters/cluster-1');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      name: 'cluster-1',
      istio: { version: '1.6.8' },
      strategy: 'dns-proxy',
      strategySource: 'config',
    });

    const unknown = await server.call('get', '/clusters/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("No cluster named 'nope'");
  });

  it("reports a cluster that is down or refuses the credentials, and still reads the others; a reader outside the platform team does not see the API server's address", async () => {
    const config = bed.kubernetesConfig() as any;
    config.clusterLocatorMethods[0].clusters[1].serviceAccountToken =
      'not-a-valid-token';
    const server = await startBackend({}, undefined, config);

    await bed.stopCluster('cluster-3');
    try {
      const response = await server.call('get', '/clusters');
      expect(response.status).toBe(200);
      const [first, second, third] = response.body.items;
      expect(first).toMatchObject({ name: 'cluster-1', reachable: true });
      expect(second).toMatchObject({
        name: 'cluster-2',
        reachable: false,
        error: expect.stringContaining("refused crossmesh's credentials (401)"),
      });
      expect(third).toMatchObject({
        name: 'cluster-3',
        reachable: false,
        error: expect.stringMatching(
          /cannot reach the API server at <API server of cluster-3> \(ECONNREFUSED\)|did not answer/,
        ),
      });
      expect(response.text).not.toContain(bed.clusters[2].url);
    } finally {
      await bed.startCluster('cluster-3');
    }

    const recovered = await server.call('get', '/clusters/cluster-3');
    expect(recovered.body).toMatchObject({
      name: 'cluster-3',
      reachable: true,
    });
  });

  it("shows how each cluster's objects are delivered, with the pull requests waiting for their merge, and never the forge's token", async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      knex,
      config: {
        integrations: {
          gitea: [
            {
              host: 'gitea.example.net',
              username: 'crossmesh',
              password: 'the-gitea-token',
            },
          ],
        },
      },
      crossmesh: {
        delivery: {
          clusters: [
            {
              cluster: 'cluster-2',
              mode: 'git',
              repository: 'https://gitea.example.net/platform/mesh',
              path: 'clusters/cluster-2',
            },
          ],
        },
      },
    });
    backends.push(backend);
    const pullRequest = {
      number: 7,
      url: 'https://gitea.example.net/platform/mesh/pulls/7',
    };
    await new DatabaseExposureStore(knex).insertRequest({
      id: 'req-1',
      entityRef: 'component:default/svc-1',
      service: {
        name: 'svc-1',
        namespace: 'foo',
        ports: [{ name: 'http', number: 8080 }],
      },
      sourceCluster: 'cluster-1',
      consumerClusters: ['cluster-2'],
      consumerNamespaces: [],
      reason: 'The checkout in cluster-2 calls it',
      endDate: null,
      state: 'applying',
      host: 'svc-1.foo.global',
      vip: '240.0.0.10',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-12-01T10:00:00.000Z',
      decidedBy: 'user:default/carol',
      decidedAt: '2026-12-01T10:05:00.000Z',
      decisionComment: null,
      clusters: [
        {
          cluster: 'cluster-2',
          role: 'consumer',
          state: 'waiting-for-merge',
          lastError: null,
          pullRequest,
          updatedAt: '2026-12-01T10:06:00.000Z',
        },
      ],
      updatedAt: '2026-12-01T10:06:00.000Z',
    });

    const response = await backend.call('get', '/clusters');

    expect(response.status).toBe(200);
    const deliveries = Object.fromEntries(
      response.body.items.map((c: any) => [c.name, c.delivery]),
    );
    expect(deliveries).toEqual({
      'cluster-1': { mode: 'direct' },
      'cluster-2': {
        mode: 'git',
        repository: 'https://gitea.example.net/platform/mesh',
        branch: 'main',
        path: 'clusters/cluster-2',
        merge: 'reviewers',
        folderUrl:
          'https://gitea.example.net/platform/mesh/src/branch/main/clusters/cluster-2',
        openPullRequests: [pullRequest],
        drifted: [],
      },
      'cluster-3': { mode: 'direct' },
    });
    expect(response.text).not.toContain('the-gitea-token');

    const one = await backend.call('get', '/clusters/cluster-2');
    expect(one.body.delivery).toEqual(deliveries['cluster-2']);
  });

  it('refuses readers the permission policy denies', async () => {
    const server = await startBackend({}, AuthorizeResult.DENY);
    const response = await server.call('get', '/clusters');
    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('NotAllowedError');
  });
});
