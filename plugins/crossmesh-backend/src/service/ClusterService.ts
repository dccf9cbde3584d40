import {
  ClusterMembership,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  ClusterConnection,
  requireConnection,
} from '../clusters/clusterConnections';
import { ClusterObserver } from '../clusters/ClusterObserver';
import { ClusterObservationStore } from '../clusters/ClusterObservationStore';
import { applyMembership } from '../onboarding/membership/membershipConnection';
import { MembershipStore } from '../onboarding/membership/MembershipStore';

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
    /** Members' gateway address overrides apply, and each cluster shows its membership. */
    private readonly memberships?: Pick<MembershipStore, 'list' | 'get'>,
  ) {}

  /** Reads every cluster in parallel; one that is down does not hold back the others. */
  async listClusters(): Promise<MeshCluster[]> {
    const members = new Map(
      ((await this.memberships?.list()) ?? []).map(m => [m.cluster, m]),
    );
    const observations = await Promise.all(
      this.connections.map(c => this.observe(c, members.get(c.name))),
    );
    await this.store.record(observations);
    return observations;
  }

  async getCluster(name: string): Promise<MeshCluster> {
    const connection = requireConnection(this.connections, name);
    const observation = await this.observe(
      connection,
      await this.memberships?.get(name),
    );
    await this.store.record([observation]);
    return observation;
  }

  private async observe(
    connection: ClusterConnection,
    membership: ClusterMembership | undefined,
  ): Promise<MeshCluster> {
    const observation = await this.observer.observe(
      applyMembership(connection, membership).connection,
    );
    return membership ? { ...observation, membership } : observation;
  }
}
