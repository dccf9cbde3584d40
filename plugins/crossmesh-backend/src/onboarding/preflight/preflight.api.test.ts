import { PreflightCheck } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
  usersWithDefaultOnPlatformTeam,
} from '../../__testUtils__/testBackend';
import { adminApis } from '../../__testUtils__/trustTestKit';
import { REQUIRED_ACCESS } from './requiredAccess';

jest.setTimeout(180_000);

type Call = CrossmeshTestBackend['call'];

function byId(checks: PreflightCheck[]): Record<string, PreflightCheck> {
  return Object.fromEntries(checks.map(c => [c.id, c]));
}

describe('GET /clusters/{clusterName}/preflight against real API servers', () => {
  let bed: TestBed;
  let call: Call;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'],
    });
    const started = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
    });
    call = started.call;
    stop = started.stop;
    const root = await call('post', '/trust/root', { keyType: 'ecdsa-p256' });
    if (root.status !== 201) {
      throw new Error(
        `generating the root failed: ${JSON.stringify(root.body)}`,
      );
    }
  });
  afterAll(async () => {
    await stop?.();
    await bed?.stop();
  });

  async function preflight(cluster: string) {
    const response = await call('get', `/clusters/${cluster}/preflight`);
    expect(response.status).toBe(200);
    return response.body as {
      cluster: string;
      ok: boolean;
      checks: PreflightCheck[];
    };
  }

  it('passes every check of a seeded cluster once cacerts is distributed and .global DNS wired; before, names what onboarding fixes', async () => {
    const before = await preflight('cluster-1');
    const first = byId(before.checks);
    expect(before.ok).toBe(false);
    expect(first.cacerts).toMatchObject({
      status: 'fail',
      fixedByOnboarding: true,
      detail: expect.stringContaining('has no Secret cacerts in istio-system'),
      remedy: expect.stringContaining('Add a cluster to the mesh'),
    });
    expect(first['dns-wiring']).toMatchObject({
      status: 'warn',
      fixedByOnboarding: true,
      remedy: expect.stringContaining(
        'POST /api/crossmesh/clusters/cluster-1/dns',
      ),
    });
    expect(
      before.checks.filter(c => c.status !== 'pass').map(c => c.id),
    ).toEqual(['dns-wiring', 'cacerts']);

    expect(
      (await call('post', '/trust/clusters/cluster-1/intermediate')).status,
    ).toBe(201);
    expect(
      (
        await call('put', '/clusters/cluster-1/membership', {
          network: 'network-1',
        })
      ).status,
    ).toBe(201);
    const wired = await call('post', '/clusters/cluster-1/dns');
    expect(wired.status).toBe(200);

    const after = await preflight('cluster-1');
    expect(after.checks.filter(c => c.status !== 'pass')).toEqual([]);
    expect(after.ok).toBe(true);
    const checks = byId(after.checks);
    // One SelfSubjectAccessReview-backed check per required access, plus the rest.
    expect(after.checks.filter(c => c.id.startsWith('access:'))).toHaveLength(
      REQUIRED_ACCESS.length,
    );
    expect(checks['api-reachable'].detail).toMatch(
      /^The API server at https:\/\/127\.0\.0\.1:\d+ answered: Kubernetes v/,
    );
    expect(checks.credentials.detail).toContain("signs in as user 'crossmesh'");
    expect(checks.istiod.detail).toBe(
      'istiod runs docker.io/istio/pilot:1.6.8: Istio 1.6.8',
    );
    expect(checks.strategy.detail).toBe(
      'legacy-global, detected from Istio 1.6.8',
    );
    expect(checks['gateway-address'].detail).toBe(
      `${bed.clusters[0].gatewayAddress}:15443, from the load balancer of Service istio-system/istio-ingressgateway`,
    );
    expect(checks['dns-flavour'].detail).toMatch(/^coredns: /);
    expect(checks['dns-wiring'].detail).toContain(
      'ConfigMap kube-system/coredns forwards .global names to istiocoredns at',
    );
    expect(checks.cacerts.detail).toMatch(
      /^ca-cert\.pem \(serial [0-9a-f]+\) chains to the mesh root; valid until /i,
    );
  });

  it('fails istiocoredns with the remedy when the Service is gone, and skips the wiring check that needs it', async () => {
    const { core } = await adminApis(bed.clusters[1]);
    await core.deleteNamespacedService({
      name: 'istiocoredns',
      namespace: 'istio-system',
    });
    const report = await preflight('cluster-2');
    const checks = byId(report.checks);
    expect(report.ok).toBe(false);
    expect(checks.istiocoredns).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(
        'Service istio-system/istiocoredns does not exist',
      ),
      remedy: expect.stringContaining("Install Istio's istiocoredns addon"),
    });
    expect(checks['dns-wiring']).toMatchObject({
      status: 'skipped',
      detail: 'Not checked, because "istiocoredns Service present" failed.',
    });
    expect(checks['dns-flavour'].status).toBe('pass');
  });

  it('names each verb and resource a narrower RBAC binding denies, with the grant that fixes it', async () => {
    const cluster = bed.clusters[2];
    const { rbac } = await adminApis(cluster);
    await rbac.deleteClusterRoleBinding({ name: 'crossmesh' });
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'crossmesh-read-only' },
        rules: [
          {
            apiGroups: ['', 'apps', 'networking.istio.io'],
            resources: ['*'],
            verbs: ['get', 'list'],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'crossmesh-read-only' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'crossmesh-read-only',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'User',
            name: 'crossmesh',
          },
        ],
      },
    });

    // The authorizer picks RBAC changes up from its informers within moments.
    let report = await preflight('cluster-3');
    for (let i = 0; i < 50 && report.ok; i++) {
      await new Promise(resolve => setTimeout(resolve, 200));
      report = await preflight('cluster-3');
    }
    const checks = byId(report.checks);
    expect(report.ok).toBe(false);

    const denied = report.checks
      .filter(c => c.id.startsWith('access:') && c.status === 'fail')
      .map(c => c.id)
      .sort();
    expect(denied).toEqual(
      [
        'access:create:configmaps:kube-system',
        'access:delete:configmaps:kube-system',
        'access:create:destinationrules.networking.istio.io',
        'access:create:gateways.networking.istio.io',
        'access:create:secrets:istio-system',
        'access:create:serviceentries.networking.istio.io',
        // Reading is not asking for the reader's tokens (crossmesh.remoteSecrets).
        'access:create:serviceaccounts/token:crossmesh-system',
        'access:create:secrets:crossmesh-system',
        'access:delete:secrets:crossmesh-system',
        'access:delete:destinationrules.networking.istio.io',
        'access:delete:gateways.networking.istio.io',
        'access:delete:secrets:istio-system',
        'access:delete:serviceentries.networking.istio.io',
        'access:patch:deployments.apps:istio-system',
        'access:patch:destinationrules.networking.istio.io',
        'access:patch:gateways.networking.istio.io',
        'access:patch:secrets:istio-system',
        'access:patch:serviceentries.networking.istio.io',
        'access:update:configmaps:istio-system',
        'access:update:configmaps:kube-system',
        'access:update:secrets:istio-system',
        // Reading is not watching.
        'access:watch:configmaps:kube-system',
        'access:watch:secrets:istio-system',
        'access:watch:destinationrules.networking.istio.io',
        'access:watch:gateways.networking.istio.io',
        'access:watch:serviceentries.networking.istio.io',
        // The read-only role has nothing of security.istio.io.
        ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map(
          verb => `access:${verb}:authorizationpolicies.security.istio.io`,
        ),
      ].sort(),
    );
    expect(checks['access:patch:deployments.apps:istio-system']).toEqual({
      id: 'access:patch:deployments.apps:istio-system',
      title:
        'May patch deployments.apps named istiod, istio-ingressgateway in namespace istio-system',
      status: 'fail',
      detail: expect.stringMatching(
        /^Denied for istiod, istio-ingressgateway.*; crossmesh restarts istiod and the gateway after cacerts changes$/,
      ),
      remedy:
        'Grant user \'crossmesh\' "patch" on deployments.apps in namespace istio-system: a Role in namespace istio-system with the rule {apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["istiod", "istio-ingressgateway"], verbs: ["patch"]} and a RoleBinding of it to user \'crossmesh\'',
    });
    expect(
      checks['access:create:serviceentries.networking.istio.io'].remedy,
    ).toBe(
      'Grant user \'crossmesh\' "create" on serviceentries.networking.istio.io: a ClusterRole with the rule {apiGroups: ["networking.istio.io"], resources: ["serviceentries"], verbs: ["create"]} and a ClusterRoleBinding of it to user \'crossmesh\'',
    );
    // Reads are still allowed, so what only reads still passes.
    expect(checks['access:get:secrets:istio-system'].status).toBe('pass');
    expect(checks.istiod.status).toBe('pass');
    expect(checks.cacerts.status).toBe('fail'); // missing, not forbidden
    expect(checks.cacerts.detail).toContain('has no Secret cacerts');
  });

  it('fails reachability for a stopped cluster and skips everything else', async () => {
    await bed.stopCluster('cluster-4');
    const report = await preflight('cluster-4');
    const [reachable, ...rest] = report.checks;
    expect(report.ok).toBe(false);
    expect(reachable).toMatchObject({
      id: 'api-reachable',
      status: 'fail',
      detail: expect.stringContaining(
        `cannot reach the API server at ${bed.clusters[3].url}`,
      ),
      remedy: expect.stringContaining(
        "Check the url of cluster 'cluster-4' in kubernetes.clusterLocatorMethods",
      ),
    });
    expect(rest.length).toBeGreaterThan(REQUIRED_ACCESS.length);
    expect(rest.filter(c => c.status !== 'skipped')).toEqual([]);
    expect(byId(rest).credentials.detail).toBe(
      'Not checked, because "API server reachable" failed.',
    );
  });

  it('answers 404 for a cluster that is not configured', async () => {
    const response = await call('get', '/clusters/nowhere/preflight');
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain(
      "No cluster named 'nowhere' in kubernetes.clusterLocatorMethods",
    );
  });
});
