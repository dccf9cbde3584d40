import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  ListClustersResponse,
  MeshCluster,
  NewExposureRequest,
  OnboardingJob,
  OnboardingJobInput,
  PreflightReport,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshService } from './CrossmeshService';

/**
 * Calls the crossmesh backend over HTTP with a token minted for the caller, so the backend
 * applies its permissions to the original principal.
 *
 * @internal
 */
export class DefaultCrossmeshService implements CrossmeshService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async listClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<MeshCluster[]> {
    const body = await this.request<ListClustersResponse>(
      'GET',
      '/clusters',
      options.credentials,
    );
    return body.items;
  }

  async listExposures(
    query: ExposureRequestQuery,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposureRequestList> {
    const { state, ...rest } = query;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries({
      ...rest,
      state: state?.join(','),
    })) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const text = search.toString();
    return this.request<ExposureRequestList>(
      'GET',
      `/exposures${text ? `?${text}` : ''}`,
      options.credentials,
    );
  }

  async requestExposure(
    request: NewExposureRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposureRequest> {
    return this.request<ExposureRequest>(
      'POST',
      '/exposures',
      options.credentials,
      request,
    );
  }

  async previewExposureRequest(
    request: NewExposureRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<ExposurePreview> {
    return this.request<ExposurePreview>(
      'POST',
      '/exposures/preview',
      options.credentials,
      request,
    );
  }

  async getCluster(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<MeshCluster> {
    return this.request<MeshCluster>(
      'GET',
      `/clusters/${encodeURIComponent(clusterName)}`,
      options.credentials,
    );
  }

  async getPreflight(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<PreflightReport> {
    return this.request<PreflightReport>(
      'GET',
      `/clusters/${encodeURIComponent(clusterName)}/preflight`,
      options.credentials,
    );
  }

  async getTrust(options: {
    credentials: BackstageCredentials;
  }): Promise<TrustState> {
    return this.request<TrustState>('GET', '/trust', options.credentials);
  }

  async issueIntermediate(
    clusterName: string,
    request: { keyType?: IntermediateKeyType },
    options: { credentials: BackstageCredentials },
  ): Promise<IntermediateIssueResult> {
    return this.request<IntermediateIssueResult>(
      'POST',
      `/trust/clusters/${encodeURIComponent(clusterName)}/intermediate`,
      options.credentials,
      request,
    );
  }

  async distributeCacerts(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<CacertsDistribution> {
    const body = await this.request<{ items: CacertsDistribution[] }>(
      'POST',
      '/trust/distribute',
      options.credentials,
      { clusterName },
    );
    return body.items[0];
  }

  async getMembership(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ClusterMembership | undefined> {
    try {
      return await this.request<ClusterMembership>(
        'GET',
        `/clusters/${encodeURIComponent(clusterName)}/membership`,
        options.credentials,
      );
    } catch (error) {
      // An unknown cluster is a 404 too; the server's message says which.
      if (
        error instanceof ResponseError &&
        error.statusCode === 404 &&
        /not registered in the mesh/.test(error.cause.message)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  async registerMembership(
    clusterName: string,
    membership: ClusterMembershipInput,
    options: { credentials: BackstageCredentials },
  ): Promise<ClusterMembership> {
    return this.request<ClusterMembership>(
      'PUT',
      `/clusters/${encodeURIComponent(clusterName)}/membership`,
      options.credentials,
      membership,
    );
  }

  async wireDns(
    clusterName: string,
    options: { credentials: BackstageCredentials },
  ): Promise<DnsWiringResult> {
    return this.request<DnsWiringResult>(
      'POST',
      `/clusters/${encodeURIComponent(clusterName)}/dns`,
      options.credentials,
    );
  }

  async startOnboarding(
    input: OnboardingJobInput,
    options: { credentials: BackstageCredentials },
  ): Promise<OnboardingJob> {
    return this.request<OnboardingJob>(
      'POST',
      '/onboarding-jobs',
      options.credentials,
      input,
    );
  }

  async getOnboardingJob(
    jobId: string,
    options: { credentials: BackstageCredentials },
  ): Promise<OnboardingJob> {
    return this.request<OnboardingJob>(
      'GET',
      `/onboarding-jobs/${encodeURIComponent(jobId)}`,
      options.credentials,
    );
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    credentials: BackstageCredentials,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('crossmesh');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'crossmesh',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
