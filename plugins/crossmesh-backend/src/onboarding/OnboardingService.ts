import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  DnsWiringResult,
  MeshCluster,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterDnsWiring } from '../exposure/dns/cluster';
import { AuditLog } from '../audit';
import { MembershipService } from './membership/MembershipService';
import { ClusterPreflight } from './preflight/ClusterPreflight';

/**
 * Readiness checks and `.global` DNS wiring for one cluster at a time, as onboarding and
 * the mesh overview ask for them.
 *
 * @internal
 */
export class OnboardingService {
  constructor(
    private readonly options: {
      memberships: MembershipService;
      preflight: ClusterPreflight;
      /** The cluster as observed now, with its membership's gateway applied. */
      observe: (clusterName: string) => Promise<MeshCluster>;
      dns: ClusterDnsWiring;
      audit: AuditLog;
    },
  ) {}

  async preflight(clusterName: string): Promise<PreflightReport> {
    const { connection, gatewayOverrideOrigin, network } =
      await this.options.memberships.connectionOf(clusterName);
    return this.options.preflight.check(
      connection,
      gatewayOverrideOrigin,
      network,
    );
  }

  /**
   * Makes the names of other clusters' services resolve in the cluster: under
   * legacy-global, crossmesh's entry in the cluster DNS forwards `.global` names to
   * istiocoredns; under dns-proxy and multi-primary the sidecars' DNS proxy answers them, so
   * nothing is needed. Idempotent.
   */
  async wireDns(clusterName: string, actor: string): Promise<DnsWiringResult> {
    const { connection } = await this.options.memberships.connectionOf(
      clusterName,
    );
    const cluster = await this.options.observe(clusterName);
    if (!cluster.reachable) {
      throw new ServiceUnavailableError(
        `Cluster '${clusterName}' cannot be read, so its DNS was not wired: ${cluster.error}`,
      );
    }
    if (
      cluster.strategy === 'dns-proxy' ||
      cluster.strategy === 'multi-primary'
    ) {
      const names =
        cluster.strategy === 'dns-proxy'
          ? '.global names'
          : "other clusters' Service names (<svc>.<ns>.svc.cluster.local)";
      return {
        cluster: clusterName,
        strategy: cluster.strategy,
        changed: false,
        action: 'none',
        detail: `Under the ${
          cluster.strategy
        } strategy the sidecars' DNS proxy resolves ${names}, so the cluster DNS needs no entry${
          cluster.dnsCaptureDetail ? `; ${cluster.dnsCaptureDetail}` : ''
        }`,
      };
    }
    if (cluster.strategy !== 'legacy-global') {
      throw new ConflictError(
        `crossmesh does not know how cluster '${clusterName}' resolves .global names, as its strategy is unknown (${
          cluster.error ?? 'no Istio version'
        }); install Istio there or set crossmesh.strategy`,
      );
    }
    const wiring = await this.options.dns.wire(connection);
    if (wiring.error) {
      throw new ConflictError(wiring.error);
    }
    if (wiring.changed) {
      await this.options.audit.append({
        actor,
        action: 'cluster.dns-wired',
        clusterName,
        details: {
          flavour: wiring.flavour,
          configMap: wiring.configMap,
          action: wiring.action,
        },
      });
    }
    const where = `ConfigMap kube-system/${wiring.configMap}`;
    return {
      cluster: clusterName,
      strategy: cluster.strategy,
      changed: wiring.changed,
      action: wiring.action,
      flavour: wiring.flavour,
      ...(wiring.configMap ? { configMap: wiring.configMap } : {}),
      detail: wiring.changed
        ? `${where} now forwards .global names to istiocoredns (${wiring.action})`
        : `${where} already forwards .global names to istiocoredns; nothing was written`,
    };
  }
}
