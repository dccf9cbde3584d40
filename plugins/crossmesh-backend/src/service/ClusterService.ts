import { NotFoundError } from '@backstage/errors';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../clusters/clusterConnections';
import { ClusterObserver } from '../clusters/ClusterObserver';
import { ClusterObservationStore } from '../database/ClusterObservationStore';

/**
 * The mesh's clusters, read live and remembered.
 *
 * @internal
 */
export class ClusterService {
  constructor(
    private readonly connections: ClusterConnection[],
    private readonly observer: ClusterObserver,
    private readonly store: ClusterObservationStore,
  ) {}

  /** Reads every cluster in parallel; one that is down does not hold back the others. */
  async listClusters(): Promise<MeshCluster[]> {
    const observations = await Promise.all(
      this.connections.map(c => this.observer.observe(c)),
    );
    await this.store.record(observations);
    return observations;
  }

  async getCluster(name: string): Promise<MeshCluster> {
    const connection = this.connections.find(c => c.name === name);
    if (!connection) {
      throw new NotFoundError(
        `No cluster named '${name}' in kubernetes.clusterLocatorMethods; known clusters: ${
          this.connections.map(c => c.name).join(', ') || 'none'
        }`,
      );
    }
    const observation = await this.observer.observe(connection);
    await this.store.record([observation]);
    return observation;
  }
}
