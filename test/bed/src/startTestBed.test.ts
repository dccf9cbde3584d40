import fs from 'node:fs';
import yaml from 'js-yaml';
import { asAdmin, asCrossmesh } from './__testUtils__/connections';
import { kubeRequest, KubeConnection } from './kubeRequest';
import { sharedFile } from './paths';
import { startTestBed } from './startTestBed';
import type { TestBed } from './types';

jest.setTimeout(120_000);

const clusterNames = ['cluster-1', 'cluster-2', 'cluster-3'];
let bed: TestBed;

const get = async (connection: KubeConnection, path: string) => {
  const response = await kubeRequest(connection, path);
  if (response.status !== 200) {
    throw new Error(
      `GET ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
};

beforeAll(async () => {
  const started = Date.now();
  bed = await startTestBed({
    clusters: clusterNames,
    istioVersions: { 'cluster-2': '1.7.0' },
  });
  const startSeconds = (Date.now() - started) / 1000;
  // eslint-disable-next-line no-console
  console.log(`3 clusters started and seeded in ${startSeconds.toFixed(1)} s`);
});

afterAll(async () => {
  await bed?.stop();
});

describe('startTestBed', () => {
  // How long the start takes is printed above, not asserted: a wall-clock bound in a test
  // fails on a busy machine without anything being wrong (figures belong in test/bench).
  it('starts three seeded clusters, each at its own address', () => {
    expect(bed.clusters.map(c => c.name)).toEqual(clusterNames);
    expect(new Set(bed.clusters.map(c => c.url)).size).toBe(3);
  });

  it('serves the Istio CRDs, readable through the admin kubeconfig with the real client', async () => {
    const k8s = await import('@kubernetes/client-node');
    const expectedCrds = (
      yaml.loadAll(
        fs.readFileSync(sharedFile('istio', 'crds.gen.yaml'), 'utf8'),
      ) as any[]
    ).filter(doc => doc?.kind === 'CustomResourceDefinition');
    for (const cluster of bed.clusters) {
      const kubeconfig = new k8s.KubeConfig();
      kubeconfig.loadFromFile(cluster.kubeconfigPath);
      const api = kubeconfig.makeApiClient(k8s.ApiextensionsV1Api);
      const crd = await api.readCustomResourceDefinition({
        name: 'serviceentries.networking.istio.io',
      });
      expect(
        crd.status?.conditions?.find(c => c.type === 'Established')?.status,
      ).toBe('True');
      expect(
        crd.spec.versions
          .filter(v => v.served)
          .map(v => v.name)
          .sort(),
      ).toEqual(['v1', 'v1alpha3', 'v1beta1']);
      const all = await api.listCustomResourceDefinition();
      expect(all.items.map(c => c.metadata?.name).sort()).toEqual(
        expectedCrds.map(c => c.metadata.name).sort(),
      );
      // The CRD really serves its resources.
      const entries = await get(
        asAdmin(cluster),
        '/apis/networking.istio.io/v1/namespaces/istio-system/serviceentries',
      );
      expect(entries.items).toEqual([]);
    }
  });

  it('seeds istiod, the ingress gateway and its services, and CoreDNS', async () => {
    const corefile = (
      yaml.load(
        fs.readFileSync(
          sharedFile('fixtures', 'coredns', 'kubeadm.yaml'),
          'utf8',
        ),
      ) as any
    ).data.Corefile;
    for (const [index, cluster] of bed.clusters.entries()) {
      const connection = asAdmin(cluster);
      const version = cluster.name === 'cluster-2' ? '1.7.0' : '1.6.8';
      expect(cluster.istioVersion).toBe(version);

      const istiod = await get(
        connection,
        '/apis/apps/v1/namespaces/istio-system/deployments/istiod',
      );
      expect(istiod.metadata.labels).toEqual({ app: 'istiod', istio: 'pilot' });
      expect(istiod.spec.template.spec.containers[0]).toMatchObject({
        name: 'discovery',
        image: `docker.io/istio/pilot:${version}`,
      });

      const gateway = await get(
        connection,
        '/apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway',
      );
      expect(gateway.metadata.labels).toEqual({
        app: 'istio-ingressgateway',
        istio: 'ingressgateway',
      });
      expect(gateway.spec.template.spec.containers[0].image).toBe(
        `docker.io/istio/proxyv2:${version}`,
      );

      const service = await get(
        connection,
        '/api/v1/namespaces/istio-system/services/istio-ingressgateway',
      );
      expect(service.spec.type).toBe('LoadBalancer');
      expect(
        service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
      ).toEqual([
        ['http2', 80, 8080],
        ['https', 443, 8443],
        ['tls', 15443, 15443],
      ]);
      expect(service.status.loadBalancer.ingress.map((i: any) => i.ip)).toEqual(
        [`192.0.2.${10 + index}`],
      );
      expect(cluster.gatewayAddress).toBe(`192.0.2.${10 + index}`);

      const dns = await get(
        connection,
        '/api/v1/namespaces/istio-system/services/istiocoredns',
      );
      expect(dns.spec.type).toBe('ClusterIP');
      expect(dns.spec.clusterIP).toMatch(/^10\.96\./);
      expect(dns.spec.selector).toEqual({ app: 'istiocoredns' });
      expect(
        dns.spec.ports.map((p: any) => [p.name, p.port, p.protocol]),
      ).toEqual([
        ['dns', 53, 'UDP'],
        ['dns-tcp', 53, 'TCP'],
      ]);

      const coredns = await get(
        connection,
        '/api/v1/namespaces/kube-system/configmaps/coredns',
      );
      expect(coredns.data.Corefile).toBe(corefile);
    }
  });

  it('enforces RBAC: crossmesh is bound, an unbound identity gets 403 and an unknown token 401', async () => {
    const cluster = bed.clusters[0];
    const admin = asAdmin(cluster);

    const pods = await kubeRequest(asCrossmesh(cluster), '/api/v1/pods');
    expect(pods.status).toBe(200);
    const binding = await get(
      admin,
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/crossmesh',
    );
    expect(binding.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'User',
        name: 'crossmesh',
      },
    ]);

    const unknown = await kubeRequest(
      { ...admin, token: 'not-a-token' },
      '/api/v1/pods',
    );
    expect(unknown.status).toBe(401);

    // A real service-account token with no binding at all.
    const account = await kubeRequest(
      admin,
      '/api/v1/namespaces/default/serviceaccounts',
      {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'nobody' },
        },
      },
    );
    expect(account.status).toBe(201);
    const tokenRequest = await kubeRequest(
      admin,
      '/api/v1/namespaces/default/serviceaccounts/nobody/token',
      {
        method: 'POST',
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {},
        },
      },
    );
    expect(tokenRequest.status).toBe(201);
    const unbound = await kubeRequest(
      { ...admin, token: tokenRequest.body.status.token },
      '/api/v1/pods',
    );
    expect(unbound.status).toBe(403);
    expect(unbound.body.message).toContain(
      'system:serviceaccount:default:nobody',
    );
  });

  it('keeps clusters apart: each etcd prefix is its own cluster', async () => {
    const [one, two] = bed.clusters.map(asAdmin);
    const created = await kubeRequest(
      one,
      '/api/v1/namespaces/default/configmaps',
      {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'only-in-cluster-1' },
        },
      },
    );
    expect(created.status).toBe(201);
    expect(
      (
        await kubeRequest(
          one,
          '/api/v1/namespaces/default/configmaps/only-in-cluster-1',
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await kubeRequest(
          two,
          '/api/v1/namespaces/default/configmaps/only-in-cluster-1',
        )
      ).status,
    ).toBe(404);
  });

  it('builds the Backstage kubernetes config for user crossmesh', () => {
    expect(bed.kubernetesConfig()).toEqual({
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: bed.clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.crossmeshToken,
            caData: c.caData,
            skipTLSVerify: false,
          })),
        },
      ],
    });
  });

  it('stops and restarts one cluster on the same port with the same data', async () => {
    const cluster = bed.clusters[2];
    const connection = asAdmin(cluster);
    await kubeRequest(connection, '/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'survives-restart' },
      },
    });

    await bed.stopCluster(cluster.name);
    await expect(kubeRequest(connection, '/readyz')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    // The others keep serving.
    expect(
      (await kubeRequest(asAdmin(bed.clusters[0]), '/readyz')).status,
    ).toBe(200);

    await bed.startCluster(cluster.name);
    expect((await kubeRequest(connection, '/readyz')).status).toBe(200);
    expect(
      (
        await kubeRequest(
          connection,
          '/api/v1/namespaces/default/configmaps/survives-restart',
        )
      ).status,
    ).toBe(200);
    await expect(bed.startCluster(cluster.name)).rejects.toThrow(
      /already running/,
    );
    await expect(bed.stopCluster('nope')).rejects.toThrow(
      /No cluster named "nope"/,
    );
  });

  it('kills one cluster with SIGKILL, as a crash would, and restarts it with the same data', async () => {
    const cluster = bed.clusters[1];
    const connection = asAdmin(cluster);
    const created = await kubeRequest(
      connection,
      '/api/v1/namespaces/default/configmaps',
      {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'survives-kill' },
        },
      },
    );
    expect(created.status).toBe(201);

    await bed.killCluster(cluster.name);
    await expect(kubeRequest(connection, '/readyz')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    await bed.startCluster(cluster.name);
    expect(
      (
        await kubeRequest(
          connection,
          '/api/v1/namespaces/default/configmaps/survives-kill',
        )
      ).status,
    ).toBe(200);
  });

  it("records each client's write in the cluster's audit log before answering it, and no reads", async () => {
    const cluster = bed.clusters[0];
    const path = '/api/v1/namespaces/default/configmaps';
    const written = await kubeRequest(asCrossmesh(cluster), path, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'audited' },
      },
    });
    expect(written.status).toBe(201);
    await get(asCrossmesh(cluster), `${path}/audited`);

    const events = fs
      .readFileSync(cluster.auditLogPath, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line))
      .filter(e => e.objectRef?.name === 'audited');
    expect(
      events.map(e => [e.verb, e.user.username, e.responseStatus.code]),
    ).toEqual([['create', 'crossmesh', 201]]);
  });
});
