import { TrustIntermediate } from './trust';
import { MeshStrategy } from './types';

/**
 * Key algorithm of a cluster's intermediate CA.
 *
 * @public
 */
export type IntermediateKeyType = 'rsa-4096' | 'rsa-2048' | 'ecdsa-p256';

/**
 * A cluster's registration in the mesh, kept by crossmesh.
 *
 * @public
 */
export interface ClusterMembership {
  /** The cluster's name in the Kubernetes plugin's configuration. */
  cluster: string;
  /** Istio's network name for the cluster (`topology.istio.io/network`). */
  network: string;
  /**
   * Address other clusters reach this cluster's gateway on, instead of the one
   * discovered; `crossmesh.clusters.<name>.gatewayAddress` in config wins over it.
   */
  gatewayAddress: string | null;
  /** Port for {@link ClusterMembership.gatewayAddress}; 15443 when null. */
  gatewayPort: number | null;
  /** Key type of the cluster's intermediates; the configured default when null. */
  keyType: IntermediateKeyType | null;
  onboardedAt: string;
  onboardedBy: string;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Body of `PUT /clusters/{clusterName}/membership`.
 *
 * @public
 */
export interface ClusterMembershipInput {
  network: string;
  gatewayAddress?: string | null;
  gatewayPort?: number | null;
  keyType?: IntermediateKeyType | null;
}

/**
 * Response of `POST /clusters/{clusterName}/dns`: what wiring `.global` names did.
 *
 * @public
 */
export interface DnsWiringResult {
  cluster: string;
  strategy: MeshStrategy | null;
  /** A ConfigMap was written. */
  changed: boolean;
  /** What happened to crossmesh's entry; `none` when no entry is needed. */
  action: 'added' | 'updated' | 'unchanged' | 'adopted' | 'none';
  /** Which DNS the cluster runs (legacy-global only). */
  flavour?: 'coredns' | 'coredns-custom' | 'kube-dns' | 'unknown';
  /** The ConfigMap in kube-system that holds crossmesh's entry. */
  configMap?: string;
  /** What was done or why nothing was needed, in words. */
  detail: string;
}

/**
 * What crossmesh did to one cluster's `istio-system/cacerts` Secret.
 *
 * @public
 */
export interface CacertsDistribution {
  cluster: string;
  /** The Secret's data differed and was replaced. */
  changed: boolean;
  secretWritten: boolean;
  /** Deployments in istio-system restarted onto the new Secret. */
  restarted: string[];
  missingDeployments: string[];
  /** Set when the distribution did not complete. */
  error?: string;
}

/**
 * Response of `POST /trust/clusters/{clusterName}/intermediate`.
 *
 * @public
 */
export interface IntermediateIssueResult {
  intermediate: TrustIntermediate;
  distribution: CacertsDistribution;
}
