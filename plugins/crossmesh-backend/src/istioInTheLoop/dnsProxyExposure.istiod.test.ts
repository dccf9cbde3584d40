import {
  AnalysisMessage,
  analyzeCluster,
  ingressGatewayProxy,
  TestCluster,
  XdsSnapshot,
  xdsSnapshot,
} from '@crossmesh/test-bed';
import { eventually } from '../__testUtils__/eventually';
import {
  clusterNamed,
  expectCallsThroughGateway,
  endpointAddresses,
  globalClusterNames,
  globalPassthroughSnis,
  listenerAt,
  meshSni,
  maxConnectionDurations,
  outboundCluster,
  passthroughRoutes,
  virtualHostFor,
} from './__testUtils__/envoyConfig';
import {
  analyzerFindingsSince,
  exposeAndApply,
  revokeExposure,
  serviceComponent,
  startIstioLoop,
} from './__testUtils__/istioLoop';
import {
  createNamespace,
  createServices,
  createSidecarPods,
} from './__testUtils__/clusterServices';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.global';
const SVC3 = 'svc-3.bar.global';

/**
 * The dns-proxy strategy as Istio sees it: what a sidecar in a consumer cluster and the
 * exporting cluster's gateway receive from real istiods after crossmesh applies an exposure.
 */
describe('dns-proxy exposures, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let consumer: TestCluster;
  let exporter: TestCluster;
  let bystander: TestCluster;
  const baseline = new Map<string, AnalysisMessage[]>();

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2', 'cluster-3'], istiod: true },
      entities: [
        serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000'),
        serviceComponent('svc-3', 'bar', 'cluster-2', 'tcp-db:5432'),
      ],
    });
    [consumer, exporter, bystander] = loop.bed.clusters;
    await createServices(exporter, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
      { name: 'svc-3', port: { name: 'tcp-db', port: 5432 } },
    ]);
    // The exporting namespace has workloads, which the host's AuthorizationPolicy applies to.
    await createSidecarPods(exporter, 'bar', ['svc-2', 'svc-3']);
    for (const cluster of [consumer, bystander]) {
      await createNamespace(cluster, 'foo');
      await createNamespace(cluster, 'qux');
    }
    for (const cluster of loop.bed.clusters) {
      baseline.set(cluster.name, await analyzeCluster(cluster));
    }
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const sleepIn = (namespace: string) => ({
    namespace,
    serviceAccount: 'sleep',
    dnsCapture: true,
  });

  /** Requests and approves an exposure of `service` to cluster-1's namespace foo, and applies it. */
  const expose = (service: string) =>
    exposeAndApply(loop, {
      service,
      consumerClusters: [consumer.name],
      reason: `sleep in cluster-1 calls ${service}`,
    });
  const revoke = (request: { id: string }) => revokeExposure(loop, request.id);

  /** The probe's view once `check` holds (istiod pushes within moments of a change). */
  function once(
    cluster: TestCluster,
    proxy: Parameters<typeof xdsSnapshot>[1],
    what: string,
    check: (snapshot: XdsSnapshot) => void,
  ) {
    return eventually(
      `${what} (${cluster.name}, ${proxy.type ?? 'sidecar'} in ${
        proxy.namespace
      })`,
      async () => {
        const snapshot = await xdsSnapshot(cluster, proxy);
        check(snapshot);
        return snapshot;
      },
      { detail: () => `istiod log: ${cluster.istiod!.logFile}` },
    );
  }

  /** `istioctl analyze` findings in any cluster that were not there before crossmesh acted. */
  async function analyzerFindings() {
    const found = await Promise.all(
      loop.bed.clusters.map(cluster =>
        analyzerFindingsSince(cluster, baseline.get(cluster.name)!),
      ),
    );
    return found.flat();
  }

  let svc2: { id: string; vip: string };

  it('gives an approved consumer an mTLS cluster to the exporting gateway on 15443, answering to the host and the VIP', async () => {
    svc2 = await expose('svc-2');

    await once(consumer, sleepIn('foo'), `${SVC2} is pushed`, sidecar => {
      expectCallsThroughGateway(sidecar, {
        host: SVC2,
        port: 8000,
        gatewayAddress: exporter.gatewayAddress,
        vip: svc2.vip,
      });
      expect(sidecar.nameTable?.[SVC2]?.ips).toEqual([svc2.vip]);
      // Its connections live at most half a workload-certificate lifetime (default 24 h),
      // so they follow a root rotation (ADR 0023).
      expect(
        maxConnectionDurations(
          clusterNamed(sidecar, outboundCluster(SVC2, 8000)),
        ),
      ).toEqual(['43200s']);
    });

    // Exported to namespace foo only.
    const elsewhere = await xdsSnapshot(consumer, sleepIn('qux'));
    expect(globalClusterNames(elsewhere)).toEqual([]);
    expect(elsewhere.nameTable?.[SVC2]).toBeUndefined();
  });

  it('gives the exporting gateway a 15443 listener passing that SNI through to the local service', async () => {
    const sni = meshSni(SVC2, 8000);
    await once(
      exporter,
      ingressGatewayProxy,
      `the gateway passes ${sni} through`,
      gateway => {
        expect(globalPassthroughSnis(gateway, 15443)).toEqual([sni]);
        const target = passthroughRoutes(gateway, 15443)[sni];
        expect(target).toBe(sni);
        expect(
          endpointAddresses(gateway, clusterNamed(gateway, target)),
        ).toEqual(['svc-2.bar.svc.cluster.local:8000']);
      },
    );
  });

  it('gives a consumer cluster that was not approved nothing for the host', async () => {
    const sidecar = await xdsSnapshot(bystander, sleepIn('foo'));
    expect(globalClusterNames(sidecar)).toEqual([]);
    expect(sidecar.nameTable?.[SVC2]).toBeUndefined();
    expect(virtualHostFor(sidecar, '8000', SVC2)).toBeUndefined();
  });

  it('leaves istioctl analyze nothing to report after approval', async () => {
    expect(await analyzerFindings()).toEqual([]);
  });

  it('takes it all away on revoke', async () => {
    await revoke(svc2);
    await once(consumer, sleepIn('foo'), `${SVC2} is gone`, sidecar => {
      expect(globalClusterNames(sidecar)).toEqual([]);
      expect(sidecar.nameTable?.[SVC2]).toBeUndefined();
      expect(virtualHostFor(sidecar, '8000', SVC2)).toBeUndefined();
    });
    await once(
      exporter,
      ingressGatewayProxy,
      'the gateway passes nothing',
      gateway => expect(globalPassthroughSnis(gateway, 15443)).toEqual([]),
    );
    expect(await analyzerFindings()).toEqual([]);
  });

  it('after istiods restart while exposures change, they push exactly the active exposures', async () => {
    const again = await expose('svc-2');
    await once(consumer, sleepIn('foo'), `${SVC2} is pushed`, s =>
      expect(globalClusterNames(s)).toEqual([outboundCluster(SVC2, 8000)]),
    );

    await loop.bed.stopIstiod(consumer.name, 'SIGKILL');
    await loop.bed.stopIstiod(exporter.name, 'SIGKILL');
    await revoke(again);
    const svc3 = await expose('svc-3');
    await loop.bed.startIstiod(consumer.name);
    await loop.bed.startIstiod(exporter.name);

    const sidecar = await xdsSnapshot(consumer, sleepIn('foo'));
    expect(globalClusterNames(sidecar)).toEqual([outboundCluster(SVC3, 5432)]);
    expect(
      Object.keys(sidecar.nameTable ?? {}).filter(h => h.endsWith('.global')),
    ).toEqual([SVC3]);
    // A TCP port: the sidecar listens on the VIP itself.
    expect(listenerAt(sidecar, svc3.vip, 5432)).toBeDefined();
    const gateway = await xdsSnapshot(exporter, ingressGatewayProxy);
    expect(globalPassthroughSnis(gateway, 15443)).toEqual([
      meshSni(SVC3, 5432),
    ]);
  });
});
