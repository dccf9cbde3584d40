import {
  TestCluster,
  ingressGatewayProxy,
  xdsSnapshot,
} from '@crossmesh/test-bed';
import { clusterAdmin } from '../__testUtils__/clusterAdmin';
import { eventually } from '../__testUtils__/eventually';
import {
  createNamespace,
  createReadyEndpoint,
  createServices,
} from './__testUtils__/clusterServices';
import { meshSni, passthroughRoutes } from './__testUtils__/envoyConfig';
import {
  exposeAndApply,
  hasSynced,
  istiodLogDetail,
  joinWithRemoteSecrets,
  revokeExposure,
  serviceComponent,
  sidecarReceives,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SVC2 = 'svc-2.bar.svc.cluster.local';
const SVC2_CLUSTER = `outbound|8000||${SVC2}`;
const NETWORK_LABEL = 'topology.istio.io/network';
const SVC2_ENDPOINT = '10.2.0.5';

/**
 * multi-primary across two networks: a sidecar of cluster-1 reaches svc-2 in cluster-2
 * through cluster-2's gateway on 15443, which passes only approved names through.
 */
describe('multi-primary across networks, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let cluster1: TestCluster;
  let cluster2: TestCluster;

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2'], istiod: true },
      crossmesh: {
        strategy: 'multi-primary',
        remoteSecrets: { enabled: true },
      },
      entities: [serviceComponent('svc-2', 'bar', 'cluster-2', 'http:8000')],
    });
    [cluster1, cluster2] = loop.bed.clusters;
    for (const [index, cluster] of loop.bed.clusters.entries()) {
      const admin = await clusterAdmin(cluster);
      await createNamespace(cluster, 'foo');
      // What an install with values.global.network leaves: the network on the system
      // namespace, and on the gateway other networks reach this one through.
      const network = { [NETWORK_LABEL]: `network-${index + 1}` };
      await admin.core.patchNamespace(
        { name: 'istio-system', body: { metadata: { labels: network } } },
        admin.mergePatch,
      );
      await admin.core.patchNamespacedService(
        {
          name: 'istio-ingressgateway',
          namespace: 'istio-system',
          body: { metadata: { labels: network } },
        },
        admin.mergePatch,
      );
    }
    await createServices(cluster2, 'bar', [
      { name: 'svc-2', port: { name: 'http', port: 8000 } },
    ]);
    // istiod sends another network only endpoints that speak Istio mTLS (the gateway passes
    // it through), which it learns from the pod's labels: the pod, as the kubelet reports it,
    // with its Service's one endpoint.
    const admin2 = await clusterAdmin(cluster2);
    await admin2.core.createNamespacedServiceAccount({
      namespace: 'bar',
      body: { metadata: { name: 'svc-2' } },
    });
    await admin2.core.createNamespacedPod({
      namespace: 'bar',
      body: {
        metadata: {
          name: 'svc-2-0',
          labels: { app: 'svc-2', 'security.istio.io/tlsMode': 'istio' },
        },
        spec: {
          serviceAccountName: 'svc-2',
          automountServiceAccountToken: false,
          containers: [{ name: 'svc-2', image: 'registry.invalid/app' }],
        },
      },
    });
    await admin2.core.patchNamespacedPodStatus(
      {
        name: 'svc-2-0',
        namespace: 'bar',
        body: {
          status: {
            phase: 'Running',
            podIP: SVC2_ENDPOINT,
            podIPs: [{ ip: SVC2_ENDPOINT }],
            conditions: [{ type: 'Ready', status: 'True' }],
          },
        },
      },
      admin2.mergePatch,
    );
    // The EndpointSlice after the pod, as the controller would: istiod reads the pod's
    // labels when it builds the endpoint.
    await createReadyEndpoint(
      cluster2,
      { namespace: 'bar', name: 'svc-2' },
      { address: SVC2_ENDPOINT, port: { name: 'http', port: 8000 } },
    );
    await joinWithRemoteSecrets(loop, ['network-1', 'network-2']);
    await hasSynced(cluster1, cluster2);
    await loop.reconcilePass();
  });
  afterAll(async () => {
    await loop?.stop();
  });

  /** A sidecar of cluster-1, on network-1. */
  const cluster1Gets = (expected: string[], why: string) =>
    sidecarReceives(cluster1, SVC2_CLUSTER, expected, why, {
      [NETWORK_LABEL]: 'network-1',
    });

  /** The Service names cluster-2's gateway passes through on 15443, once they are `expected`. */
  function gatewayPasses(expected: string[], why: string) {
    return eventually(
      `cluster-2's gateway passes ${JSON.stringify(expected)} (${why})`,
      async () => {
        const gateway = await xdsSnapshot(cluster2, ingressGatewayProxy);
        // Every Service name it passes, not only svc-2's: Istio's east-west `*.local`
        // would pass them all.
        const snis = Object.keys(passthroughRoutes(gateway, 15443)).filter(
          sni => sni.endsWith('.svc.cluster.local'),
        );
        if (JSON.stringify(snis) !== JSON.stringify(expected)) {
          throw new Error(`it passes ${JSON.stringify(snis)}`);
        }
        return snis;
      },
      { detail: istiodLogDetail(cluster2) },
    );
  }

  it('before approval: no endpoint for svc-2 in cluster-1, and the gateway passes nothing for it', async () => {
    expect(await cluster1Gets([], 'cluster-local by default')).toEqual([]);
    expect(await gatewayPasses([], 'nothing approved')).toEqual([]);
  });

  let request: { id: string };

  it("after approval: cluster-1's sidecar reaches svc-2 through cluster-2's gateway on 15443, which passes svc-2's name only", async () => {
    request = await exposeAndApply(loop, {
      service: 'svc-2',
      consumerClusters: [cluster1.name],
      reason: 'sleep in cluster-1 (network-1) calls svc-2 (network-2)',
    });
    expect(
      await cluster1Gets([`${cluster2.gatewayAddress}:15443`], 'approved'),
    ).toEqual([`${cluster2.gatewayAddress}:15443`]);
    expect(await gatewayPasses([meshSni(SVC2, 8000)], 'approved')).toEqual([
      meshSni(SVC2, 8000),
    ]);
  });

  it('after revoke: neither', async () => {
    await revokeExposure(loop, request.id);
    expect(await cluster1Gets([], 'revoked')).toEqual([]);
    expect(await gatewayPasses([], 'revoked')).toEqual([]);
  });
});
