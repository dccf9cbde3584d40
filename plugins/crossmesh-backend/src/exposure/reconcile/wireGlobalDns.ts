import {
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { ClusterDnsWiring } from '../dns/cluster';
import type { GitDnsWiring } from '../delivery/GitDnsWiring';
import type { DeliverySettings } from '../delivery/deliverySettings';
import { ClusterDnsOutcome, dnsOutcomeOf } from './reconcileStatus';

/**
 * The `.global` DNS wiring a pass did per cluster, when anything was done or failed.
 *
 * @internal
 */
export type DnsPassResult = Array<{
  cluster: string;
  changed: boolean;
  error?: string;
}>;

/**
 * In `legacy-global` meshes, a cluster that consumes any exposure (or is a registered
 * member, ADR 0008) forwards `.global` names to its istiocoredns; one that consumes none has
 * crossmesh's forwarding removed. (`dns-proxy` meshes resolve `.global` in the sidecar and
 * need no wiring.)
 *
 * @internal
 */
export async function wireGlobalDns(options: {
  requests: ExposureRequest[];
  observed: Map<string, MeshCluster>;
  connections: ClusterConnection[];
  wiring: ClusterDnsWiring;
  members: string[];
  /** Clusters whose CoreDNS ConfigMap is in Git (`dnsFile`) are wired by pull request. */
  git?: { delivery: DeliverySettings; wiring: GitDnsWiring };
}): Promise<{
  dns: DnsPassResult;
  outcomes: Map<string, ClusterDnsOutcome>;
}> {
  const { requests, observed, connections, wiring, members, git } = options;
  const consuming = new Set(
    requests
      .filter(r => isLiveExposureState(r.state))
      .flatMap(r => r.consumerClusters),
  );
  for (const member of members) {
    consuming.add(member);
  }
  const results = await Promise.all(
    connections.map(async c => {
      const cluster = observed.get(c.name);
      if (!cluster?.reachable || cluster.strategy !== 'legacy-global') {
        return undefined;
      }
      const delivery = git?.delivery.of(c.name);
      if (delivery?.mode === 'git' && delivery.dnsFile) {
        const through = { ...delivery, dnsFile: delivery.dnsFile };
        return consuming.has(c.name)
          ? git!.wiring.wire(c, through)
          : git!.wiring.unwire(c, through);
      }
      return consuming.has(c.name) ? wiring.wire(c) : wiring.unwire(c);
    }),
  );
  const outcomes = new Map(
    connections.map((c, i) => [
      c.name,
      dnsOutcomeOf(observed.get(c.name), consuming.has(c.name), results[i]),
    ]),
  );
  const dns = results
    .filter(r => r && (r.changed || r.error))
    .map(r => ({
      cluster: r!.cluster,
      changed: r!.changed,
      ...(r!.error ? { error: r!.error } : {}),
    }));
  return { dns, outcomes };
}
