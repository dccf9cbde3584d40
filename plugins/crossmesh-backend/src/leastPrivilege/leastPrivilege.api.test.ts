import { REMOTE_SECRETS_TASK, remoteSecretName } from '../remoteSecrets';
import { exposureState, reconcileErrors } from './__testUtils__/ruleScenarios';
import {
  denied,
  LeastPrivilegeMesh,
  refusedWrites,
  SERVICE_ACCOUNT_USER,
  startLeastPrivilegeMesh,
} from './__testUtils__/leastPrivilegeMesh';

jest.setTimeout(300_000);

describe('deploy/rbac.yaml on real API servers, through the real backend', () => {
  let lp: LeastPrivilegeMesh;
  beforeAll(async () => {
    lp = await startLeastPrivilegeMesh();
  });
  afterAll(async () => {
    await lp?.stop();
  });

  it('with exactly the file, passes preflight, onboards every cluster, and runs an exposure end to end', async () => {
    const { bed, mesh, admin, carol, bob, preflight, onboard } = lp;
    for (const cluster of bed.clusters) {
      const before = await preflight(cluster.name);
      expect(denied(before)).toEqual([]);
      expect(before.checks.find(c => c.id === 'credentials')?.detail).toContain(
        `signs in as user '${SERVICE_ACCOUNT_USER}'`,
      );
    }

    // Onboarding: the mesh root, then per cluster its membership, intermediate and cacerts
    // (with restarts) and .global DNS.
    const onboarded = await onboard();
    expect(onboarded.root.status).toBe(201);
    for (const { name, member, issued, dns } of onboarded.clusters) {
      expect(member.status).toBe(201);
      expect(issued.status).toBe(201);
      expect(issued.body.distribution).toEqual({
        cluster: name,
        changed: true,
        secretWritten: true,
        // Under dns-proxy (cluster-3) only istiod restarts (ADR 0022).
        restarted:
          name === 'cluster-3'
            ? ['istiod']
            : ['istiod', 'istio-ingressgateway'],
        missingDeployments: [],
      });
      expect(dns.status).toBe(200);
      // legacy-global: wired now, or already by the pass cluster-1's DNS change triggered
      // (the watch of its coredns ConfigMap); dns-proxy needs nothing.
      const possible = name === 'cluster-3' ? ['none'] : ['added', 'unchanged'];
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

    // Remote secrets (crossmesh.remoteSecrets): each cluster holds one for every other.
    await mesh.runTask(REMOTE_SECRETS_TASK);
    for (const holder of bed.clusters) {
      for (const remote of bed.clusters.filter(c => c !== holder)) {
        const secret = await admin[holder.name].core.readNamespacedSecret({
          name: remoteSecretName(remote.name),
          namespace: 'istio-system',
        });
        expect(secret.metadata?.labels).toMatchObject({
          'istio/multiCluster': 'true',
        });
      }
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
});
