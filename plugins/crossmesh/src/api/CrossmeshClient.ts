import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { CrossmeshApi } from './CrossmeshApi';

/**
 * Talks to the crossmesh backend plugin over HTTP.
 *
 * @public
 */
export class CrossmeshClient implements CrossmeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listClusters(): Promise<ListClustersResponse> {
    return this.request<ListClustersResponse>('GET', '/clusters');
  }

  async getPreflight(clusterName: string): Promise<PreflightReport> {
    return this.request(
      'GET',
      `/clusters/${encodeURIComponent(clusterName)}/preflight`,
    );
  }

  async startOnboarding(input: OnboardingJobInput): Promise<OnboardingJob> {
    return this.request('POST', '/onboarding-jobs', input);
  }

  async getOnboardingJob(jobId: string): Promise<OnboardingJob> {
    return this.request('GET', `/onboarding-jobs/${encodeURIComponent(jobId)}`);
  }

  async getReconcileStatus(): Promise<ReconcileStatusList> {
    return this.request('GET', '/reconcile/status');
  }

  async getRemoteSecrets(): Promise<RemoteSecretList> {
    return this.request('GET', '/remote-secrets');
  }

  async getTrust(): Promise<TrustState> {
    return this.request<TrustState>('GET', '/trust');
  }

  async getTrustDrift(): Promise<{ items: TrustInspection[] }> {
    return this.request('GET', '/trust/drift');
  }

  async generateRoot(request: NewRootRequest): Promise<TrustRoot> {
    return this.request('POST', '/trust/root', request);
  }

  async importRoot(request: ImportRootRequest): Promise<TrustRoot> {
    return this.request('POST', '/trust/root/import', request);
  }

  async issueIntermediate(
    clusterName: string,
  ): Promise<IntermediateIssueResult> {
    return this.request(
      'POST',
      `${clusterTrustPath(clusterName)}/intermediate`,
    );
  }

  async createIntermediateCsr(clusterName: string): Promise<IntermediateCsr> {
    return this.request('POST', `${clusterTrustPath(clusterName)}/csr`);
  }

  async uploadIntermediate(
    clusterName: string,
    certPem: string,
  ): Promise<IntermediateIssueResult> {
    return this.request(
      'PUT',
      `${clusterTrustPath(clusterName)}/intermediate`,
      { certPem },
    );
  }

  async distributeCacerts(): Promise<{ items: CacertsDistribution[] }> {
    return this.request('POST', '/trust/distribute', {});
  }

  async startRotation(request: RotationRequest): Promise<ConfirmationRequired> {
    return this.request('POST', '/trust/rotation', request);
  }

  async advanceRotation(): Promise<RotationResult | ConfirmationRequired> {
    return this.request('POST', '/trust/rotation/advance');
  }

  async confirmRootOperation(
    confirmationId: string,
    fingerprintSha256: string,
  ): Promise<RotationResult> {
    return this.request(
      'POST',
      `/trust/confirmations/${encodeURIComponent(confirmationId)}/confirm`,
      { fingerprintSha256 },
    );
  }

  async cancelRootOperation(
    confirmationId: string,
  ): Promise<TrustConfirmation> {
    return this.request(
      'POST',
      `/trust/confirmations/${encodeURIComponent(confirmationId)}/cancel`,
    );
  }

  async listAuditEvents(query: AuditEventQuery = {}): Promise<AuditEventList> {
    return this.request<AuditEventList>(
      'GET',
      `/audit-events${queryString({ ...query })}`,
    );
  }

  async listExposures(
    query: ExposureRequestQuery = {},
  ): Promise<ExposureRequestList> {
    const { state, ...rest } = query;
    return this.request<ExposureRequestList>(
      'GET',
      `/exposures${queryString({ ...rest, state: state?.join(',') })}`,
    );
  }

  async getExposure(requestId: string): Promise<ExposureRequest> {
    return this.request('GET', `/exposures/${encodeURIComponent(requestId)}`);
  }

  async previewExposureDraft(
    request: NewExposureRequest,
  ): Promise<ExposurePreview> {
    return this.request('POST', '/exposures/preview', request);
  }

  async previewExposure(requestId: string): Promise<ExposurePreview> {
    return this.request(
      'GET',
      `/exposures/${encodeURIComponent(requestId)}/preview`,
    );
  }

  async getServicePorts(entityRef: string): Promise<ServicePorts> {
    return this.request('GET', `/service-ports${queryString({ entityRef })}`);
  }

  async requestExposure(request: NewExposureRequest): Promise<ExposureRequest> {
    return this.request('POST', '/exposures', request);
  }

  async cancelExposure(requestId: string): Promise<ExposureRequest> {
    return this.request(
      'POST',
      `/exposures/${encodeURIComponent(requestId)}/cancel`,
    );
  }

  async revokeExposure(requestId: string): Promise<ExposureRequest> {
    return this.request(
      'POST',
      `/exposures/${encodeURIComponent(requestId)}/revoke`,
    );
  }

  async approveExposure(
    requestId: string,
    comment?: string,
  ): Promise<ExposureRequest> {
    return this.request(
      'POST',
      `/exposures/${encodeURIComponent(requestId)}/approve`,
      comment ? { comment } : {},
    );
  }

  async rejectExposure(
    requestId: string,
    comment?: string,
  ): Promise<ExposureRequest> {
    return this.request(
      'POST',
      `/exposures/${encodeURIComponent(requestId)}/reject`,
      comment ? { comment } : {},
    );
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('crossmesh');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function clusterTrustPath(clusterName: string): string {
  return `/trust/clusters/${encodeURIComponent(clusterName)}`;
}

function queryString(
  params: Record<string, string | number | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
