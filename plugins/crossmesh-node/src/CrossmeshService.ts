import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ExposureRequest,
  ExposureRequestList,
  ExposureRequestQuery,
  MeshCluster,
  NewExposureRequest,
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
}
