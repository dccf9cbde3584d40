import { Entity } from '@backstage/catalog-model';
import {
  ExposureRequest,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';

export const bob = 'user:default/bob';
export const teamB = 'group:default/team-b';

/** A Component annotated the way crossmesh reads it, owned by team-b. */
export const svc2: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-2',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'svc-2',
      'backstage.io/kubernetes-namespace': 'shop',
      'crossmesh.io/cluster': 'cluster-2',
    },
  },
  spec: { type: 'service', owner: teamB, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: teamB }],
};

function meshCluster(name: string, gateway: string): MeshCluster {
  return {
    name,
    reachable: true,
    istio: { version: '1.9.5', image: 'docker.io/istio/pilot:1.9.5' },
    strategy: 'dns-proxy',
    strategySource: 'detected',
    gateway: { address: gateway, port: 15443, source: 'loadBalancer' },
    observedAt: '2026-06-01T00:00:00.000Z',
  };
}

export const meshClusters = [
  meshCluster('cluster-1', '192.0.2.10'),
  meshCluster('cluster-2', '192.0.2.11'),
  meshCluster('cluster-3', '192.0.2.12'),
];

const base = {
  entityRef: 'component:default/svc-2',
  service: {
    name: 'svc-2',
    namespace: 'shop',
    ports: [{ name: 'http', number: 8000 }],
  },
  sourceCluster: 'cluster-2',
  host: 'svc-2.shop.global',
  requestedBy: bob,
};

/** Active in cluster-1, failing in cluster-3, as the reconciler leaves it. */
export const activeRequest: ExposureRequest = {
  ...base,
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  consumerClusters: ['cluster-1', 'cluster-3'],
  consumerNamespaces: ['checkout'],
  reason: 'checkout calls svc-2',
  endDate: '2027-01-31T00:00:00.000Z',
  state: 'active',
  vip: '240.0.12.7',
  requestedAt: '2026-05-01T09:30:00.000Z',
  decidedBy: 'user:default/carol',
  decidedAt: '2026-05-02T14:05:00.000Z',
  decisionComment: 'ok for the shop',
  clusters: [
    {
      cluster: 'cluster-1',
      role: 'consumer',
      state: 'applied',
      lastError: null,
      updatedAt: '2026-05-02T14:06:00.000Z',
    },
    {
      cluster: 'cluster-3',
      role: 'consumer',
      state: 'failed',
      lastError:
        "crossmesh's credentials are not allowed to do this (403): serviceentries is forbidden",
      updatedAt: '2026-05-02T14:06:00.000Z',
    },
  ],
  updatedAt: '2026-05-02T14:06:00.000Z',
};

export const pendingRequest: ExposureRequest = {
  ...base,
  id: 'a1b2c3d4-0000-4000-8000-000000000002',
  consumerClusters: ['cluster-3'],
  consumerNamespaces: [],
  reason: 'reports in cluster-3',
  endDate: null,
  state: 'pending',
  vip: null,
  requestedAt: '2026-06-01T08:00:00.000Z',
  decidedBy: null,
  decidedAt: null,
  decisionComment: null,
  clusters: [],
  updatedAt: '2026-06-01T08:00:00.000Z',
};
