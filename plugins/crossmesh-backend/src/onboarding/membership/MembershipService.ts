import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AuditEvent,
  ClusterMembership,
  ClusterMembershipInput,
  IntermediateKeyType,
  NameValidation,
  validateDns1123Subdomain,
  validateLabelValue,
  validatePort,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { isIP } from 'node:net';
import {
  ClusterConnection,
  requireConnection,
} from '../../clusters/clusterConnections';
import { KEY_TYPES } from '../../pki/keys';
import { applyMembership, MemberConnection } from './membershipConnection';
import {
  MembershipFields,
  MembershipStore,
  MembershipWrite,
} from './MembershipStore';

/**
 * Registration of clusters in the mesh: who is a member, on which network, with which
 * gateway address override and intermediate key type.
 *
 * @internal
 */
export class MembershipService {
  constructor(
    private readonly connections: ClusterConnection[],
    private readonly store: MembershipStore,
    private readonly now: () => Date = () => new Date(),
    /**
     * Told of every committed change with its audit event, to tell the owners of the
     * exposures it affects; its failure does not undo the change.
     */
    private readonly onChanged?: (event: AuditEvent) => Promise<void>,
  ) {}

  async get(clusterName: string): Promise<ClusterMembership> {
    this.requireCluster(clusterName);
    const membership = await this.store.get(clusterName);
    if (!membership) {
      throw new NotFoundError(
        `Cluster '${clusterName}' is not registered in the mesh yet; register it with PUT /clusters/${clusterName}/membership or the "Add a cluster to the mesh" template`,
      );
    }
    return membership;
  }

  /** The memberships of configured clusters, by cluster name. */
  async byCluster(): Promise<Map<string, ClusterMembership>> {
    const all = await this.store.list();
    return new Map(all.map(m => [m.cluster, m]));
  }

  /** Creates or updates the membership; idempotent. */
  async register(
    clusterName: string,
    input: ClusterMembershipInput,
    actor: string,
  ): Promise<MembershipWrite> {
    const fields = this.checkRegistration(clusterName, input);
    const written = await this.store.put(fields, actor, this.now());
    if (written.event) {
      await this.onChanged?.(written.event);
    }
    return written;
  }

  /**
   * The fields a registration of `input` would set, or the error {@link register} would
   * throw (unknown cluster, malformed field, a gateway address other than config's), writing
   * nothing. `refusal` starts the message of a malformed input.
   */
  checkRegistration(
    clusterName: string,
    input: ClusterMembershipInput,
    refusal: string = 'The membership was not registered',
  ): MembershipFields {
    const connection = this.requireCluster(clusterName);
    const fields = validateMembershipInput(input, refusal);
    const configured = connection.gatewayOverride;
    if (
      configured &&
      fields.gatewayAddress !== null &&
      (fields.gatewayAddress !== configured.address ||
        (fields.gatewayPort ?? 15443) !== (configured.port ?? 15443))
    ) {
      throw new ConflictError(
        `crossmesh.clusters.${clusterName}.gatewayAddress is set to ${
          configured.address
        }:${
          configured.port ?? 15443
        } in the app config, and config wins over the membership; leave gatewayAddress out, or change the config`,
      );
    }
    return { cluster: clusterName, ...fields };
  }

  async connectionOf(clusterName: string): Promise<MemberConnection> {
    const connection = this.requireCluster(clusterName);
    return applyMembership(connection, await this.store.get(clusterName));
  }

  private requireCluster(clusterName: string): ClusterConnection {
    return requireConnection(this.connections, clusterName);
  }
}

function validateMembershipInput(
  input: ClusterMembershipInput,
  refusal: string,
): {
  network: string;
  gatewayAddress: string | null;
  gatewayPort: number | null;
  keyType: IntermediateKeyType | null;
} {
  const problems: string[] = [];
  const check = (result: NameValidation) => {
    if (!result.ok) problems.push(result.message);
  };
  const network = input?.network;
  if (typeof network !== 'string' || network === '') {
    problems.push(
      "network is required: the cluster's Istio network name, e.g. network-1",
    );
  } else {
    check(validateLabelValue(network, 'network'));
  }
  const gatewayAddress = input?.gatewayAddress ?? null;
  if (gatewayAddress !== null && !isIP(String(gatewayAddress))) {
    check(validateDns1123Subdomain(gatewayAddress, 'gatewayAddress'));
  }
  const gatewayPort = input?.gatewayPort ?? null;
  if (gatewayPort !== null) {
    check(validatePort(gatewayPort, 'gatewayPort'));
    if (gatewayAddress === null) {
      problems.push('gatewayPort needs a gatewayAddress to go with it');
    }
  }
  const keyType = input?.keyType ?? null;
  if (keyType !== null && !KEY_TYPES.includes(keyType)) {
    problems.push(`keyType '${keyType}' is not one of ${KEY_TYPES.join(', ')}`);
  }
  if (problems.length) {
    throw new InputError(`${refusal}: ${problems.join('; ')}`);
  }
  return { network: network!, gatewayAddress, gatewayPort, keyType };
}
