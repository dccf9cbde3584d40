/**
 * Annotations crossmesh puts on the cluster `Resource`s it publishes.
 *
 * @public
 */
export const CLUSTER_ANNOTATIONS = {
  /** The cluster's name in `kubernetes.clusterLocatorMethods`; the entity name may differ. */
  clusterName: 'crossmesh.io/cluster-name',
  /** Istio's version, from istiod's image tag. Absent when Istio was not found. */
  istioVersion: 'crossmesh.io/istio-version',
  /** `legacy-global`, `dns-proxy` or `multi-primary`. Absent when unknown. */
  strategy: 'crossmesh.io/strategy',
  /** `<address>:<port>` other clusters reach this cluster's gateway on. */
  gatewayAddress: 'crossmesh.io/gateway-address',
  /** `true` or `false`: whether crossmesh could read the cluster at the last refresh. */
  reachable: 'crossmesh.io/reachable',
  /** Why crossmesh could not read the cluster, while it cannot. */
  clusterError: 'crossmesh.io/cluster-error',
} as const;
