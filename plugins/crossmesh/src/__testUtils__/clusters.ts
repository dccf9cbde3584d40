import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';

export const eastCluster: MeshCluster = {
  name: 'east',
  reachable: true,
  istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
  strategy: 'legacy-global',
  strategySource: 'detected',
  gateway: { address: '10.0.0.10', port: 15443, source: 'loadBalancer' },
  observedAt: '2025-01-01T00:00:00.000Z',
};

export const westCluster: MeshCluster = {
  name: 'west',
  reachable: true,
  istio: { version: '1.9.5', image: 'docker.io/istio/pilot:1.9.5' },
  strategy: 'dns-proxy',
  strategySource: 'config',
  gateway: { address: 'west.example.com', port: 31443, source: 'nodePort' },
  observedAt: '2025-01-01T00:00:00.000Z',
};

export const downCluster: MeshCluster = {
  name: 'down',
  reachable: false,
  error: 'The cluster API did not answer within 10 seconds',
  istio: null,
  strategy: null,
  strategySource: null,
  gateway: null,
  observedAt: '2025-01-01T00:00:00.000Z',
};
