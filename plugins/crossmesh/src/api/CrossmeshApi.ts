import { createApiRef } from '@backstage/core-plugin-api';
import {
  AuditEventList,
  CacertsDistribution,
  ImportRootRequest,
  IntermediateCsr,
  IntermediateIssueResult,
  NewRootRequest,
  ConfirmationRequired,
  RotationRequest,
  RotationResult,
  TrustConfirmation,
  TrustRoot,
  AuditEventQuery,
  ExposurePreview,
  ExposureRequest,
  ExposureRequestList,
  ExposureRequestQuery,
  ListClustersResponse,
  NewExposureRequest,
  OnboardingJob,
  OnboardingJobInput,
  PreflightReport,
  ReconcileStatusList,
  RemoteSecretList,
  ServicePorts,
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The crossmesh backend, as the frontend uses it.
 *
 * @public
 */
export interface CrossmeshApi {
  /** Every cluster of the mesh, with its Istio, strategy and gateway. */
  listClusters(): Promise<ListClustersResponse>;
  /** Checks whether a cluster is ready for the mesh, now. */
  getPreflight(clusterName: string): Promise<PreflightReport>;
  /** Starts onboarding a cluster as a backend job; its steps run in the backend. */
  startOnboarding(input: OnboardingJobInput): Promise<OnboardingJob>;
  /** An onboarding job's state, steps with their progress, and result. */
  getOnboardingJob(jobId: string): Promise<OnboardingJob>;
  /** What the last reconcile pass did in each cluster. */
  getReconcileStatus(): Promise<ReconcileStatusList>;
  /** The remote secrets each member holds for the others (`crossmesh.remoteSecrets`). */
  getRemoteSecrets(): Promise<RemoteSecretList>;

  /** Roots, intermediates, pending CSRs and rotation. */
  getTrust(): Promise<TrustState>;
  /** What each cluster's `cacerts` holds compared with what it should. */
  getTrustDrift(): Promise<{ items: TrustInspection[] }>;
  /** Generates the mesh's root CA (managed mode). */
  generateRoot(request: NewRootRequest): Promise<TrustRoot>;
  /** Imports a root CA; a refused check carries the field it is about as its code. */
  importRoot(request: ImportRootRequest): Promise<TrustRoot>;
  /** Signs a new intermediate for the cluster and writes its `cacerts` (managed mode). */
  issueIntermediate(clusterName: string): Promise<IntermediateIssueResult>;
  /** Offline-root mode: makes the cluster's intermediate key and returns the CSR to sign. */
  createIntermediateCsr(clusterName: string): Promise<IntermediateCsr>;
  /** Offline-root mode: accepts the signed intermediate and writes the cluster's `cacerts`. */
  uploadIntermediate(
    clusterName: string,
    certPem: string,
  ): Promise<IntermediateIssueResult>;
  /** Writes every cluster's `cacerts` from the database; a no-op where nothing changed. */
  distributeCacerts(): Promise<{ items: CacertsDistribution[] }>;
  /**
   * Asks to start a root rotation to a new root; it waits for a second platform member's
   * confirmation, after which every cluster trusts both.
   */
  startRotation(request: RotationRequest): Promise<ConfirmationRequired>;
  /**
   * Moves the rotation one phase on, or, past "drop the old root", asks for a second
   * platform member's confirmation; refused (409) with the reason while it may not.
   */
  advanceRotation(): Promise<RotationResult | ConfirmationRequired>;
  /** Carries out a root operation another platform member asked for. */
  confirmRootOperation(
    confirmationId: string,
    fingerprintSha256: string,
  ): Promise<RotationResult>;
  /** Withdraws a root operation that waits for a second platform member. */
  cancelRootOperation(confirmationId: string): Promise<TrustConfirmation>;
  listAuditEvents(query?: AuditEventQuery): Promise<AuditEventList>;

  listExposures(query?: ExposureRequestQuery): Promise<ExposureRequestList>;
  getExposure(requestId: string): Promise<ExposureRequest>;
  /** The manifests a request that does not exist yet would apply. */
  previewExposureDraft(request: NewExposureRequest): Promise<ExposurePreview>;
  /** The manifests approving the request would apply. */
  previewExposure(requestId: string): Promise<ExposurePreview>;
  /** The ports to prefill a request with: the entity's annotation, else its Service. */
  getServicePorts(entityRef: string): Promise<ServicePorts>;
  requestExposure(request: NewExposureRequest): Promise<ExposureRequest>;
  cancelExposure(requestId: string): Promise<ExposureRequest>;
  revokeExposure(requestId: string): Promise<ExposureRequest>;
  approveExposure(
    requestId: string,
    comment?: string,
  ): Promise<ExposureRequest>;
  rejectExposure(requestId: string, comment?: string): Promise<ExposureRequest>;
}

/**
 * The utility API reference for {@link CrossmeshApi}.
 *
 * @public
 */
export const crossmeshApiRef = createApiRef<CrossmeshApi>({
  id: 'plugin.crossmesh.service',
});
