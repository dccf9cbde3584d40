import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';
import { allocateVip } from './allocateVip';

jest.setTimeout(120_000);

const HOST = 'svc-2.bar.global';

async function customObjects(bed: TestBed, index: number) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(bed.clusters[index].kubeconfigPath);
  return {
    objects: kubeConfig.makeApiClient(k8s.CustomObjectsApi),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
  };
}

function serviceEntry(name: string, addresses: string[], managed: boolean) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name,
      namespace: 'default',
      ...(managed && {
        labels: { 'app.kubernetes.io/managed-by': 'crossmesh' },
      }),
    },
    spec: {
      hosts: [`${name}.example.internal`],
      addresses,
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'STATIC',
      location: 'MESH_EXTERNAL',
      endpoints: [{ address: '192.0.2.80' }],
    },
  };
}

describe('VIPs avoid what other tools use in the consumer cluster (real API servers)', () => {
  let bed: TestBed;
  let mesh: CrossmeshTestBackend;
  const bob = () => mesh.as('user:default/bob');
  const carol = () => mesh.as('user:default/carol');

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
    mesh = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      entities: [
        component('svc-2', 'group:default/team-b', {
          'backstage.io/kubernetes-id': 'svc-2',
          'backstage.io/kubernetes-namespace': 'bar',
          'crossmesh.io/cluster': 'cluster-2',
          'crossmesh.io/ports': 'http:8000',
        }),
      ],
    });
  });

  afterAll(async () => {
    await mesh?.stop();
    await bed?.stop();
  });

  // One story: crossmesh steps over what others use, then preflight sees them move onto its VIP.
  it("steps over istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX and the addresses of ServiceEntries crossmesh does not own, and preflight reports either when it later overlaps a VIP", async () => {
    // Where the host's VIP would start, and the /16 around it.
    const first = allocateVip(new Set(), { seed: HOST }).address;
    const [a, b] = first.split('.').map(Number);
    const prefix = `${a}.${b}.0.0/16`;
    const after = `${a}.${b + 1}.0`;

    const { objects, apps } = await customObjects(bed, 0);
    await apps.patchNamespacedDeployment({
      name: 'istiod',
      namespace: 'istio-system',
      body: [
        {
          op: 'add',
          path: '/spec/template/spec/containers/0/env',
          value: [{ name: 'PILOT_IP_AUTOALLOCATE_IPV4_PREFIX', value: prefix }],
        },
      ],
    });
    const se = (body: object) =>
      objects.createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: 'default',
        plural: 'serviceentries',
        body,
      });
    // Another tool's: a CIDR in spec and an address istiod allocated in status.
    await se(serviceEntry('legacy-db', [`${after}.0/31`], false));
    await objects.patchNamespacedCustomObjectStatus({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'default',
      plural: 'serviceentries',
      name: 'legacy-db',
      body: [
        {
          op: 'add',
          path: '/status',
          value: { addresses: [{ value: `${after}.2` }] },
        },
      ],
    });
    // crossmesh's own (a leftover): its address is no reason to step over.
    await se(serviceEntry('stale', [`${after}.3`], true));

    const created = await bob().post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 calls svc-2',
    });
    expect(created.status).toBe(201);
    const approved = await carol().post(
      `/exposures/${created.body.id}/approve`,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.vip).toBe(`${after}.3`);

    const clear = await carol().get('/clusters/cluster-1/preflight');
    const vipCheck = () =>
      clear.body.checks.find((c: { id: string }) => c.id === 'vip-ranges');
    expect(vipCheck()).toEqual({
      id: 'vip-ranges',
      title: "crossmesh's VIPs clear of other address allocators",
      status: 'pass',
      detail: `istiod auto-allocates from ${prefix} (istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX); ServiceEntries crossmesh does not own use 2 addresses or ranges; none of crossmesh's 1 VIP is among them`,
    });

    // Later, istiod's range and another tool's ServiceEntry move onto that VIP.
    const vip: string = approved.body.vip;
    await apps.patchNamespacedDeployment({
      name: 'istiod',
      namespace: 'istio-system',
      body: [
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/env/0/value',
          value: `${vip.split('.').slice(0, 3).join('.')}.0/24`,
        },
      ],
    });
    await objects.createNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'default',
      plural: 'serviceentries',
      body: serviceEntry('admiral-made', [vip], false),
    });

    const report = await carol().get('/clusters/cluster-1/preflight');
    expect(report.status).toBe(200);
    expect(
      report.body.checks.find((c: { id: string }) => c.id === 'vip-ranges'),
    ).toMatchObject({
      status: 'fail',
      detail: `crossmesh's VIPs overlap addresses others use in this cluster: ${HOST} has ${vip}, in ${vip
        .split('.')
        .slice(0, 3)
        .join(
          '.',
        )}.0/24 (istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX); ${HOST} has ${vip}, in ${vip} (ServiceEntry default/admiral-made). Two ServiceEntries with one address clash without an error.`,
      remedy: expect.stringContaining('PILOT_IP_AUTOALLOCATE_IPV4_PREFIX'),
    });
    expect(report.body.ok).toBe(false);
  });
});
