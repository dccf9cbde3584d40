import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startTestBed, TestBed } from '@crossmesh/test-bed';
import { startCrossmeshTestBackend } from './__testUtils__/testBackend';

jest.setTimeout(120_000);

describe('crossmesh backend against real API servers', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await startTestBed({
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

  it('refuses readers the permission policy denies', async () => {
    const server = await startBackend({}, AuthorizeResult.DENY);
    const response = await server.call('get', '/clusters');
    expect(response.status).toBe(403);
    expect(response.body.error.name).toBe('NotAllowedError');
  });
});
