export interface Config {
  /**
   * crossmesh reads clusters and their credentials from `kubernetes.clusterLocatorMethods`
   * (the Kubernetes plugin's configuration); this block holds only crossmesh's own settings.
   */
  crossmesh?: {
    /**
     * Overrides the strategy detected from istiod's version, for the whole mesh.
     * `legacy-global`: Istio 1.6–1.8 (stub domain to istiocoredns).
     * `dns-proxy`: Istio 1.8 and later (sidecar DNS proxy, AUTO_PASSTHROUGH gateway).
     */
    strategy?: 'legacy-global' | 'dns-proxy';
    /** How long to wait for one cluster's API server, in seconds. Default 10. */
    clusterTimeoutSeconds?: number;
    /** Per-cluster settings, keyed by the cluster's name in the Kubernetes plugin's config. */
    clusters?: {
      [clusterName: string]: {
        /** The address other clusters use for this cluster's gateway; wins over discovery. */
        gatewayAddress?: string;
        /** The port on that address that carries mesh mTLS. Default 15443. */
        gatewayPort?: number;
      };
    };
  };
}
