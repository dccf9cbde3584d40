import type { Manifest } from '../resourcePaths';

/**
 * A workload of the bed's data plane: one pod (a node of its own) with an Istio sidecar,
 * its ServiceAccount, and a headless Service with the EndpointSlice an endpoint controller
 * would write. Headless, because nothing here implements ClusterIPs (there is no kube-proxy):
 * the cluster's DNS answers the Service name with the pod's address.
 *
 * @public
 */
export interface BedWorkload {
  cluster: string;
  namespace: string;
  /** Also the pod's `app` label, its ServiceAccount and its Service. */
  name: string;
  /**
   * `sleep` runs nothing (commands are run in its node, as `kubectl exec` would); `echo` answers
   * HTTP on its first port with its name, cluster and the caller it saw.
   */
  app: 'sleep' | 'echo';
  ports: Array<{ name: string; port: number }>;
  /** Default true. Without it, the node has no Istio at all (no sidecar, no iptables). */
  sidecar?: boolean;
  /** The catalog component the Service belongs to (`backstage.io/kubernetes-id`); default `name`. */
  component?: string;
  /**
   * Give the Service a ClusterIP (default: headless). Only sidecar-captured traffic reaches
   * it, since no kube-proxy runs: the caller's Envoy routes the address to the endpoints
   * istiod sends, as in a real cluster.
   */
  clusterIp?: boolean;
}

/** Istio's multicluster sample as the seed runs it: sleep in foo on cluster-1 calls svc-2 in bar on cluster-2. */
export const seedWorkloads: BedWorkload[] = [
  {
    cluster: 'cluster-1',
    namespace: 'foo',
    name: 'sleep',
    app: 'sleep',
    ports: [{ name: 'http', port: 80 }],
  },
  {
    cluster: 'cluster-2',
    namespace: 'bar',
    name: 'svc-2',
    app: 'echo',
    ports: [{ name: 'http', port: 8000 }],
  },
];

export function podName(workload: BedWorkload) {
  return `${workload.name}-0`;
}

/** Objects the bed applies for a workload whose pod has `address`. */
export function workloadManifests(
  workload: BedWorkload,
  address: string,
): Manifest[] {
  const { namespace, name } = workload;
  const labels = { app: name };
  const pod = podName(workload);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace,
        labels: {
          ...labels,
          'backstage.io/kubernetes-id': workload.component ?? name,
        },
      },
      spec: {
        ...(workload.clusterIp ? {} : { clusterIP: 'None' }),
        selector: labels,
        ports: workload.ports.map(p => ({
          ...p,
          targetPort: p.port,
          protocol: 'TCP',
        })),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: pod,
        namespace,
        labels:
          workload.sidecar === false
            ? labels
            : { ...labels, 'security.istio.io/tlsMode': 'istio' },
      },
      spec: {
        serviceAccountName: name,
        automountServiceAccountToken: false,
        containers: [
          { name: workload.app, image: `crossmesh.test/${workload.app}:bed` },
          ...(workload.sidecar === false
            ? []
            : [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:bed' }]),
        ],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-bed`,
        namespace,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'crossmesh-test-bed',
        },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: [address],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', name: pod, namespace },
        },
      ],
      ports: workload.ports.map(p => ({
        name: p.name,
        port: p.port,
        protocol: 'TCP',
      })),
    },
    ...(workload.app === 'echo' && workload.sidecar !== false
      ? [clientChainFilter(workload)]
      : []),
  ];
}

/**
 * The echo workload's own EnvoyFilter: its sidecar adds the peer's certificate chain to the
 * x-forwarded-client-cert header (Istio sets only subject, URI and DNS), so the app can tell
 * which root each caller's chain leads to.
 */
function clientChainFilter(workload: BedWorkload): Manifest {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: {
      name: `${workload.name}-client-chain`,
      namespace: workload.namespace,
    },
    spec: {
      workloadSelector: { labels: { app: workload.name } },
      configPatches: [
        {
          applyTo: 'NETWORK_FILTER',
          match: {
            context: 'SIDECAR_INBOUND',
            listener: {
              filterChain: {
                filter: {
                  name: 'envoy.filters.network.http_connection_manager',
                },
              },
            },
          },
          patch: {
            operation: 'MERGE',
            value: {
              typed_config: {
                '@type':
                  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                set_current_client_cert_details: {
                  subject: true,
                  dns: true,
                  uri: true,
                  chain: true,
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** The status a kubelet reports for a running pod at `address`. */
export function runningPodStatus(address: string) {
  const now = new Date().toISOString();
  return {
    status: {
      phase: 'Running',
      podIP: address,
      podIPs: [{ ip: address }],
      hostIP: address,
      startTime: now,
      conditions: [
        'PodScheduled',
        'Initialized',
        'ContainersReady',
        'Ready',
      ].map(type => ({
        type,
        status: 'True',
        lastTransitionTime: now,
      })),
    },
  };
}
