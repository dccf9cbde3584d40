import type { ClusterDelivery } from '../../exposure/delivery/deliverySettings';
import type { GiteaRepository } from '../../exposure/delivery/GiteaRepository';
import { API_REACHABLE } from './connectionChecks';
import { CheckDefinition } from './runChecks';

/** What crossmesh keeps writing itself in a cluster delivered through Git, and why. */
const DIRECT_ALL_THE_SAME =
  'Written directly all the same: the cacerts Secret and the remote secrets (key material never goes to Git), .global DNS and the mesh config (the repository does not hold those ConfigMaps).';

/**
 * Says how crossmesh delivers the cluster's Istio objects and, for a cluster delivered
 * through Git, that the repository answers crossmesh's token: the folder is read as the
 * reconciler reads it.
 *
 * @internal
 */
export function deliveryCheck(
  delivery: ClusterDelivery,
  forge: (
    delivery: Extract<ClusterDelivery, { mode: 'git' }>,
  ) => Pick<GiteaRepository, 'readFolder'>,
): CheckDefinition {
  return {
    id: 'delivery',
    title: "How crossmesh delivers the cluster's Istio objects",
    // Like every check, none for a cluster that cannot be reached at all.
    dependsOn: [API_REACHABLE],
    run: async () => {
      if (delivery.mode === 'direct') {
        return {
          status: 'pass',
          detail:
            'Directly: crossmesh applies them itself (server-side apply, field manager crossmesh).',
        };
      }
      const where = `${delivery.repository.url}, branch ${delivery.branch}, folder ${delivery.path}`;
      const merged =
        delivery.merge === 'auto'
          ? 'crossmesh merges them'
          : 'reviewers merge them';
      try {
        const files = await forge(delivery).readFolder(
          delivery.branch,
          delivery.path,
        );
        return {
          status: 'pass',
          detail: `Through Git: pull requests on ${where} (${merged}; the folder holds ${files.size} files now), applied by the cluster's Flux or Argo CD. ${DIRECT_ALL_THE_SAME}`,
        };
      } catch (error) {
        return {
          status: 'fail',
          detail: `Through Git (${where}), but crossmesh cannot read the folder: ${
            error instanceof Error ? error.message : String(error)
          }`,
          remedy:
            'Fix the repository address in crossmesh.delivery or the token in integrations.gitea, as the error says; until then approvals for this cluster wait.',
        };
      }
    },
  };
}
