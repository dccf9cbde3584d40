import {
  MeshStrategy,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { accessChecks } from './accessChecks';
import { cacertsCheck, PreflightTrust } from './cacertsCheck';
import { connectionChecks } from './connectionChecks';
import { dnsChecks } from './dnsChecks';
import { multiPrimaryChecks } from './multiPrimaryChecks';
import {
  GatewayOverrideOrigin,
  IstioFindings,
  istioChecks,
} from './istioChecks';
import { PreflightSession } from './PreflightSession';
import { runChecks } from './runChecks';
import { AllocatedVips, vipChecks } from './vipChecks';
import { deliveryCheck } from './deliveryCheck';
import type { ClusterDelivery } from '../../exposure/delivery/deliverySettings';

/**
 * Checks whether a cluster is ready for the mesh: reachable, crossmesh allowed to do all it
 * does there, Istio with its gateway, VIPs clear of other allocators, `.global` DNS, and
 * `cacerts` from the mesh root.
 * Reads only; never writes to the cluster.
 *
 * @internal
 */
export class ClusterPreflight {
  constructor(
    private readonly clients: KubernetesClients,
    private readonly trust: PreflightTrust,
    private readonly options: {
      configuredStrategy?: MeshStrategy;
      timeoutMs: number;
      now?: () => Date;
      /** crossmesh's VIPs, checked against what the cluster's other allocators use. */
      allocatedVips?: AllocatedVips;
      /** `crossmesh.multiPrimary.revisions`: the mesh configs checked under multi-primary. */
      meshConfigRevisions?: string[];
      /** How each cluster's objects are delivered, and the forge of those through Git. */
      delivery?: {
        of: (cluster: string) => ClusterDelivery;
        forge: Parameters<typeof deliveryCheck>[1];
      };
    },
  ) {}

  /**
   * `connection` carries the gateway address override in force, if any;
   * `gatewayOverrideOrigin` says where it came from.
   */
  async check(
    connection: ClusterConnection,
    gatewayOverrideOrigin?: GatewayOverrideOrigin,
    /** The member's Istio network, checked under multi-primary. */
    network?: string,
  ): Promise<PreflightReport> {
    const session = await PreflightSession.open(
      this.clients,
      connection,
      this.options.timeoutMs,
    );
    const describe = (error: unknown) => session.describeError(error);
    const findings: IstioFindings = {};
    const cacerts = cacertsCheck(connection.name, this.trust);

    const first = await runChecks(
      [
        ...connectionChecks(session),
        ...accessChecks(session),
        ...istioChecks(session, {
          configuredStrategy: this.options.configuredStrategy,
          gatewayOverrideOrigin,
          findings,
        }),
        ...vipChecks(session, this.options.allocatedVips ?? (async () => [])),
        cacerts,
        ...(this.options.delivery
          ? [
              deliveryCheck(
                this.options.delivery.of(connection.name),
                this.options.delivery.forge,
                async () =>
                  (await session.read<V1ConfigMap>('cm:coredns', () =>
                    session.apis.core.readNamespacedConfigMap({
                      name: 'coredns',
                      namespace: 'kube-system',
                    }),
                  )) ?? undefined,
              ),
            ]
          : []),
      ],
      describe,
    );
    const dns = await runChecks(
      findings.strategy === 'multi-primary'
        ? multiPrimaryChecks(session, network, this.options.meshConfigRevisions)
        : dnsChecks(session, findings.strategy),
      describe,
      first,
    );
    const checks = [
      ...first.filter(c => c.id !== cacerts.id),
      ...dns,
      ...first.filter(c => c.id === cacerts.id),
    ];
    return {
      cluster: connection.name,
      checkedAt: (this.options.now?.() ?? new Date()).toISOString(),
      ok: checks.every(c => c.status !== 'fail'),
      checks,
    };
  }
}
