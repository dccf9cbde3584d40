import type { V1Namespace, V1Service } from '@kubernetes/client-node';
import { accessDependency } from './accessChecks';
import { dnsCaptureCheck } from './dnsChecks';
import { ISTIO_SYSTEM, STRATEGY } from './istioChecks';
import { meshConfigCheck } from './meshConfigCheck';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition, CheckOutcome } from './runChecks';

const NS = 'istio-system';
const GATEWAY = 'istio-ingressgateway';
const NETWORK_LABEL = 'topology.istio.io/network';

/**
 * What multi-primary needs of a cluster beyond Istio and access: the sidecars' DNS proxy
 * (callers resolve other clusters' Service names through it), crossmesh's edit of the mesh
 * config, and the network labels istiod goes by matching the membership's network.
 *
 * @internal
 */
export function multiPrimaryChecks(
  session: PreflightSession,
  network: string | undefined,
  revisions?: string[],
): CheckDefinition[] {
  return [
    dnsCaptureCheck(session),
    meshConfigCheck(session, revisions),
    networkCheck(session, network),
  ];
}

function networkCheck(
  session: PreflightSession,
  network: string | undefined,
): CheckDefinition {
  const { core } = session.apis;
  return {
    id: 'network',
    title: 'Istio network labels match the membership',
    dependsOn: [
      STRATEGY,
      ISTIO_SYSTEM,
      accessDependency('get', 'services', NS),
    ],
    run: async () => {
      // The same reads, and keys, as the Istio checks: one request each per session.
      const namespace = await session.read<V1Namespace>('ns', () =>
        core.readNamespace({ name: NS }),
      );
      const gateway = await session.read<V1Service>(GATEWAY, () =>
        core.readNamespacedService({ name: GATEWAY, namespace: NS }),
      );
      return networkOutcome(
        network,
        namespace?.metadata?.labels?.[NETWORK_LABEL],
        gateway ? gateway.metadata?.labels?.[NETWORK_LABEL] ?? null : undefined,
      );
    },
  };
}

/**
 * `gatewayNetwork`: the gateway Service's label, null when it has none, undefined when there
 * is no gateway Service (its own check says so).
 */
function networkOutcome(
  network: string | undefined,
  namespaceNetwork: string | undefined,
  gatewayNetwork: string | null | undefined,
): CheckOutcome {
  const labelNamespace = (value: string) =>
    `kubectl label namespace ${NS} ${NETWORK_LABEL}=${value} --overwrite (or install Istio with values.global.network=${value})`;
  if (network === undefined) {
    return {
      status: 'pass',
      detail: `Not a member yet; ${NS} ${
        namespaceNetwork
          ? `says network ${namespaceNetwork}, which the membership should name`
          : `has no ${NETWORK_LABEL} label (one network)`
      }`,
    };
  }
  if (namespaceNetwork === undefined) {
    return {
      status: 'warn',
      detail: `Namespace ${NS} has no ${NETWORK_LABEL} label, so istiod puts this cluster on the default network, not ${network}; members on other networks cannot reach its services`,
      remedy: labelNamespace(network),
    };
  }
  if (namespaceNetwork !== network) {
    return {
      status: 'fail',
      detail: `Namespace ${NS} says network ${namespaceNetwork} and the membership says ${network}; istiod goes by the label`,
      remedy: `${labelNamespace(
        network,
      )}, or change the membership's network to ${namespaceNetwork}`,
    };
  }
  if (gatewayNetwork !== undefined && gatewayNetwork !== network) {
    return {
      status: 'warn',
      detail: `Service ${NS}/${GATEWAY} is not labelled ${NETWORK_LABEL}=${network}, so istiod does not use it as the way into network ${network}: clusters on other networks get no endpoint of this cluster's services`,
      remedy: `kubectl -n ${NS} label service ${GATEWAY} ${NETWORK_LABEL}=${network} --overwrite`,
    };
  }
  return {
    status: 'pass',
    detail: `Namespace ${NS}${
      gatewayNetwork ? ` and its gateway Service` : ''
    } say network ${network}, as the membership does`,
  };
}
