import {
  GatewayAddressSource,
  MeshCluster,
  MeshStrategy,
} from '@crossmesh/backstage-plugin-crossmesh-common';

const strategyNames: Record<MeshStrategy, string> = {
  'legacy-global': 'Legacy .global (istiocoredns)',
  'dns-proxy': 'DNS proxy',
  'multi-primary': 'Multi-primary',
};

const gatewaySources: Record<GatewayAddressSource, string> = {
  config: 'Set in config',
  loadBalancer: 'From the LoadBalancer service',
  nodePort: 'From a node and the NodePort',
};

export function strategyName(strategy: MeshStrategy | null): string {
  return strategy ? strategyNames[strategy] : 'Unknown';
}

export function strategySourceLabel(
  source: MeshCluster['strategySource'],
): string {
  switch (source) {
    case 'config':
      return 'Configured';
    case 'detected':
      return 'Detected from the Istio version';
    default:
      return 'Not configured and not detected';
  }
}

export function gatewaySourceLabel(source: GatewayAddressSource): string {
  return gatewaySources[source];
}

export function istioLabel(cluster: MeshCluster): string {
  if (cluster.istio) {
    return cluster.istio.version;
  }
  return cluster.reachable ? 'Not installed' : 'Unknown';
}
