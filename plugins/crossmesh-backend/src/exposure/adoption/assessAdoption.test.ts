import { Entity } from '@backstage/catalog-model';
import {
  ExposureRequest,
  MeshCluster,
  MeshStrategy,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  ADOPTION_REASON,
  AdoptionFacts,
  assessAdoption,
} from './assessAdoption';
import { readHandMadeEntry } from './handMadeServiceEntry';

function cluster(
  name: string,
  gateway: string,
  strategy: MeshStrategy = 'legacy-global',
): MeshCluster {
  return {
    name,
    reachable: true,
    istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
    strategy,
    strategySource: 'detected',
    gateway: { address: gateway, port: 15443, source: 'loadBalancer' },
    observedAt: '2026-01-01T00:00:00Z',
  };
}

/** A ServiceEntry as Istio 1.6's docs wrote it, as listed from the API server. */
function serviceEntry(
  clusterName: string,
  name: string,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = {},
) {
  return readHandMadeEntry(clusterName, {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'ServiceEntry',
    metadata: {
      name,
      namespace: 'bar',
      uid: `uid-${clusterName}-${name}`,
      resourceVersion: '1',
      labels,
    },
    spec: {
      hosts: ['svc-2.bar.global'],
      location: 'MESH_INTERNAL',
      ports: [{ name: 'http', number: 8000, protocol: 'http' }],
      resolution: 'DNS',
      addresses: ['240.0.0.2'],
      endpoints: [{ address: '192.0.2.11', ports: { http: 15443 } }],
      ...spec,
    },
  });
}

function component(name: string, id: string, namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': id,
        'backstage.io/kubernetes-namespace': namespace,
      },
    },
    spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'x' },
  };
}

const clusters = [
  cluster('cluster-1', '192.0.2.10'),
  cluster('cluster-2', '192.0.2.11'),
  cluster('cluster-3', '192.0.2.12'),
];

function facts(overrides: Partial<AdoptionFacts>): AdoptionFacts {
  return {
    entries: [],
    clusters,
    vips: [],
    openRequests: [],
    components: [component('svc-2', 'svc-2', 'bar')],
    now: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

function problemsOf(overrides: Partial<AdoptionFacts>): string[] {
  const [host] = assessAdoption(facts(overrides));
  expect(host.plan).toBeUndefined();
  return host.problems.map(p => `${p.kind}: ${p.message}`);
}

describe('readHandMadeEntry', () => {
  it('reads a hand-made .global entry and skips crossmesh-made or non-.global ones', () => {
    expect(serviceEntry('cluster-1', 'svc-2-bar')).toMatchObject({
      id: 'cluster-1/bar/svc-2-bar',
      host: 'svc-2.bar.global',
      addresses: ['240.0.0.2'],
      endpoints: [{ address: '192.0.2.11', ports: { http: 15443 } }],
      exportTo: [],
    });
    expect(
      serviceEntry(
        'cluster-1',
        'x',
        {},
        { 'app.kubernetes.io/managed-by': 'crossmesh' },
      ),
    ).toBeUndefined();
    expect(
      serviceEntry('cluster-1', 'x', { hosts: ['api.example.com'] }),
    ).toBeUndefined();
  });
});

describe('assessAdoption', () => {
  it('maps a host to its Component, the cluster behind the gateway, and one request keeping the VIP', () => {
    const [host] = assessAdoption(
      facts({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar')!,
          serviceEntry('cluster-3', 'svc-2-bar')!,
        ],
      }),
    );
    expect(host.problems).toEqual([]);
    expect(host).toMatchObject({
      host: 'svc-2.bar.global',
      entityRef: 'component:default/svc-2',
      sourceCluster: 'cluster-2',
      vip: '240.0.0.2',
    });
    expect(host.plan).toMatchObject({
      sourceCluster: 'cluster-2',
      strategy: 'legacy-global',
      newRequest: {
        entityRef: 'component:default/svc-2',
        service: {
          name: 'svc-2',
          namespace: 'bar',
          ports: [{ name: 'http', number: 8000 }],
        },
        sourceCluster: 'cluster-2',
        consumerClusters: ['cluster-1', 'cluster-3'],
        consumerNamespaces: [],
        reason: ADOPTION_REASON,
        vip: '240.0.0.2',
      },
    });
    expect(
      host.plan!.takeovers.map(t => [t.cluster, t.role, t.requestId]),
    ).toEqual([
      ['cluster-1', 'consumer', undefined],
      ['cluster-3', 'consumer', undefined],
    ]);
  });

  it('names an endpoint that is no gateway of the mesh, and a VIP in Istio’s range', () => {
    expect(
      problemsOf({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar', {
            endpoints: [{ address: '192.0.2.99', ports: { http: 15443 } }],
            addresses: ['240.240.0.5'],
          })!,
        ],
      }),
    ).toEqual([
      "invalid: cluster-1/bar/svc-2-bar: endpoint '192.0.2.99' is not the gateway address of any cluster of the mesh (cluster-1: 192.0.2.10; cluster-2: 192.0.2.11; cluster-3: 192.0.2.12); fix the entry, or the cluster's gateway address (crossmesh.clusters.<name>.gatewayAddress)",
      "invalid: VIP 240.240.0.5 of svc-2.bar.global is in 240.240.0.0/16, Istio's own auto-allocation range, where it can clash silently; change the hand-made entries' address first",
    ]);
  });

  it('refuses a VIP outside 240.0.0.0/4, different VIPs per cluster, and a service no Component claims', () => {
    expect(
      problemsOf({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar', {
            addresses: ['10.0.0.2'],
          })!,
        ],
      }),
    ).toEqual([
      expect.stringContaining('VIP 10.0.0.2 of svc-2.bar.global is outside'),
    ]);
    expect(
      problemsOf({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar')!,
          serviceEntry('cluster-3', 'svc-2-bar', {
            addresses: ['240.0.0.3'],
          })!,
        ],
      }),
    ).toEqual([
      "invalid: svc-2.bar.global has different VIPs in different clusters: '240.0.0.2' in cluster-1/bar/svc-2-bar, '240.0.0.3' in cluster-3/bar/svc-2-bar; crossmesh keeps one VIP per host for the whole mesh, so make them equal first",
    ]);
    expect(
      problemsOf({
        entries: [serviceEntry('cluster-1', 'svc-2-bar')!],
        components: [component('other', 'svc-2', 'elsewhere')],
      }),
    ).toEqual([
      'invalid: no Component in the catalog has the annotations backstage.io/kubernetes-id: svc-2 and backstage.io/kubernetes-namespace: bar; annotate the Component that owns the service (or register it), then list the candidates again',
    ]);
  });

  it('reports a VIP held by another host, or by another hand-made host, as a conflict', () => {
    expect(
      problemsOf({
        entries: [serviceEntry('cluster-1', 'svc-2-bar')!],
        vips: [
          {
            host: 'svc-4.bar.global',
            address: '240.0.0.2',
            requestId: 'r-4',
            allocatedAt: '2026-01-01T00:00:00Z',
          },
        ],
      }),
    ).toEqual([
      'conflict: VIP 240.0.0.2 of svc-2.bar.global is already allocated to svc-4.bar.global (request r-4); change the hand-made entries of one of the two hosts first',
    ]);
    const assessed = assessAdoption(
      facts({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar')!,
          serviceEntry('cluster-1', 'svc-5-bar', {
            hosts: ['svc-5.bar.global'],
          })!,
        ],
        components: [
          component('svc-2', 'svc-2', 'bar'),
          component('svc-5', 'svc-5', 'bar'),
        ],
      }),
    );
    expect(assessed.map(a => a.problems)).toEqual([
      [
        expect.objectContaining({
          kind: 'conflict',
          message: expect.stringContaining(
            'VIP 240.0.0.2 of svc-2.bar.global is also the VIP of svc-5.bar.global (cluster-1/bar/svc-5-bar)',
          ),
        }),
      ],
      [expect.objectContaining({ kind: 'conflict' })],
    ]);
  });

  it('refuses an entry serving several hosts, since deleting it would drop the others', () => {
    expect(
      problemsOf({
        entries: [
          serviceEntry('cluster-1', 'both', {
            hosts: ['svc-2.bar.global', 'svc-3.bar.global'],
          })!,
        ],
      })[0],
    ).toContain(
      "cluster-1/bar/both serves several hosts ('svc-2.bar.global', 'svc-3.bar.global')",
    );
  });

  it('only replaces the hand-made entry where an exposure already serves the cluster, and needs no Component for that', () => {
    const active = {
      id: 'r-1',
      host: 'svc-2.bar.global',
      state: 'active',
      sourceCluster: 'cluster-2',
      consumerClusters: ['cluster-1'],
    } as ExposureRequest;
    const [host] = assessAdoption(
      facts({
        entries: [serviceEntry('cluster-1', 'svc-2-bar')!],
        openRequests: [active],
        components: [],
      }),
    );
    expect(host.problems).toEqual([]);
    expect(host.servedBy).toEqual({ 'cluster-1': 'r-1' });
    expect(host.plan!.newRequest).toBeUndefined();
    expect(host.plan!.takeovers).toEqual([
      expect.objectContaining({ cluster: 'cluster-1', requestId: 'r-1' }),
    ]);

    expect(
      problemsOf({
        entries: [serviceEntry('cluster-1', 'svc-2-bar')!],
        openRequests: [{ ...active, state: 'pending' }],
      }),
    ).toEqual([
      'conflict: request r-1 for svc-2.bar.global is pending; approve, reject or cancel it before adopting',
    ]);
  });

  it('takes the exporting side over under dns-proxy and refuses it under legacy-global', () => {
    const exporter = serviceEntry('cluster-2', 'svc-2-local', {
      addresses: [],
      endpoints: [{ address: 'svc-2.bar.svc.cluster.local' }],
    })!;
    const consumer = serviceEntry('cluster-1', 'svc-2-bar')!;
    expect(problemsOf({ entries: [consumer, exporter] })[0]).toContain(
      'cluster-2/bar/svc-2-local points svc-2.bar.global at the local Service, which crossmesh does not write under the legacy-global strategy',
    );
    const [host] = assessAdoption(
      facts({
        entries: [consumer, exporter],
        clusters: clusters.map(c => ({ ...c, strategy: 'dns-proxy' })),
      }),
    );
    expect(host.problems).toEqual([]);
    expect(host.plan!.takeovers.map(t => [t.cluster, t.role])).toEqual([
      ['cluster-1', 'consumer'],
      ['cluster-2', 'exporter'],
    ]);
  });

  it('keeps the namespaces an entry is exported to, and refuses clusters that disagree', () => {
    const [host] = assessAdoption(
      facts({
        entries: [serviceEntry('cluster-1', 'svc-2-bar', { exportTo: ['.'] })!],
      }),
    );
    expect(host.plan!.newRequest!.consumerNamespaces).toEqual(['bar']);
    expect(
      problemsOf({
        entries: [
          serviceEntry('cluster-1', 'svc-2-bar', { exportTo: ['.'] })!,
          serviceEntry('cluster-3', 'svc-2-bar')!,
        ],
      }),
    ).toEqual([
      expect.stringContaining(
        'svc-2.bar.global is visible to different namespaces in different clusters (cluster-1: bar; cluster-3: all namespaces)',
      ),
    ]);
  });
});
