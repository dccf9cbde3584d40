import type { Manifest } from './resourcePaths';

export const istioNamespace = 'istio-system';

/** TEST-NET-1 (RFC 5737): documentation addresses, only ever strings here. */
export function gatewayAddressFor(clusterIndex: number): string {
  return `192.0.2.${10 + clusterIndex}`;
}

function deployment(
  name: string,
  labels: Record<string, string>,
  container: { name: string; image: string; ports?: unknown[] },
): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: istioNamespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [container] },
      },
    },
  };
}

/** What an Istio control plane install leaves in a cluster, minus anything that needs a running node. */
export function istioManifests(istioVersion: string): Manifest[] {
  const pilotLabels = { app: 'istiod', istio: 'pilot' };
  const gatewayLabels = {
    app: 'istio-ingressgateway',
    istio: 'ingressgateway',
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: istioNamespace },
    },
    deployment('istiod', pilotLabels, {
      name: 'discovery',
      image: `docker.io/istio/pilot:${istioVersion}`,
      ports: [{ containerPort: 15010 }, { containerPort: 15017 }],
    }),
    deployment('istio-ingressgateway', gatewayLabels, {
      name: 'istio-proxy',
      image: `docker.io/istio/proxyv2:${istioVersion}`,
      ports: [
        { containerPort: 8080 },
        { containerPort: 8443 },
        { containerPort: 15443 },
      ],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'istio-ingressgateway',
        namespace: istioNamespace,
        labels: gatewayLabels,
      },
      spec: {
        type: 'LoadBalancer',
        selector: gatewayLabels,
        ports: [
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
          { name: 'tls', port: 15443, targetPort: 15443 },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'istiocoredns',
        namespace: istioNamespace,
        labels: { app: 'istiocoredns' },
      },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'istiocoredns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
}

/** The status the cloud's load-balancer controller would write. */
export function gatewayStatus(gatewayAddress: string) {
  return { status: { loadBalancer: { ingress: [{ ip: gatewayAddress }] } } };
}
