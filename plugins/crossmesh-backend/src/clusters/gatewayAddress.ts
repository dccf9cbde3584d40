import { GatewayAddress } from '@crossmesh/backstage-plugin-crossmesh-common';

/** The port Istio's gateways use for mTLS traffic between clusters. */
export const MESH_TLS_PORT = 15443;

/**
 * The parts of a Kubernetes Service that locate a gateway.
 *
 * @internal
 */
export interface GatewayServiceView {
  spec?: {
    type?: string;
    ports?: Array<{ name?: string; port: number; nodePort?: number }>;
  };
  status?: {
    loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> };
  };
}

/**
 * The parts of a Kubernetes Node that give an address to reach a nodePort on.
 *
 * @internal
 */
export interface NodeAddressView {
  status?: { addresses?: Array<{ type: string; address: string }> };
}

/**
 * A configured gateway address, which wins over anything discovered.
 *
 * @internal
 */
export interface GatewayOverride {
  address: string;
  port?: number;
}

/**
 * @internal
 */
export type GatewayResolution =
  | { gateway: GatewayAddress }
  | { gateway: null; problem: string };

/**
 * Finds the address other clusters use to reach this cluster's gateway: a configured
 * override, else the load balancer's first ingress (ip or hostname) on 15443, else a
 * node's address on the nodePort that serves 15443.
 *
 * @internal
 */
export function resolveGatewayAddress(options: {
  override?: GatewayOverride;
  service?: GatewayServiceView;
  nodes?: NodeAddressView[];
}): GatewayResolution {
  const { override, service, nodes } = options;
  if (override) {
    return {
      gateway: {
        address: override.address,
        port: override.port ?? MESH_TLS_PORT,
        source: 'config',
      },
    };
  }
  if (!service) {
    return {
      gateway: null,
      problem:
        'Service istio-system/istio-ingressgateway was not found; install the gateway or set crossmesh.clusters.<name>.gatewayAddress',
    };
  }
  const tlsPort = service.spec?.ports?.find(p => p.port === MESH_TLS_PORT);
  if (!tlsPort) {
    return {
      gateway: null,
      problem: `Service istio-system/istio-ingressgateway has no port ${MESH_TLS_PORT}; add it (name "tls") so other clusters can reach this one`,
    };
  }
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  const loadBalancerAddress = ingress?.ip || ingress?.hostname;
  if (loadBalancerAddress) {
    return {
      gateway: {
        address: loadBalancerAddress,
        port: MESH_TLS_PORT,
        source: 'loadBalancer',
      },
    };
  }
  if (tlsPort.nodePort) {
    const nodeAddress = pickNodeAddress(nodes ?? []);
    if (nodeAddress) {
      return {
        gateway: {
          address: nodeAddress,
          port: tlsPort.nodePort,
          source: 'nodePort',
        },
      };
    }
  }
  return {
    gateway: null,
    problem:
      'The istio-ingressgateway Service has no load-balancer address and no node address for its nodePort; wait for the load balancer, or set crossmesh.clusters.<name>.gatewayAddress',
  };
}

function pickNodeAddress(nodes: NodeAddressView[]): string | undefined {
  for (const type of ['ExternalIP', 'InternalIP']) {
    for (const node of nodes) {
      const found = node.status?.addresses?.find(a => a.type === type);
      if (found) {
        return found.address;
      }
    }
  }
  return undefined;
}
