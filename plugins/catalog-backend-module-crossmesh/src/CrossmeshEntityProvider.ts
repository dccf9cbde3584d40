import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError, stringifyError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ExposureRequest,
  LIVE_EXPOSURE_STATES,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshService } from '@crossmesh/backstage-plugin-crossmesh-node';
import { buildMeshEntities, MeshEntityOptions } from './buildMeshEntities';
import { PROVIDER_NAME } from './readMeshCatalogOptions';

const EXPOSURE_PAGE_SIZE = 500;

/**
 * Publishes the mesh and its clusters to the catalog, reading them from the crossmesh
 * backend with the catalog's own service credentials. Each refresh replaces the whole
 * set; a refresh that cannot read the backend changes nothing.
 *
 * @internal
 */
export class CrossmeshEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      crossmesh: CrossmeshService;
      auth: AuthService;
      logger: LoggerService;
      entities: MeshEntityOptions;
    },
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** Reads the mesh and replaces the provider's entities in the catalog. */
  async refresh(): Promise<void> {
    const { logger } = this.options;
    if (!this.connection) {
      throw new Error(
        `The catalog has not connected the ${PROVIDER_NAME} entity provider; is it disabled in catalog.providers?`,
      );
    }
    let mesh: { clusters: MeshCluster[]; exposures: ExposureRequest[] };
    try {
      mesh = await this.readMesh();
    } catch (error) {
      logger.warn(
        `Could not read the mesh from the crossmesh backend; the catalog keeps the mesh entities of the last successful refresh. ${describeError(
          error,
        )}`,
      );
      return;
    }
    const entities = buildMeshEntities({
      ...mesh,
      options: this.options.entities,
    });
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: PROVIDER_NAME,
      })),
    });
    logger.info(
      `Published the mesh to the catalog: ${mesh.clusters.length} clusters, ${mesh.exposures.length} exposures`,
    );
  }

  private async readMesh(): Promise<{
    clusters: MeshCluster[];
    exposures: ExposureRequest[];
  }> {
    const { crossmesh, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const [clusters, exposures] = await Promise.all([
      crossmesh.listClusters({ credentials }),
      this.readExposures(credentials),
    ]);
    return { clusters, exposures };
  }

  private async readExposures(
    credentials: BackstageCredentials,
  ): Promise<ExposureRequest[]> {
    const exposures: ExposureRequest[] = [];
    for (;;) {
      const page = await this.options.crossmesh.listExposures(
        {
          // Live requests: wanted in the clusters, whether or not every cluster has
          // applied them yet; a revoking exposure is on its way out, so it is dropped.
          state: [...LIVE_EXPOSURE_STATES],
          limit: EXPOSURE_PAGE_SIZE,
          offset: exposures.length,
        },
        { credentials },
      );
      exposures.push(...page.items);
      if (page.items.length === 0 || exposures.length >= page.totalCount) {
        return exposures;
      }
    }
  }
}

/** A refusal from the backend reads "Request failed with 403 Forbidden"; its reason is in `cause`. */
function describeError(error: unknown): string {
  // By name: the node package may resolve its own copy of @backstage/errors.
  if (
    isError(error) &&
    error.name === 'ResponseError' &&
    isError(error.cause)
  ) {
    return `${error.message}: ${error.cause.message}`;
  }
  return stringifyError(error);
}
