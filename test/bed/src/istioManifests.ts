import type { Manifest } from './resourcePaths';

export const istioNamespace = 'istio-system';

/** The Istio version of a bed's seeded clusters when the bed's options name none. */
export const DEFAULT_ISTIO_VERSION = '1.6.8';

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

const pilotLabels = { app: 'istiod', istio: 'pilot' };
const gatewayLabels = {
  app: 'istio-ingressgateway',
  istio: 'ingressgateway',
};

/** What an Istio control plane install leaves in a cluster, minus anything that needs a running node. */
export function istioManifests(istioVersion: string): Manifest[] {
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

/**
 * ConfigMap istio-system/istio as `istioctl install` leaves it for multicluster with the DNS
 * proxy on (the `dns-proxy` strategy's requirement); a real istiod reads its mesh config here.
 */
export function meshConfigMap(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'istio',
      namespace: istioNamespace,
      labels: { 'istio.io/rev': 'default' },
    },
    data: {
      mesh: [
        'defaultConfig:',
        '  discoveryAddress: istiod.istio-system.svc:15012',
        '  proxyMetadata:',
        '    ISTIO_META_DNS_CAPTURE: "true"',
        'rootNamespace: istio-system',
        'trustDomain: cluster.local',
        '',
      ].join('\n'),
      meshNetworks: 'networks: {}\n',
    },
  };
}

/**
 * One Pod of each seeded Deployment, as a ReplicaSet would create it; Pending (no scheduler
 * or kubelet), with no IP. Beds with a real istiod have them because Istio's tools look for the
 * pods a Gateway selects (`istioctl analyze` reports IST0101 without them).
 */
export function istioPods(istioVersion: string): Manifest[] {
  const pod = (
    name: string,
    labels: Record<string, string>,
    serviceAccountName: string,
    container: { name: string; image: string },
  ): Manifest[] => [
    // With no controller-manager there is no `default` ServiceAccount to fall back on.
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: serviceAccountName, namespace: istioNamespace },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: istioNamespace, labels },
      spec: {
        serviceAccountName,
        automountServiceAccountToken: false,
        containers: [container],
      },
    },
  ];
  return [
    ...pod('istiod-0', pilotLabels, 'istiod', {
      name: 'discovery',
      image: `docker.io/istio/pilot:${istioVersion}`,
    }),
    ...pod(
      'istio-ingressgateway-0',
      gatewayLabels,
      'istio-ingressgateway-service-account',
      {
        name: 'istio-proxy',
        image: `docker.io/istio/proxyv2:${istioVersion}`,
      },
    ),
  ];
}
