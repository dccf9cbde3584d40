import type { PreflightCheck } from '@crossmesh/backstage-plugin-crossmesh-common';
import { seedServices, startTestBed, TestBed } from '@crossmesh/test-bed';
import type { V1ConfigMap } from '@kubernetes/client-node';
import fs from 'node:fs';
import {
  accessCheckId,
  qualifiedResource,
  REQUIRED_ACCESS,
} from '../onboarding/preflight/requiredAccess';
import { clusterAdmin, ClusterAdmin } from '../__testUtils__/clusterAdmin';
import {
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../__testUtils__/testBackend';
import {
  exposureState,
  reconcileErrors,
  ruleKey,
  ruleScenarios,
} from './__testUtils__/ruleScenarios';
import { grantedOnlyBy } from './__testUtils__/rbacAudit';
import {
  describeRule,
  loadRbacFile,
  withoutRule,
} from './__testUtils__/rbacFile';

jest.setTimeout(300_000);

const file = loadRbacFile();
const SERVICE_ACCOUNT_USER = 'system:serviceaccount:crossmesh-system:crossmesh';
const MESH_CONFIG_WITH_DNS_CAPTURE = `defaultConfig:
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
`;

const entities = [
  component('svc-2', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-2',
    'backstage.io/kubernetes-namespace': 'bar',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('svc-3', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-3',
    'backstage.io/kubernetes-namespace': 'baz',
    'crossmesh.io/cluster': 'cluster-3',
    'crossmesh.io/ports': 'grpc:9090',
  }),
  // No ports annotation: its ports are read from its Service in cluster-2.
  component('svc-ports', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-ports',
    'backstage.io/kubernetes-namespace': 'foo',
    'crossmesh.io/cluster': 'cluster-2',
  }),
];

type Report = { ok: boolean; checks: PreflightCheck[] };
const denied = (report: Report) =>
  report.checks
    .filter(c => c.id.startsWith('access:') && c.status !== 'pass')
    .map(c => c.id)
    .sort();

/** API server audit events of writes by crossmesh's ServiceAccount that were refused. */
function refusedWrites(auditLogPath: string): string[] {
  return fs
    .readFileSync(auditLogPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(
      event =>
        event.user?.username === SERVICE_ACCOUNT_USER &&
        event.responseStatus?.code === 403,
    )
    .map(event => `${event.verb} ${event.objectRef?.resource}`);
}

describe('deploy/rbac.yaml on real API servers, through the real backend', () => {
  let bed: TestBed;
  let mesh: CrossmeshTestBackend;
  const admin: Record<string, ClusterAdmin> = {};
  let seededCoredns: V1ConfigMap;

  const carol = () => mesh.as('user:default/carol');
  const bob = () => mesh.as('user:default/bob');
  const preflight = async (cluster: string): Promise<Report> => {
    const answer = await carol().get(`/clusters/${cluster}/preflight`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  /** The authorizer picks RBAC changes up from its informers within moments. */
  const preflightUntil = async (
    cluster: string,
    wanted: (report: Report) => boolean,
  ): Promise<Report> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const report = await preflight(cluster);
      if (wanted(report) || Date.now() > deadline) return report;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };
  const applyRoles = (manifests: typeof file.manifests) =>
    Promise.all(bed.clusters.map(c => admin[c.name].replaceRoles(manifests)));

  beforeAll(async () => {
    // User crossmesh of the bed gets no binding: crossmesh signs in as the file's
    // ServiceAccount, with a token from the TokenRequest API.
    bed = await startTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
      istioVersions: { 'cluster-3': '1.22.3' },
      crossmeshAccess: 'none',
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
      {
        cluster: 'cluster-3',
        namespace: 'baz',
        name: 'svc-3',
        ports: [{ name: 'grpc', port: 9090 }],
      },
    ]);
    const tokens: Record<string, string> = {};
    await Promise.all(
      bed.clusters.map(async cluster => {
        const clusterApi = await clusterAdmin(cluster);
        admin[cluster.name] = clusterApi;
        await clusterApi.applyAll(file.manifests);
        tokens[cluster.name] = await clusterApi.serviceAccountToken(
          'crossmesh-system',
          'crossmesh',
        );
      }),
    );
    // Istio 1.22 in cluster-3, installed with DNS capture on.
    await admin['cluster-3'].core.createNamespacedConfigMap({
      namespace: 'istio-system',
      body: {
        metadata: { name: 'istio' },
        data: { mesh: MESH_CONFIG_WITH_DNS_CAPTURE },
      },
    });
    await admin['cluster-2'].core.createNamespace({
      body: { metadata: { name: 'foo' } },
    });
    await admin['cluster-2'].core.createNamespacedService({
      namespace: 'foo',
      body: {
        metadata: { name: 'svc-ports' },
        spec: {
          selector: { app: 'svc-ports' },
          ports: [{ name: 'http', port: 8000 }],
        },
      },
    });
    seededCoredns = await admin['cluster-2'].core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });

    const kubernetes = bed.kubernetesConfig();
    for (const cluster of kubernetes.clusterLocatorMethods[0].clusters) {
      cluster.serviceAccountToken = tokens[cluster.name];
    }
    mesh = await startCrossmeshTestBackend({
      kubernetes,
      // The watch scenarios read what the watches saw.
      crossmesh: { watchClusters: true },
      entities,
    });
  });

  afterAll(async () => {
    await mesh?.stop();
    await bed?.stop();
  });

  it('with exactly the file, passes preflight, onboards every cluster, and runs an exposure end to end', async () => {
    for (const cluster of bed.clusters) {
      const before = await preflight(cluster.name);
      expect(denied(before)).toEqual([]);
      expect(before.checks.find(c => c.id === 'credentials')?.detail).toContain(
        `signs in as user '${SERVICE_ACCOUNT_USER}'`,
      );
    }

    // Onboarding: the mesh root, then per cluster its membership, intermediate and cacerts
    // (with restarts) and .global DNS.
    expect(
      (await carol().post('/trust/root', { keyType: 'ecdsa-p256' })).status,
    ).toBe(201);
    for (const cluster of bed.clusters) {
      const member = await carol().put(`/clusters/${cluster.name}/membership`, {
        network: `network-${cluster.name}`,
      });
      expect(member.status).toBe(201);
      const issued = await carol().post(
        `/trust/clusters/${cluster.name}/intermediate`,
      );
      expect(issued.status).toBe(201);
      expect(issued.body.distribution).toEqual({
        cluster: cluster.name,
        changed: true,
        secretWritten: true,
        // Under dns-proxy (cluster-3) only istiod restarts (ADR 0022).
        restarted:
          cluster.name === 'cluster-3'
            ? ['istiod']
            : ['istiod', 'istio-ingressgateway'],
        missingDeployments: [],
      });
      const dns = await carol().post(`/clusters/${cluster.name}/dns`);
      expect(dns.status).toBe(200);
      // legacy-global: wired now, or already by the pass cluster-1's DNS change triggered
      // (the watch of its coredns ConfigMap); dns-proxy needs nothing.
      const possible =
        cluster.name === 'cluster-3' ? ['none'] : ['added', 'unchanged'];
      expect(possible).toContain(dns.body.action);
    }
    const wired = async (name: string) =>
      (await carol().post(`/clusters/${name}/dns`)).body;
    for (const name of ['cluster-1', 'cluster-2']) {
      expect(await wired(name)).toMatchObject({
        changed: false,
        detail: expect.stringContaining('already forwards .global names'),
      });
    }
    for (const cluster of bed.clusters) {
      const after = await preflight(cluster.name);
      expect(after.checks.filter(c => c.status !== 'pass')).toEqual([]);
      expect(after.ok).toBe(true);
    }

    // A gateway without a load-balancer address is found on a node's nodePort.
    const c2 = admin['cluster-2'];
    const gatewayService = await c2.core.readNamespacedService({
      name: 'istio-ingressgateway',
      namespace: 'istio-system',
    });
    const nodePort = gatewayService.spec!.ports!.find(
      p => p.port === 15443,
    )!.nodePort;
    await c2.core.createNode({
      body: {
        metadata: { name: 'node-1' },
        status: {
          addresses: [{ type: 'InternalIP', address: '198.51.100.7' }],
        },
      },
    });
    const setIngress = (ingress: object[]) =>
      c2.core.patchNamespacedServiceStatus(
        {
          name: 'istio-ingressgateway',
          namespace: 'istio-system',
          body: { status: { loadBalancer: { ingress } } },
        },
        c2.mergePatch,
      );
    await setIngress([]);
    expect((await carol().get('/clusters/cluster-2')).body.gateway).toEqual({
      address: '198.51.100.7',
      port: nodePort,
      source: 'nodePort',
    });
    await setIngress([{ ip: bed.clusters[1].gatewayAddress }]);

    const ports = await bob().get(
      '/service-ports?entityRef=component%3Adefault%2Fsvc-ports',
    );
    expect(ports.status).toBe(200);
    expect(ports.body).toMatchObject({
      ports: [{ name: 'http', number: 8000 }],
      source: 'service',
    });
    expect((await carol().get('/adoption/candidates')).status).toBe(200);

    // Exposures: svc-2 from a legacy-global cluster, svc-3 from a dns-proxy one.
    const ids: string[] = [];
    for (const entityRef of [
      'component:default/svc-2',
      'component:default/svc-3',
    ]) {
      const created = await bob().post('/exposures', {
        entityRef,
        consumerClusters: ['cluster-1'],
        reason: 'least-privilege end to end',
      });
      expect(created.status).toBe(201);
      const approved = await carol().post(
        `/exposures/${created.body.id}/approve`,
      );
      expect(approved.status).toBe(200);
      ids.push(created.body.id);
    }
    expect(await reconcileErrors(mesh)).toBe('');
    for (const id of ids) {
      expect(await exposureState(mesh, id)).toBe('active');
    }
    const [c1, , c3] = bed.clusters.map(c => admin[c.name]);
    expect(
      (await c1.managed('serviceentries')).map(e => e.spec.hosts[0]).sort(),
    ).toEqual(['svc-2.bar.global', 'svc-3.baz.global']);
    expect(await c1.managed('destinationrules')).toHaveLength(1);
    expect(await c3.managed('serviceentries')).toHaveLength(1);
    expect(await c3.managed('gateways')).toHaveLength(1);
    expect(await c3.managed('authorizationpolicies')).toHaveLength(1);

    for (const id of ids) {
      expect((await bob().post(`/exposures/${id}/revoke`)).status).toBe(200);
    }
    expect(await reconcileErrors(mesh)).toBe('');
    for (const id of ids) {
      expect(await exposureState(mesh, id)).toBe('revoked');
    }
    for (const cluster of [c1, c3]) {
      for (const plural of [
        'serviceentries',
        'destinationrules',
        'gateways',
        'authorizationpolicies',
      ]) {
        expect(await cluster.managed(plural)).toEqual([]);
      }
    }

    // Not one write of all that was refused by the API servers.
    for (const cluster of bed.clusters) {
      expect(refusedWrites(cluster.auditLogPath)).toEqual([]);
    }
  });

  it('without any one rule, preflight names the access it lacks and the operation that needs it fails saying what was forbidden', async () => {
    const scenarios = ruleScenarios({
      mesh,
      admin,
      gatewayAddress: Object.fromEntries(
        bed.clusters.map(c => [c.name, c.gatewayAddress]),
      ),
      seededCoredns,
      restartApiServer: async cluster => {
        await bed.stopCluster(cluster);
        await bed.startCluster(cluster);
      },
    });
    expect(Object.keys(scenarios).sort()).toEqual(
      file.rules.map(ruleKey).sort(),
    );

    const summary: string[] = [];
    for (const ref of file.rules) {
      const rule = describeRule(ref);
      const scenario = scenarios[ruleKey(ref)];
      const lacking = grantedOnlyBy(file, ref, REQUIRED_ACCESS);
      const lackingIds = lacking.map(accessCheckId).sort();
      if (!scenario.arrangeWithoutRule) await scenario.arrange?.();
      await applyRoles(withoutRule(file, ref));

      const report = await preflightUntil(
        scenario.cluster,
        r => denied(r).join() === lackingIds.join(),
      );
      expect({ rule, denied: denied(report) }).toEqual({
        rule,
        denied: lackingIds,
      });
      for (const access of lacking) {
        const check = report.checks.find(c => c.id === accessCheckId(access))!;
        expect({ rule, check }).toEqual({
          rule,
          check: expect.objectContaining({
            status: 'fail',
            detail: expect.stringMatching(/^Denied/),
            remedy: expect.stringContaining(
              `"${access.verb}" on ${qualifiedResource(access)}`,
            ),
          }),
        });
      }

      if (scenario.arrangeWithoutRule) await scenario.arrange?.();
      const message = await scenario.act();
      const verb = ref.rule.verbs[0];
      const resources = ref.rule.resources ?? [];
      const expected = scenario.expected ?? [
        /crossmesh's credentials are not allowed to do this \(403\)/,
        new RegExp(`cannot ${verb} resource "(${resources.join('|')})"`),
      ];
      for (const pattern of expected) {
        expect({ rule, message }).toEqual({
          rule,
          message: expect.stringMatching(pattern),
        });
      }
      const mustNameEach = scenario.namesEveryResource ? resources : [];
      for (const resource of mustNameEach) {
        expect({ rule, message }).toEqual({
          rule,
          message: expect.stringContaining(
            `cannot ${verb} resource "${resource}"`,
          ),
        });
      }
      summary.push(
        `${rule}\n    preflight: ${lackingIds.join(', ')}\n    said: ${
          message.split('\n')[0]
        }`,
      );

      await applyRoles(file.manifests);
      const restored = await preflightUntil(
        scenario.cluster,
        r => denied(r).length === 0,
      );
      expect({ rule, denied: denied(restored) }).toEqual({ rule, denied: [] });
      await scenario.restore?.();
    }
    // eslint-disable-next-line no-console
    console.log(
      `Each rule of deploy/rbac.yaml taken out:\n${summary.join('\n')}`,
    );

    // Back where the onboarding left every cluster.
    for (const cluster of bed.clusters) {
      const report = await preflight(cluster.name);
      expect(report.checks.filter(c => c.status !== 'pass')).toEqual([]);
    }
  });
});
