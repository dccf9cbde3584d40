import {
  ClusterMembership,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { DeliverySettings } from '../exposure/delivery/deliverySettings';
import { deliveryView } from '../exposure/delivery/deliveryView';
import type { ExposureStore } from '../exposure/store/ExposureStore';
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
    /** Each cluster shows how its objects are delivered, with the pull requests open. */
    private readonly delivery?: {
      settings: DeliverySettings;
      exposures: Pick<
        ExposureStore,
        'listPullRequestsWaitingForMerge' | 'listDriftedHosts'
      >;
    },
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

  /**
   * Adds how each cluster's objects are delivered, with the pull requests waiting and the
   * drifted hosts: two queries, so only the HTTP routes ask for it, not each reconcile pass.
   */
  async withDelivery(clusters: MeshCluster[]): Promise<MeshCluster[]> {
    if (!this.delivery) return clusters;
    const { settings, exposures } = this.delivery;
    // Only a cluster delivered through Git can have a pull request open.
    const inGit = settings.gitClusters().length > 0;
    const [pullRequests, drifted] = inGit
      ? await Promise.all([
          exposures.listPullRequestsWaitingForMerge(),
          exposures.listDriftedHosts(),
        ])
      : [[], []];
    return clusters.map(cluster => ({
      ...cluster,
      delivery: deliveryView(settings.of(cluster.name), {
        openPullRequests: pullRequests
          .filter(p => p.cluster === cluster.name)
          .map(({ number, url }) => ({ number, url })),
        drifted: drifted
          .filter(d => d.cluster === cluster.name)
          .map(d => d.host),
      }),
    }));
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
