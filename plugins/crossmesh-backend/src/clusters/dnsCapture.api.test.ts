import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { startCrossmeshTestBackend } from '../__testUtils__/testBackend';
import { adminApis } from '../__testUtils__/trustTestKit';

jest.setTimeout(120_000);

const meshWithCapture = `defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
rootNamespace: istio-system
`;

const meshWithoutCapture = `defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
rootNamespace: istio-system
`;

describe('DNS capture of the dns-proxy strategy, read from real API servers', () => {
  let bed: TestBed;
  const backends: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1'],
      istioVersion: '1.22.3',
    });
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
    // Each case starts without a mesh config, as the bed has none.
    const { core } = await adminApis(bed.clusters[0]);
    try {
      await core.deleteNamespacedConfigMap({
        name: 'istio',
        namespace: 'istio-system',
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  });

  afterAll(async () => {
    await bed?.stop();
  });

  async function clusters(crossmesh: object = {}) {
    const backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      crossmesh,
    });
    backends.push(backend);
    const response = await backend.call('get', '/clusters');
    expect(response.status).toBe(200);
    return response.body.items;
  }

  /** Creates or replaces ConfigMap istio-system/istio, as an operator would. */
  async function setMeshConfig(mesh: string) {
    const { core } = await adminApis(bed.clusters[0]);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh },
    };
    try {
      await core.replaceNamespacedConfigMap({
        name: 'istio',
        namespace: 'istio-system',
        body,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      await core.createNamespacedConfigMap({ namespace: 'istio-system', body });
    }
  }

  it('reports unknown while the mesh config is missing', async () => {
    const [c1] = await clusters();
    expect(c1).toMatchObject({
      name: 'cluster-1',
      reachable: true,
      strategy: 'dns-proxy',
      dnsCapture: 'unknown',
      dnsCaptureDetail: expect.stringContaining(
        'ConfigMap istio-system/istio was not found',
      ),
    });
    expect(c1.error).toBeUndefined();
  });

  it('reports enabled, then disabled after the mesh config changes', async () => {
    await setMeshConfig(meshWithCapture);
    const [enabled] = await clusters();
    expect(enabled).toMatchObject({
      strategy: 'dns-proxy',
      dnsCapture: 'enabled',
      dnsCaptureDetail: expect.stringContaining('DNS capture is on'),
    });

    await setMeshConfig(meshWithoutCapture);
    const [disabled] = await clusters();
    expect(disabled).toMatchObject({
      strategy: 'dns-proxy',
      dnsCapture: 'disabled',
      dnsCaptureDetail: expect.stringContaining(
        "ISTIO_META_DNS_CAPTURE in the 'mesh' key of ConfigMap istio-system/istio is not set",
      ),
    });
  });

  it('does not read it under another strategy', async () => {
    await setMeshConfig(meshWithCapture);
    const [c1] = await clusters({ strategy: 'legacy-global' });
    expect(c1.strategy).toBe('legacy-global');
    expect(c1).not.toHaveProperty('dnsCapture');
    expect(c1).not.toHaveProperty('dnsCaptureDetail');
  });
});
