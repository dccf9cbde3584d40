import { kubeRequest, KubeConnection } from './kubeRequest';
import { startTestBed } from './startTestBed';
import type { TestBed, TestCluster } from './types';

jest.setTimeout(120_000);

const connection = (cluster: TestCluster, token: string): KubeConnection => ({
  url: cluster.url,
  ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
  token,
});

describe("crossmeshAccess: 'none'", () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed({
      clusters: ['cluster-1'],
      crossmeshAccess: 'none',
    });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('leaves user crossmesh without the cluster-admin binding, so the API server refuses it', async () => {
    const [cluster] = bed.clusters;
    const asAdmin = connection(cluster, cluster.adminToken);
    const asCrossmesh = connection(cluster, cluster.crossmeshToken);

    const binding = await kubeRequest(
      asAdmin,
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/crossmesh',
    );
    expect(binding.status).toBe(404);

    const secrets = await kubeRequest(
      asCrossmesh,
      '/api/v1/namespaces/istio-system/secrets',
    );
    expect(secrets.status).toBe(403);
    expect(secrets.body.message).toBe(
      'secrets is forbidden: User "crossmesh" cannot list resource "secrets" in API group "" in the namespace "istio-system"',
    );

    // Still authenticated: what Kubernetes grants every user stays.
    const version = await kubeRequest(asCrossmesh, '/version');
    expect(version.status).toBe(200);
  });
});
