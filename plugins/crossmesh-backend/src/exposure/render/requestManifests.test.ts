import { manifestsForRequest, ManifestSubject } from './requestManifests';

const request: ManifestSubject = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  host: 'svc-2.bar.global',
  vip: '240.0.0.2',
  service: {
    name: 'svc-2',
    namespace: 'bar',
    ports: [{ name: 'http', number: 8000 }],
  },
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1'],
  consumerNamespaces: ['foo'],
} as ManifestSubject;

const gateway = {
  address: '192.0.2.11',
  port: 15443,
  source: 'loadBalancer' as const,
};

/** Each cluster's role, object kinds and mesh-config hosts, as a reviewer reads them. */
function summary(manifests: ReturnType<typeof manifestsForRequest>) {
  if ('problem' in manifests) return manifests;
  return manifests.clusters.map(c => ({
    cluster: c.cluster,
    role: c.role,
    kinds: c.objects.map(o => o.kind),
    globalHosts: c.globalHosts,
  }));
}

describe('manifestsForRequest under multi-primary', () => {
  it('gives each consumer cluster the Service name to make global, and no object, with or without a gateway', () => {
    for (const source of [
      { strategy: 'multi-primary' as const, gateway },
      { strategy: 'multi-primary' as const, gateway: null },
    ]) {
      expect(summary(manifestsForRequest(request, source))).toEqual([
        {
          cluster: 'cluster-1',
          role: 'consumer',
          kinds: [],
          globalHosts: ['svc-2.bar.svc.cluster.local'],
        },
      ]);
    }
  });

  it("keeps the dns-proxy .global objects beside the mesh-config entry while callers move (keepGlobalNames), which needs the source's gateway", () => {
    const both = manifestsForRequest(
      request,
      { strategy: 'multi-primary', gateway },
      [],
      { keepGlobalNames: true },
    );
    const dnsProxy = manifestsForRequest(request, {
      strategy: 'dns-proxy',
      gateway,
    });
    expect(summary(both)).toEqual([
      {
        cluster: 'cluster-1',
        role: 'consumer',
        kinds: ['ServiceEntry', 'DestinationRule'],
        globalHosts: ['svc-2.bar.svc.cluster.local'],
      },
      {
        cluster: 'cluster-2',
        role: 'exporter',
        kinds: ['ServiceEntry', 'Gateway', 'AuthorizationPolicy'],
        globalHosts: undefined,
      },
    ]);
    // The objects are dns-proxy's, byte for byte.
    expect('clusters' in both && both.clusters.map(c => c.objects)).toEqual(
      'clusters' in dnsProxy && dnsProxy.clusters.map(c => c.objects),
    );

    expect(
      manifestsForRequest(
        request,
        { strategy: 'multi-primary', gateway: null },
        [],
        { keepGlobalNames: true },
      ),
    ).toEqual({
      problem: expect.stringMatching(
        /^the gateway address of cluster-2 is unknown/,
      ),
    });
  });

  it("across networks, the source's gateway passes only the Service's own name through on 15443", () => {
    const source = { strategy: 'multi-primary' as const, gateway };
    const rendered = manifestsForRequest(request, source, [], {
      networks: { 'cluster-1': 'network-1', 'cluster-2': 'network-2' },
    });
    expect(summary(rendered)).toEqual([
      {
        cluster: 'cluster-1',
        role: 'consumer',
        kinds: [],
        globalHosts: ['svc-2.bar.svc.cluster.local'],
      },
      {
        cluster: 'cluster-2',
        role: 'exporter',
        kinds: ['Gateway'],
        globalHosts: undefined,
      },
    ]);
    const gatewayObject =
      'clusters' in rendered ? rendered.clusters[1].objects[0] : undefined;
    expect(gatewayObject?.metadata.namespace).toBe('istio-system');
    expect(gatewayObject?.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 15443, name: 'tls', protocol: 'TLS' },
          hosts: ['svc-2.bar.svc.cluster.local'],
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    });
    // One network, or a consumer whose network is unknown: nothing to pass through.
    const oneNetwork: Array<Record<string, string>> = [
      { 'cluster-1': 'network-1', 'cluster-2': 'network-1' },
      { 'cluster-2': 'network-2' },
    ];
    for (const networks of oneNetwork) {
      expect(
        summary(manifestsForRequest(request, source, [], { networks })),
      ).toHaveLength(1);
    }
  });
});
