import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  RECONCILE_TASK,
  startCrossmeshTestBackend,
  TestBackendOptions,
  usersWithDefaultOnPlatformTeam,
} from '../__testUtils__/testBackend';
import { adminApis, corefileOf } from '../__testUtils__/trustTestKit';

jest.setTimeout(180_000);

const CROSSMESH_BLOCK =
  /global:53 \{\n\s+errors\n\s+cache 30\n\s+forward \. [\d.]+:53\n\}/;

describe('cluster membership and .global DNS over HTTP', () => {
  let bed: TestBed;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
      istioVersions: { 'cluster-3': '1.9.0' },
    });
  });
  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
  });
  afterAll(async () => {
    await bed?.stop();
  });

  async function start(options: Omit<TestBackendOptions, 'kubernetes'> = {}) {
    const started = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
      ...options,
    });
    stops.push(started.stop);
    return started;
  }

  it('registers a cluster idempotently, applies its gateway override, audits each change, and lets config win', async () => {
    const { call } = await start({
      crossmesh: {
        clusters: { 'cluster-1': { gatewayAddress: 'gw-1.example.com' } },
      },
    });

    const missing = await call('get', '/clusters/cluster-2/membership');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain(
      "Cluster 'cluster-2' is not registered in the mesh yet",
    );

    const body = {
      network: 'network-2',
      gatewayAddress: 'gw-2.example.com',
      gatewayPort: 31443,
      keyType: 'ecdsa-p256',
    };
    const created = await call('put', '/clusters/cluster-2/membership', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      cluster: 'cluster-2',
      ...body,
      onboardedBy: 'user:default/mock',
    });
    const again = await call('put', '/clusters/cluster-2/membership', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);
    const moved = await call('put', '/clusters/cluster-2/membership', {
      network: 'network-2',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      gatewayAddress: null,
      gatewayPort: null,
      keyType: null,
      onboardedAt: created.body.onboardedAt,
    });
    await call('put', '/clusters/cluster-2/membership', body);

    expect(
      (await call('get', '/clusters/cluster-2/membership')).body,
    ).toMatchObject(body);
    const cluster = await call('get', '/clusters/cluster-2');
    expect(cluster.body.gateway).toEqual({
      address: 'gw-2.example.com',
      port: 31443,
      source: 'config',
    });
    expect(cluster.body.membership).toMatchObject(body);
    const preflight = await call('get', '/clusters/cluster-2/preflight');
    expect(
      preflight.body.checks.find((c: any) => c.id === 'gateway-address').detail,
    ).toBe("gw-2.example.com:31443, from the cluster's mesh membership");

    const audit = await call(
      'get',
      '/audit-events?clusterName=cluster-2&limit=10',
    );
    expect(audit.body.items.map((e: any) => e.action).sort()).toEqual([
      'cluster.membership-updated',
      'cluster.membership-updated',
      'cluster.registered',
    ]);

    const conflict = await call('put', '/clusters/cluster-1/membership', {
      network: 'network-1',
      gatewayAddress: '203.0.113.7',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toBe(
      'crossmesh.clusters.cluster-1.gatewayAddress is set to gw-1.example.com:15443 in the app config, and config wins over the membership; leave gatewayAddress out, or change the config',
    );
    expect(
      (
        await call('put', '/clusters/cluster-1/membership', {
          network: 'network-1',
        })
      ).status,
    ).toBe(201);
    expect((await call('get', '/clusters/cluster-1')).body.gateway).toEqual({
      address: 'gw-1.example.com',
      port: 15443,
      source: 'config',
    });

    const invalid = await call('put', '/clusters/cluster-3/membership', {
      network: 'Network 3!',
      gatewayAddress: 'not_a_host',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toBe(
      "The membership was not registered: network 'Network 3!' is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; gatewayAddress 'not_a_host' is not a DNS-1123 subdomain: DNS-1123 labels joined by '.', at most 253 characters",
    );
    const unknown = await call('put', '/clusters/nowhere/membership', {
      network: 'n',
    });
    expect(unknown.status).toBe(404);
  });

  it('issues intermediates with the key type the membership records, unless the request names one', async () => {
    const { call } = await start();
    expect(
      (await call('post', '/trust/root', { keyType: 'ecdsa-p256' })).status,
    ).toBe(201);
    await call('put', '/clusters/cluster-2/membership', {
      network: 'network-2',
      keyType: 'rsa-2048',
    });
    const recorded = await call(
      'post',
      '/trust/clusters/cluster-2/intermediate',
    );
    expect(recorded.status).toBe(201);
    expect(recorded.body.intermediate.keyType).toBe('rsa-2048');
    const named = await call('post', '/trust/clusters/cluster-2/intermediate', {
      keyType: 'ecdsa-p256',
    });
    expect(named.body.intermediate.keyType).toBe('ecdsa-p256');
    const refused = await call(
      'post',
      '/trust/clusters/cluster-2/intermediate',
      {
        keyType: 'dsa-1024',
      },
    );
    expect(refused.status).toBe(400);
  });

  it('wires .global DNS once, reports no change after, keeps a member wired through reconcile passes, and needs nothing under dns-proxy', async () => {
    const { call, runTask } = await start();
    const original = await corefileOf(bed.clusters[0]);

    await call('put', '/clusters/cluster-1/membership', {
      network: 'network-1',
    });
    const first = await call('post', '/clusters/cluster-1/dns');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      cluster: 'cluster-1',
      strategy: 'legacy-global',
      changed: true,
      action: 'added',
      flavour: 'coredns',
      configMap: 'coredns',
      detail:
        'ConfigMap kube-system/coredns now forwards .global names to istiocoredns (added)',
    });
    const second = await call('post', '/clusters/cluster-1/dns');
    expect(second.body).toMatchObject({ changed: false, action: 'unchanged' });
    const corefile = await corefileOf(bed.clusters[0]);
    expect(corefile).toMatch(CROSSMESH_BLOCK);
    expect(corefile.startsWith(original)).toBe(true);

    // cluster-2 is not a member and consumes nothing: the reconciler takes its wiring out
    // again, while the member keeps its own.
    expect((await call('post', '/clusters/cluster-2/dns')).body.changed).toBe(
      true,
    );
    expect(await corefileOf(bed.clusters[1])).toMatch(CROSSMESH_BLOCK);
    await runTask(RECONCILE_TASK);
    expect(await corefileOf(bed.clusters[1])).not.toMatch(CROSSMESH_BLOCK);
    expect(await corefileOf(bed.clusters[0])).toMatch(CROSSMESH_BLOCK);

    const events = await call(
      'get',
      '/audit-events?clusterName=cluster-1&action=cluster.dns-wired',
    );
    expect(events.body.items).toEqual([
      expect.objectContaining({
        actor: 'user:default/mock',
        details: { flavour: 'coredns', configMap: 'coredns', action: 'added' },
      }),
    ]);

    const dnsProxy = await call('post', '/clusters/cluster-3/dns');
    expect(dnsProxy.status).toBe(200);
    expect(dnsProxy.body).toMatchObject({
      strategy: 'dns-proxy',
      changed: false,
      action: 'none',
      detail: expect.stringContaining(
        "the sidecars' DNS proxy resolves .global names",
      ),
    });
  });

  it('needs no DNS entry under multi-primary, where the sidecars resolve Service names', async () => {
    const { call } = await start({ crossmesh: { strategy: 'multi-primary' } });
    const before = await corefileOf(bed.clusters[1]);
    const wired = await call('post', '/clusters/cluster-2/dns');
    expect(wired.status).toBe(200);
    expect(wired.body).toMatchObject({
      cluster: 'cluster-2',
      strategy: 'multi-primary',
      changed: false,
      action: 'none',
      detail: expect.stringMatching(
        /^Under the multi-primary strategy the sidecars' DNS proxy resolves other clusters' Service names \(<svc>\.<ns>\.svc\.cluster\.local\), so the cluster DNS needs no entry/,
      ),
    });
    expect(await corefileOf(bed.clusters[1])).toBe(before);
  });

  it('refuses to wire a cluster without istiocoredns, naming the fix', async () => {
    const { call } = await start();
    const { core } = await adminApis(bed.clusters[1]);
    const where = { name: 'istiocoredns', namespace: 'istio-system' };
    const istiocoredns = await core.readNamespacedService(where);
    await core.deleteNamespacedService(where);
    try {
      const refused = await call('post', '/clusters/cluster-2/dns');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        "the legacy-global DNS strategy needs the istiocoredns Service in namespace istio-system, and cluster 'cluster-2' has none",
      );
    } finally {
      // Back as it was (same cluster IP), for the tests that wire cluster-2, in any order.
      await core.createNamespacedService({
        namespace: where.namespace,
        body: {
          metadata: {
            name: where.name,
            labels: istiocoredns.metadata?.labels,
          },
          spec: istiocoredns.spec,
        },
      });
    }
  });

  it('refuses registration and DNS wiring without crossmesh.cluster.manage', async () => {
    const { call } = await start({ permissions: AuthorizeResult.DENY });
    const put = await call('put', '/clusters/cluster-1/membership', {
      network: 'network-1',
    });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toBe(
      'You are not allowed to update crossmesh.cluster.manage',
    );
    const dns = await call('post', '/clusters/cluster-1/dns');
    expect(dns.status).toBe(403);
    const preflight = await call('get', '/clusters/cluster-1/preflight');
    expect(preflight.status).toBe(403);
  });
});
