import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ListClustersResponse,
  MeshCluster,
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
    const body = await this.get<ListClustersResponse>(
      '/clusters',
      options.credentials,
    );
    return body.items;
  }

  private async get<T>(
    path: string,
    credentials: BackstageCredentials,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('crossmesh');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'crossmesh',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
