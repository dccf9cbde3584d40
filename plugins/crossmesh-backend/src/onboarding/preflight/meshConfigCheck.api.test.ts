import { PreflightCheck } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
  usersWithDefaultOnPlatformTeam,
} from '../../__testUtils__/testBackend';
import { clusterAdmin } from '../../__testUtils__/clusterAdmin';

jest.setTimeout(180_000);

/** The mesh config `istioctl install` leaves with the DNS proxy on. */
const INSTALLED = [
  'defaultConfig:',
  '  proxyMetadata:',
  '    ISTIO_META_DNS_CAPTURE: "true"',
  'rootNamespace: istio-system',
  '',
].join('\n');

describe('preflight of a multi-primary cluster’s mesh config (real API server)', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;
  let admin: Awaited<ReturnType<typeof clusterAdmin>>;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1'],
      istioVersions: { 'cluster-1': '1.22.3' },
    });
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
      crossmesh: { strategy: 'multi-primary' },
    });
    admin = await clusterAdmin(bed.clusters[0]);
  });
  afterAll(async () => {
    await backend?.stop();
    await bed?.stop();
  });

  async function setMeshConfig(mesh: string | undefined) {
    const target = { name: 'istio', namespace: 'istio-system' };
    try {
      await admin.core.deleteNamespacedConfigMap(target);
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
    if (mesh !== undefined) {
      await admin.core.createNamespacedConfigMap({
        namespace: target.namespace,
        body: { metadata: { name: target.name }, data: { mesh } },
      });
    }
  }

  async function checks(...ids: string[]) {
    const response = await backend.call('get', '/clusters/cluster-1/preflight');
    expect(response.status).toBe(200);
    return ids.map(id =>
      (response.body.checks as PreflightCheck[]).find(c => c.id === id),
    );
  }

  it("passes on an installer's mesh config, saying what crossmesh will add", async () => {
    await setMeshConfig(INSTALLED);
    const [capture, meshConfig] = await checks('dns-capture', 'mesh-config');
    expect(capture?.status).toBe('pass');
    expect(meshConfig).toMatchObject({
      status: 'pass',
      detail:
        'crossmesh will add its serviceSettings to ConfigMap istio-system/istio (*.svc.cluster.local cluster-local until an exposure is approved) and keep every other line',
    });
    // Preflight only reads.
    const after = await admin.core.readNamespacedConfigMap({
      name: 'istio',
      namespace: 'istio-system',
    });
    expect(after.data?.mesh).toBe(INSTALLED);
  });

  it('fails on serviceSettings written in one line, naming the line and the fix', async () => {
    await setMeshConfig(
      `${INSTALLED}serviceSettings: [{settings: {clusterLocal: true}, hosts: ["*"]}]\n`,
    );
    const [meshConfig] = await checks('mesh-config');
    expect(meshConfig).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^ConfigMap istio-system\/istio: serviceSettings on line 5 is written in one line .*write it as a block list/,
      ),
      remedy: expect.stringContaining('meshConfig.serviceSettings'),
    });
  });

  it('fails when the mesh config is missing, and so does the DNS capture check', async () => {
    await setMeshConfig(undefined);
    const [capture, meshConfig] = await checks('dns-capture', 'mesh-config');
    expect(capture?.status).toBe('warn');
    expect(meshConfig).toMatchObject({
      status: 'fail',
      detail:
        'ConfigMap istio-system/istio was not found; istiod of revision default reads the mesh config from it',
    });
  });

  it("checks the network labels against the membership's network", async () => {
    await setMeshConfig(INSTALLED);
    const [notMember] = await checks('network');
    expect(notMember).toMatchObject({
      status: 'pass',
      detail:
        'Not a member yet; istio-system has no topology.istio.io/network label (one network)',
    });

    const member = await backend.call('put', '/clusters/cluster-1/membership', {
      network: 'network-1',
    });
    expect([200, 201]).toContain(member.status);
    const [unlabelled] = await checks('network');
    expect(unlabelled).toMatchObject({
      status: 'warn',
      remedy: expect.stringContaining(
        'kubectl label namespace istio-system topology.istio.io/network=network-1',
      ),
    });

    const label = (value: string) => ({
      metadata: { labels: { 'topology.istio.io/network': value } },
    });
    await admin.core.patchNamespace(
      { name: 'istio-system', body: label('network-2') },
      admin.mergePatch,
    );
    const [other] = await checks('network');
    expect(other).toMatchObject({
      status: 'fail',
      detail:
        'Namespace istio-system says network network-2 and the membership says network-1; istiod goes by the label',
    });

    await admin.core.patchNamespace(
      { name: 'istio-system', body: label('network-1') },
      admin.mergePatch,
    );
    const [gatewayUnlabelled] = await checks('network');
    expect(gatewayUnlabelled).toMatchObject({
      status: 'warn',
      remedy:
        'kubectl -n istio-system label service istio-ingressgateway topology.istio.io/network=network-1 --overwrite',
    });

    await admin.core.patchNamespacedService(
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        body: label('network-1'),
      },
      admin.mergePatch,
    );
    const [labelled] = await checks('network');
    expect(labelled).toMatchObject({
      status: 'pass',
      detail:
        'Namespace istio-system and its gateway Service say network network-1, as the membership does',
    });
  });
});

describe('preflight of the mesh configs of revision-tagged istiods (real API server)', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1'],
      istioVersions: { 'cluster-1': '1.24.2' },
    });
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
      crossmesh: {
        strategy: 'multi-primary',
        multiPrimary: { revisions: ['1-24', '1-25'] },
      },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await bed?.stop();
  });

  it("checks each revision's ConfigMap, and names the one that is missing with the fix", async () => {
    const admin = await clusterAdmin(bed.clusters[0]);
    await admin.core.createNamespacedConfigMap({
      namespace: 'istio-system',
      body: {
        metadata: { name: 'istio-1-24', labels: { 'istio.io/rev': '1-24' } },
        data: { mesh: `# revision 1-24\n${INSTALLED}` },
      },
    });
    const response = await backend.call('get', '/clusters/cluster-1/preflight');
    const meshConfig = (response.body.checks as PreflightCheck[]).find(
      c => c.id === 'mesh-config',
    );
    expect(meshConfig).toEqual({
      id: 'mesh-config',
      title: 'crossmesh can keep serviceSettings in the mesh config',
      status: 'fail',
      detail:
        'ConfigMap istio-system/istio-1-25 was not found; istiod of revision 1-25 reads the mesh config from it',
      remedy:
        'Install revision 1-25 of Istio, or remove it from crossmesh.multiPrimary.revisions',
    });

    await admin.core.createNamespacedConfigMap({
      namespace: 'istio-system',
      body: {
        metadata: { name: 'istio-1-25' },
        data: { mesh: INSTALLED },
      },
    });
    const again = await backend.call('get', '/clusters/cluster-1/preflight');
    expect(
      (again.body.checks as PreflightCheck[]).find(c => c.id === 'mesh-config'),
    ).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(
        /^crossmesh will add its serviceSettings to ConfigMap istio-system\/istio-1-24 .*; crossmesh will add its serviceSettings to ConfigMap istio-system\/istio-1-25 /,
      ),
    });
  });
});
