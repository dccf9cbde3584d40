import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CacertsDistribution,
  ClusterMembership,
  ClusterMembershipInput,
  DnsWiringResult,
  ExposurePreview,
  ExposureRequest,
  ExposureRequestList,
  ExposureRequestQuery,
  IntermediateIssueResult,
  IntermediateKeyType,
  MeshCluster,
  NewExposureRequest,
  OnboardingJob,
  OnboardingJobInput,
  PreflightReport,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The crossmesh backend, as other backend plugins see it. Every call is made on behalf of
 * `credentials`, so the backend applies that principal's permissions and audits it.
 *
 * @public
 */
export interface CrossmeshService {
  /** Reads every cluster of the mesh now, on behalf of the given caller. */
  listClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<MeshCluster[]>;

  listExposures(
    query: ExposureRequestQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposureRequestList>;

  requestExposure(
    request: NewExposureRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposureRequest>;

  /**
   * Validates a request exactly as {@link CrossmeshService.requestExposure} would, and
   * returns the manifests it would apply, storing nothing.
   */
  previewExposureRequest(
    request: NewExposureRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposurePreview>;

  /** Reads one cluster now (`GET /clusters/{clusterName}`). */
  getCluster(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<MeshCluster>;

  /** Checks the cluster's readiness for the mesh, reading only. */
  getPreflight(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<PreflightReport>;

  /** The mesh's roots and each cluster's current intermediate; never keys. */
  getTrust(options: { credentials: BackstageCredentials }): Promise<TrustState>;

  /** Signs a new intermediate for the cluster and writes its `cacerts`. */
  issueIntermediate(
    clusterName: string,
    request: { keyType?: IntermediateKeyType },
    options: { credentials: BackstageCredentials },
  ): Promise<IntermediateIssueResult>;

  /**
   * Writes the cluster's `cacerts` from crossmesh's records and restarts istiod and the
   * gateway when it changed; idempotent.
   */
  distributeCacerts(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<CacertsDistribution>;

  /** The cluster's membership, or undefined while it is not registered. */
  getMembership(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ClusterMembership | undefined>;

  /** Registers the cluster in the mesh, or updates its registration; idempotent. */
  registerMembership(
    clusterName: string,
    membership: ClusterMembershipInput,
    options: { credentials: BackstageCredentials },
  ): Promise<ClusterMembership>;

  /** Makes `.global` names resolve in the cluster; idempotent. */
  wireDns(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<DnsWiringResult>;

  /**
   * Starts onboarding a cluster as a backend job (`POST /onboarding-jobs`); the job's
   * steps run in the backend, and {@link CrossmeshService.getOnboardingJob} reads their
   * progress.
   */
  startOnboarding(
    input: OnboardingJobInput,
    options: { credentials: BackstageCredentials },
  ): Promise<OnboardingJob>;

  /** An onboarding job's state, steps and result (`GET /onboarding-jobs/{jobId}`). */
  getOnboardingJob(
    jobId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<OnboardingJob>;
}
