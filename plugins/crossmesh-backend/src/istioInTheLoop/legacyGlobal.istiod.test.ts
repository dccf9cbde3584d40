import {
  ingressGatewayProxy,
  TestCluster,
  xdsSnapshot,
} from '@crossmesh/test-bed';
import { eventually } from '../__testUtils__/eventually';
import {
  createNamespace,
  createServices,
  applyAsAdmin,
} from './__testUtils__/clusterServices';
import {
  expectCallsThroughGateway,
  globalPassthroughSnis,
} from './__testUtils__/envoyConfig';
import { serviceComponent, startIstioLoop } from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.global';

/** What Istio 1.6's multicluster install left in every cluster for `.global` traffic. */
const istio16Install = {
  destinationRule: {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: {
      name: 'istio-multicluster-destinationrule',
      namespace: 'istio-system',
    },
    spec: {
      host: '*.global',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    },
  },
  gateway: {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: {
      name: 'istio-multicluster-ingressgateway',
      namespace: 'istio-system',
    },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          hosts: ['*.global'],
          port: { name: 'tls', number: 15443, protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  },
};

/**
 * legacy-global (the Istio 1.6 shape) served by a current istiod: the calling side still works
 * as it did, the exporting gateway no longer routes `.global` SNI, and preflight says so.
 */
describe('legacy-global on a current istiod', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let consumer: TestCluster;
  let exporter: TestCluster;

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2'], istiod: true },
      entities: [serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000')],
      crossmesh: { strategy: 'legacy-global' },
    });
    [consumer, exporter] = loop.bed.clusters;
    await createNamespace(consumer, 'foo');
    await createServices(exporter, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
    ]);
    for (const cluster of loop.bed.clusters) {
      await applyAsAdmin(cluster, istio16Install.destinationRule);
      await applyAsAdmin(cluster, istio16Install.gateway);
    }
  });
  afterAll(async () => {
    await loop?.stop();
  });

  it('gives the calling sidecar the same mTLS cluster to the exporting gateway, through the install’s *.global DestinationRule', async () => {
    const created = await loop.as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: [consumer.name],
      consumerNamespaces: ['foo'],
      reason: 'sleep in cluster-1 calls svc-2',
    });
    expect(created.status).toBe(201);
    const approved = await loop
      .as('carol')
      .post(`/exposures/${created.body.id}/approve`);
    expect(approved.status).toBe(200);
    const vip: string = approved.body.vip;
    await loop.reconcilePass();
    await eventually(`${SVC2} is pushed`, async () => {
      const sidecar = await xdsSnapshot(consumer, {
        namespace: 'foo',
        serviceAccount: 'sleep',
      });
      expectCallsThroughGateway(sidecar, {
        host: SVC2,
        port: 8000,
        gatewayAddress: exporter.gatewayAddress,
        vip,
      });
    });
  });

  it('leaves the exporting gateway without a route for the .global SNI: the install’s AUTO_PASSTHROUGH Gateway finds no .global service', async () => {
    const gateway = await xdsSnapshot(exporter, ingressGatewayProxy);
    expect(globalPassthroughSnis(gateway, 15443)).toEqual([]);
  });

  it('has preflight warn that this Istio’s gateway cannot serve the exporting side', async () => {
    const report = await loop
      .as('carol')
      .get(`/clusters/${exporter.name}/preflight`);
    expect(report.status).toBe(200);
    const strategy = report.body.checks.find((c: any) => c.id === 'strategy');
    expect(strategy).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('1.18 removed'),
      remedy: expect.stringContaining('dns-proxy'),
    });
    expect(strategy.detail).toContain(
      `Istio ${exporter.istioVersion.split('-')[0]}`,
    );
  });
});
