import type { ExposurePullRequest } from './exposures';
import type { ClusterMembership } from './onboarding';

/**
 * How crossmesh wires `.global` names in a mesh.
 *
 * `legacy-global`: Istio 1.6–1.8, CoreDNS stub domain to istiocoredns.
 * `dns-proxy`: Istio 1.8 and later, sidecar DNS proxy plus AUTO_PASSTHROUGH gateway.
 * `multi-primary`: current Istio; each istiod reads the other clusters through remote
 * secrets, services keep their `<svc>.<ns>.svc.cluster.local` names and are cluster-local
 * until an exposure is approved (ADR 0035). Chosen by `crossmesh.strategy`, never detected.
 *
 * @public
 */
export type MeshStrategy = 'legacy-global' | 'dns-proxy' | 'multi-primary';

/**
 * Where a cluster's east-west gateway address came from. `config` is an address a person
 * set: `crossmesh.clusters.<name>.gatewayAddress`, or else the cluster's mesh membership.
 *
 * @public
 */
export type GatewayAddressSource = 'config' | 'loadBalancer' | 'nodePort';

/**
 * The address other clusters use to reach a cluster's gateway on its mTLS port.
 *
 * @public
 */
export interface GatewayAddress {
  /** An IP address or a DNS name. */
  address: string;
  /** The port that carries `.global` traffic: 15443, or its nodePort. */
  port: number;
  source: GatewayAddressSource;
}

/**
 * Istio as found in a cluster.
 *
 * @public
 */
export interface IstioInstallation {
  /** Istio's version, from istiod's image tag, e.g. `1.6.8`. */
  version: string;
  /** The image istiod runs. */
  image: string;
}

/**
 * One cluster of the mesh as crossmesh sees it right now.
 *
 * @public
 */
export interface MeshCluster {
  /** The cluster's name in the Kubernetes plugin's configuration. */
  name: string;
  /** Whether crossmesh could read the cluster's API. */
  reachable: boolean;
  /** Why the cluster could not be read, in words a person can act on. */
  error?: string;
  /** Null when Istio was not found. */
  istio: IstioInstallation | null;
  /** The strategy in force: configured, or derived from the Istio version. */
  strategy: MeshStrategy | null;
  /** Whether the strategy came from config or was detected. */
  strategySource: 'config' | 'detected' | null;
  /** Null when no address could be found or configured. */
  gateway: GatewayAddress | null;
  /**
   * Whether the sidecars' DNS proxy captures DNS (`ISTIO_META_DNS_CAPTURE` in the mesh
   * config), which `.global` names need under `dns-proxy`, and which resolves a
   * `.svc.cluster.local` name of another cluster under `multi-primary`. Only read under
   * those strategies.
   */
  dnsCapture?: 'enabled' | 'disabled' | 'unknown';
  /** What {@link MeshCluster.dnsCapture} is based on, and how to enable it when off. */
  dnsCaptureDetail?: string;
  /** The cluster's registration in the mesh; absent until it is onboarded. */
  membership?: ClusterMembership;
  /** How crossmesh delivers the cluster's objects (`crossmesh.delivery`, ADR 0037). */
  delivery?: MeshClusterDelivery;
  /** When this view was read, ISO 8601. */
  observedAt: string;
}

/**
 * How crossmesh delivers a cluster's Istio objects: it writes them itself (`direct`), or
 * opens pull requests on a Git repository that Flux applies (`git`). Never holds a token.
 *
 * @public
 */
export type MeshClusterDelivery =
  | { mode: 'direct' }
  | {
      mode: 'git';
      /** The repository's web address. */
      repository: string;
      /** The branch Flux applies; pull requests target it. */
      branch: string;
      /** The cluster's folder in the repository. */
      path: string;
      /** `reviewers`: people merge crossmesh's pull requests; `auto`: crossmesh does. */
      merge: 'reviewers' | 'auto';
      /** The cluster's folder on the branch, as the forge shows it in a browser. */
      folderUrl: string;
      /** crossmesh's pull requests on the repository that wait for their merge. */
      openPullRequests: ExposurePullRequest[];
      /** Hosts of open requests whose objects in the cluster differ from Git. */
      drifted: string[];
    };

/**
 * Response of `GET /clusters`.
 *
 * @public
 */
export interface ListClustersResponse {
  items: MeshCluster[];
}
