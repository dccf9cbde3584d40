import { ClusterMembership } from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';

/**
 * A connection with the gateway address override in force, and where that came from.
 *
 * @internal
 */
export interface MemberConnection {
  connection: ClusterConnection;
  gatewayOverrideOrigin?: 'config' | 'membership';
  /** The member's Istio network; absent for a cluster that is not a member. */
  network?: string;
}

/**
 * Applies a membership's gateway address to a connection. An address set in config
 * (`crossmesh.clusters.<name>.gatewayAddress`) wins over the membership's (ADR 0008).
 *
 * @internal
 */
export function applyMembership(
  connection: ClusterConnection,
  membership: ClusterMembership | undefined,
): MemberConnection {
  const network = membership ? { network: membership.network } : {};
  if (connection.gatewayOverride) {
    return { connection, gatewayOverrideOrigin: 'config', ...network };
  }
  if (membership?.gatewayAddress) {
    return {
      ...network,
      connection: {
        ...connection,
        gatewayOverride: {
          address: membership.gatewayAddress,
          ...(membership.gatewayPort ? { port: membership.gatewayPort } : {}),
        },
      },
      gatewayOverrideOrigin: 'membership',
    };
  }
  return { connection, ...network };
}
