import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { ListClustersResponse } from '@crossmesh/backstage-plugin-crossmesh-common';
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
    return this.get<ListClustersResponse>('/clusters');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('crossmesh');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
