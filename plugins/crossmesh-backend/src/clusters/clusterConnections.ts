import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { quoteValue } from '@crossmesh/backstage-plugin-crossmesh-common';
import { GatewayOverride } from './gatewayAddress';

/**
 * How crossmesh reaches one cluster, as the Kubernetes plugin's configuration says.
 *
 * @internal
 */
export interface ClusterConnection {
  name: string;
  url: string;
  /** Base64-encoded PEM, as in the Kubernetes plugin's `caData`. */
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  /** Set only for the `serviceAccount` auth provider, the one crossmesh can use itself. */
  serviceAccountToken?: string;
  authProvider: string;
  /** crossmesh's own per-cluster settings (`crossmesh.clusters.<name>`). */
  gatewayOverride?: GatewayOverride;
}

const AUTH_PROVIDER_KEY = 'kubernetes.io/auth-provider';

/**
 * Reads the mesh's clusters from `kubernetes.clusterLocatorMethods` — the Kubernetes
 * plugin's own configuration, so that clusters and credentials live in one place —
 * plus crossmesh's per-cluster overrides from `crossmesh.clusters`.
 *
 * Only `config` locators carry URLs and credentials that crossmesh can use directly;
 * others are reported through `unsupportedLocators`.
 *
 * @internal
 */
export function readClusterConnections(config: Config): {
  clusters: ClusterConnection[];
  unsupportedLocators: string[];
} {
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const overrides = config.getOptionalConfig('crossmesh.clusters');
  const clusters: ClusterConnection[] = [];
  const unsupportedLocators: string[] = [];

  for (const locator of locators) {
    const type = locator.getString('type');
    if (type !== 'config') {
      unsupportedLocators.push(type);
      continue;
    }
    for (const c of locator.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      // Keys such as 'kubernetes.io/auth-provider' are not valid config paths, so the
      // block is read whole, as the Kubernetes plugin reads it.
      const authMetadata =
        c.getOptional<Record<string, string>>('authMetadata');
      const authProvider =
        authMetadata?.[AUTH_PROVIDER_KEY] ??
        c.getOptionalString('authProvider');
      if (!authProvider) {
        throw new InputError(
          `kubernetes cluster '${name}' has no auth provider; set 'authProvider' (crossmesh uses 'serviceAccount' with 'serviceAccountToken')`,
        );
      }
      if (clusters.some(existing => existing.name === name)) {
        throw new InputError(
          `kubernetes cluster '${name}' is configured twice; cluster names must be unique`,
        );
      }
      const override = overrides?.getOptionalConfig(name);
      const gatewayAddress = override?.getOptionalString('gatewayAddress');
      clusters.push({
        name,
        url: c.getString('url'),
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        serviceAccountToken:
          authMetadata?.serviceAccountToken ??
          c.getOptionalString('serviceAccountToken'),
        authProvider,
        gatewayOverride: gatewayAddress
          ? {
              address: gatewayAddress,
              port: override?.getOptionalNumber('gatewayPort'),
            }
          : undefined,
      });
    }
  }
  return { clusters, unsupportedLocators };
}

/**
 * Why crossmesh cannot sign in to the cluster itself, or undefined when it can: it uses the
 * `serviceAccount` auth provider's token and no other.
 *
 * @internal
 */
export function unsupportedAuthProblem(
  connection: ClusterConnection,
): string | undefined {
  if (connection.authProvider === 'serviceAccount') {
    return undefined;
  }
  return `crossmesh signs in to clusters with the 'serviceAccount' auth provider, but cluster '${connection.name}' uses '${connection.authProvider}'; give it a serviceAccountToken`;
}

/**
 * The connection of the cluster named `clusterName`, or a 404 that lists the clusters there
 * are.
 *
 * @internal
 */
export function requireConnection(
  connections: ClusterConnection[],
  clusterName: string,
): ClusterConnection {
  const connection = connections.find(c => c.name === clusterName);
  if (!connection) {
    throw new NotFoundError(
      `No cluster named ${quoteValue(
        clusterName,
      )} in kubernetes.clusterLocatorMethods; known clusters: ${
        connections.map(c => c.name).join(', ') || 'none'
      }`,
    );
  }
  return connection;
}
