import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { renderExposure } from './renderExposure';
import type { KubeObject } from './types';

jest.setTimeout(120_000);

const plurals: Record<string, string> = {
  ServiceEntry: 'serviceentries',
  DestinationRule: 'destinationrules',
  Gateway: 'gateways',
  AuthorizationPolicy: 'authorizationpolicies',
};

describe('rendered objects against a real API server with Istio’s CRDs', () => {
  let bed: TestBed;
  let customObjects: CustomObjectsApi;
  let core: CoreV1Api;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    const k8s = await import('@kubernetes/client-node');
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromFile(bed.clusters[0].kubeconfigPath);
    customObjects = kubeconfig.makeApiClient(k8s.CustomObjectsApi);
    core = kubeconfig.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const createAndReadBack = async (object: KubeObject) => {
    const [group, version] = object.apiVersion.split('/');
    const where = {
      group,
      version,
      namespace: object.metadata.namespace,
      plural: plurals[object.kind],
    };
    await customObjects.createNamespacedCustomObject({
      ...where,
      body: object,
    });
    return (await customObjects.getNamespacedCustomObject({
      ...where,
      name: object.metadata.name,
    })) as KubeObject;
  };

  it('accepts every object of both strategies and stores them as rendered', async () => {
    for (const namespace of ['foo', 'baz', 'bar']) {
      await core.createNamespace({ body: { metadata: { name: namespace } } });
    }
    const longHost = `s${'v'.repeat(62)}.n${'s'.repeat(62)}.global`;
    const legacy = renderExposure('legacy-global', {
      requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      host: 'svc-1.bar.global',
      vip: '240.0.0.2',
      ports: [
        { name: 'http', number: 8000 },
        { name: 'tcp-db', number: 5432, protocol: 'tcp' },
      ],
      exportTo: ['foo', 'baz'],
      remoteGateway: { address: bed.clusters[0].gatewayAddress, port: 15443 },
    });
    const legacyAllNamespaces = renderExposure('legacy-global', {
      requestId: 'request with spaces',
      host: longHost,
      vip: '255.255.255.254',
      ports: [{ name: 'grpc-web', number: 65535 }],
      remoteGateway: { address: 'gateway.cluster-2.example.com', port: 31443 },
    });
    const dnsProxy = renderExposure('dns-proxy', {
      requestId: '9d2c1f0e-3b1a-4c55-8a8e-1d6f2b8c7a10',
      host: 'svc-2.bar.global',
      vip: '250.1.2.3',
      ports: [
        { name: 'http2', number: 8080 },
        { name: 'https', number: 8443, protocol: 'HTTPS' },
      ],
      exportTo: ['foo'],
      remoteGateway: { address: bed.clusters[0].gatewayAddress, port: 15443 },
      localService: { name: 'svc-2', namespace: 'bar' },
    });
    const objects = [
      ...legacy.consumer,
      ...legacy.exporter,
      ...legacyAllNamespaces.consumer,
      ...dnsProxy.consumer,
      ...dnsProxy.exporter,
    ];
    expect(objects.map(o => o.kind).sort()).toEqual([
      'AuthorizationPolicy',
      'DestinationRule',
      'Gateway',
      'ServiceEntry',
      'ServiceEntry',
      'ServiceEntry',
      'ServiceEntry',
      'ServiceEntry',
    ]);

    for (const object of objects) {
      const stored = await createAndReadBack(object);
      expect({ kind: stored.kind, spec: stored.spec }).toEqual({
        kind: object.kind,
        spec: object.spec,
      });
      expect(stored.metadata).toMatchObject(object.metadata);
    }
  });

  it('is refused by the API server when the CRD schema is broken, so the check above means something', async () => {
    const [serviceEntry] = renderExposure('legacy-global', {
      requestId: 'r1',
      host: 'svc-3.bar.global',
      vip: '240.0.0.9',
      ports: [{ name: 'http', number: 80 }],
      remoteGateway: { address: '192.0.2.10', port: 15443 },
    }).consumer;
    const broken = {
      ...serviceEntry,
      spec: { ...serviceEntry.spec, resolution: 'ROUND_ROBIN' },
    };
    await expect(createAndReadBack(broken)).rejects.toThrow(/resolution/);
  });
});
