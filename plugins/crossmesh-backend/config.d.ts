import { HumanDuration } from '@backstage/types';

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
     * `multi-primary`: current Istio joined by remote secrets; services cluster-local until
     * an exposure is approved (never detected, ADR 0035).
     */
    strategy?: 'legacy-global' | 'dns-proxy' | 'multi-primary';
    /** Settings of the multi-primary strategy. */
    multiPrimary?: {
      /**
       * Keep writing the dns-proxy `.global` objects of every exposure beside the mesh-config
       * entries, so callers move from `<svc>.<ns>.global` to `<svc>.<ns>.svc.cluster.local`
       * at their own pace (operator guide: moving from `.global`). Default false.
       */
      keepGlobalNames?: boolean;
      /**
       * The Istio revisions whose istiods run in the clusters: crossmesh keeps its
       * serviceSettings in each one's mesh config, `istio-system/istio` for `default` and
       * `istio-system/istio-<revision>` for the others (both during a canary upgrade). A
       * revision other than `default` needs its ConfigMap named in deploy/rbac.yaml.
       * Default ['default'].
       */
      revisions?: string[];
    };
    /**
     * How often the reconciler converges every cluster to the database with fresh LISTs, in
     * seconds: the safety net behind the watches and the passes each change triggers.
     * Default 600.
     */
    reconcileIntervalSeconds?: number;
    /**
     * Watch crossmesh's objects, the DNS ConfigMaps and `cacerts` in each cluster, so a hand
     * edit or delete is repaired at once. Needs `watch` on them. Default true.
     */
    watchClusters?: boolean;
    /**
     * Run a reconcile pass right after each approval, rejection, cancellation and revoke.
     * Default true; false leaves them to the watches and the timer.
     */
    reconcileOnChange?: boolean;
    /**
     * Remote secrets for multi-primary meshes (ADR 0033): in every member cluster's
     * istio-system, a Secret labelled `istio/multiCluster: "true"` for every other member,
     * holding a kubeconfig with a short-lived token of that cluster's reader
     * (`deploy/istio-reader.yaml`), renewed once half its life has passed.
     */
    remoteSecrets?: {
      /** Default false. */
      enabled?: boolean;
      /** Lifetime of each token (TokenRequest), at least 10 minutes. Default 24 hours. */
      tokenLifetime?: HumanDuration | string;
      /** How often tokens are checked; at most half of tokenLifetime. Default 10 minutes. */
      checkInterval?: HumanDuration | string;
    };
    /** How long to wait for one cluster's API server, in seconds. Default 10. */
    clusterTimeoutSeconds?: number;
    /** Who decides exposure requests. */
    approvers?: {
      /**
       * Group entity refs (e.g. `group:default/platform-team`) whose members may approve and
       * reject, on top of the `crossmesh.exposure.decide` permission. Empty: the permission
       * policy alone decides. Nobody approves their own request either way.
       */
      groups?: string[];
    };
    /** Who changes the mesh itself. */
    platform?: {
      /**
       * Group entity refs whose members may change the mesh's trust (generate, import and
       * rotate the root, issue, upload and distribute intermediates, CSRs), its clusters
       * (membership, DNS wiring) and adopt hand-made ServiceEntries, on top of the
       * `crossmesh.trust.manage` / `crossmesh.cluster.manage` / `crossmesh.exposure.decide`
       * permissions, whatever the permission policy says. They also see cluster details
       * (API server addresses, crossmesh's identity and access). Default: the approvers'
       * groups. With neither set, nobody may (every such request gets 403).
       */
      groups?: string[];
    };
    /** Rules for exposure requests. */
    exposure?: {
      /**
       * Namespaces crossmesh refuses to expose Services from by default are `kube-system`,
       * `kube-public`, `kube-node-lease`, `istio-system` and `crossmesh-system` (where
       * `deploy/rbac.yaml` runs crossmesh). List any of them here to allow it.
       */
      allowedSystemNamespaces?: string[];
    };
    /** The mesh's certificate authority. */
    trust?: {
      /**
       * `managed` (default): crossmesh holds the root key, sealed at rest, and signs
       * intermediates. `offline-root`: the root key never reaches crossmesh; it makes each
       * cluster's key and CSR, an operator signs, crossmesh verifies and distributes.
       */
      mode?: 'managed' | 'offline-root';
      /**
       * Seals every private key crossmesh stores (envelope encryption, AES-256-GCM).
       * At least 16 characters; use 32 or more, e.g. `openssl rand -base64 32`. Without it crossmesh
       * stores no keys.
       * @visibility secret
       */
      keyEncryptionSecret?: string;
      /**
       * Earlier key-encryption secrets, still accepted to open keys sealed with them.
       * @visibility secret
       */
      previousKeyEncryptionSecrets?: string[];
      /** Key type of new intermediates. Default rsa-4096, as Istio's tools/certs. */
      intermediateKeyType?: 'rsa-4096' | 'rsa-2048' | 'ecdsa-p256';
      /** Validity of new intermediates in days. Default 730. */
      intermediateValidityDays?: number;
      /** Renew intermediates this many days before they expire. Default 30. */
      renewalWindowDays?: number;
      /** How often the renewal check runs, in minutes. Default 60. */
      renewalCheckMinutes?: number;
      /**
       * How long the mesh's workload certificates live (istiod's `DEFAULT_WORKLOAD_CERT_TTL`,
       * or the sidecars' `SECRET_TTL`). Each phase of a root rotation waits this long after it
       * took effect in every cluster, so that every workload has renewed its certificate (new
       * roots, new leaf) before the next phase. A duration: '24h', 'PT24H' or { hours: 24 }.
       * Default 24 hours, istiod's default.
       */
      workloadCertificateTtl?: string | HumanDuration;
    };
    /**
     * How each cluster's objects are delivered (ADR 0037): `direct` (the default) writes
     * them with crossmesh's credentials; `git` opens pull requests on a repository that Flux
     * or Argo CD applies, and reads the cluster to see them live. Credentials come from the
     * `integrations` entry of the repository's host (Gitea: its `password`, an access token).
     */
    delivery?: {
      clusters?: Array<{
        /** A cluster of `kubernetes.clusterLocatorMethods`. */
        cluster: string;
        /** Default `direct`. */
        mode?: 'direct' | 'git';
        /** The repository's web address, e.g. https://gitea.example.net/platform/mesh. */
        repository?: string;
        /** The branch Flux applies; pull requests target it. Default `main`. */
        branch?: string;
        /** The cluster's folder in the repository. Default: the cluster's name. */
        path?: string;
        /** `reviewers` (default): people merge crossmesh's pull requests; `auto`: crossmesh does. */
        merge?: 'reviewers' | 'auto';
        /**
         * Flux's Kustomization that applies the folder, as `<namespace>/<name>`. When set,
         * crossmesh reads its status (needs `get` on it) to tell a failing apply and drift
         * from a change still syncing.
         */
        kustomization?: string;
        /**
         * The YAML file of the repository that holds the cluster's ConfigMap
         * kube-system/coredns (in a folder Flux applies, outside `path`), e.g.
         * `clusters/cluster-2/kube-system/coredns.yaml`. When set, crossmesh proposes its
         * `.global` DNS edit as a pull request changing that file (merged like the objects'),
         * instead of writing the ConfigMap, which Flux would revert. Without it, the DNS edit
         * is a direct write; preflight warns when Flux owns the ConfigMap.
         */
        dnsFile?: string;
      }>;
    };
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
