import type { CustomObjectsApi } from '@kubernetes/client-node';
import { loadKubernetesModule } from '../../clusters/kubernetesModule';
import { ISTIO_NETWORKING_API_VERSION } from '../../exposure/render/renderExposure';
import {
  foreignServiceEntryAddresses,
  istioAutoAllocation,
  reservationsOf,
  ServiceEntryAddresses,
} from '../../exposure/vip';
import { accessDependency } from './accessChecks';
import { readIstiod } from './istioChecks';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition } from './runChecks';

const [GROUP, VERSION] = ISTIO_NETWORKING_API_VERSION.split('/');

/**
 * The VIPs crossmesh has handed out, from its database.
 *
 * @internal
 */
export type AllocatedVips = () => Promise<
  Array<{ host: string; address: string }>
>;

/**
 * Whether crossmesh's VIPs stay clear of the addresses others use in the cluster: istiod's
 * auto-allocation range (PILOT_IP_AUTOALLOCATE_IPV4_PREFIX) and the addresses of
 * ServiceEntries crossmesh does not own. Two ServiceEntries with one address in a cluster
 * clash without a word.
 *
 * @internal
 */
export function vipChecks(
  session: PreflightSession,
  allocatedVips: AllocatedVips,
): CheckDefinition[] {
  return [
    {
      id: 'vip-ranges',
      title: "crossmesh's VIPs clear of other address allocators",
      dependsOn: [
        'istiod',
        accessDependency('list', `serviceentries.${GROUP}`),
      ],
      run: async () => {
        const k8s = await loadKubernetesModule();
        const objects: CustomObjectsApi = session.apis.kubeConfig.makeApiClient(
          k8s.CustomObjectsApi,
        );
        const [istiod, serviceEntries, vips] = await Promise.all([
          readIstiod(session),
          session.call(
            () =>
              objects.listClusterCustomObject({
                group: GROUP,
                version: VERSION,
                plural: 'serviceentries',
              }) as Promise<{ items?: ServiceEntryAddresses[] }>,
          ),
          allocatedVips(),
        ]);
        const auto = istioAutoAllocation(istiod);
        const foreign = foreignServiceEntryAddresses(
          serviceEntries.items ?? [],
        );
        const clashes = vips.flatMap(vip =>
          reservationsOf(vip.address, [auto.range, ...foreign]).map(
            taken => `${vip.host} has ${vip.address}, in ${taken.what}`,
          ),
        );
        if (clashes.length > 0) {
          return {
            status: 'fail',
            detail: `crossmesh's VIPs overlap addresses others use in this cluster: ${clashes.join(
              '; ',
            )}. Two ServiceEntries with one address clash without an error.`,
            remedy:
              "Move istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX off those VIPs (Istio's default 240.240.0.0/16 never holds one) or give the other ServiceEntries other addresses; crossmesh steps over both for VIPs it allocates from now on",
          };
        }
        const found = `istiod auto-allocates from ${
          auto.range.what
        }; ServiceEntries crossmesh does not own use ${foreign.length} address${
          foreign.length === 1 ? '' : 'es'
        } or ranges; none of crossmesh's ${vips.length} VIP${
          vips.length === 1 ? '' : 's'
        } is among them`;
        return auto.problem
          ? {
              status: 'warn',
              detail: `${auto.problem}. ${found}`,
              remedy: `Set PILOT_IP_AUTOALLOCATE_IPV4_PREFIX on istiod as a plain CIDR value`,
            }
          : { status: 'pass', detail: found };
      },
    },
  ];
}
