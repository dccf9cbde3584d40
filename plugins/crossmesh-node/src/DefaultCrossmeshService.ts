import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ExposureRequest,
  ExposureRequestList,
  ExposureRequestQuery,
  ListClustersResponse,
  MeshCluster,
  NewExposureRequest,
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
