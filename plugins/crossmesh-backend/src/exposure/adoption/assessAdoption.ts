import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
  MeshStrategy,
  parseGlobalHost,
  quoteValue,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { sourceClusterProblem } from '../render';
import type { VipAllocation } from '../store/ExposureStore';
import {
  validateRequestInput,
  ValidatedRequestInput,
} from '../workflow/validateRequestInput';
import {
  findConsumerNamespaces,
  findEntity,
  findPorts,
  findSourceCluster,
  findVip,
} from './handMadeHost';
import { HandMadeServiceEntry, roleOf } from './handMadeServiceEntry';

/**
 * The reason on every exposure request adoption creates.
 *
 * @internal
 */
export const ADOPTION_REASON = 'Adopted from a hand-made .global set-up';

/**
 * Why a host cannot be adopted as it is. `invalid` needs the hand-made entries or the
 * catalog fixed (a 400); `conflict` clashes with what crossmesh already holds (a 409).
 *
 * @internal
 */
export interface AdoptionProblem {
  kind: 'invalid' | 'conflict';
  message: string;
}

/**
 * Which crossmesh objects replace the hand-made entries of a host in one cluster.
 * `requestId` is that of an exposure already serving the cluster, or undefined for the
 * request adoption creates.
 *
 * @internal
 */
export interface AdoptionTakeover {
  cluster: string;
  role: 'consumer' | 'exporter';
  requestId?: string;
  entries: HandMadeServiceEntry[];
}

/**
 * What adopting one host does.
 *
 * @internal
 */
export interface AdoptionPlan {
  host: string;
  strategy: MeshStrategy;
  /** The cluster the service runs in: its gateway is the entries' endpoint. */
  sourceCluster: string;
  /** The request to create, for the calling clusters no exposure serves yet. */
  newRequest?: ValidatedRequestInput & {
    /** The hand-made entries' VIP; null when they have none and one is allocated. */
    vip: string | null;
  };
  takeovers: AdoptionTakeover[];
}

/**
 * A `.global` host with hand-made entries, as crossmesh would adopt it.
 *
 * @internal
 */
export interface HostAssessment {
  host: string;
  entries: HandMadeServiceEntry[];
  entityRef: string | null;
  sourceCluster: string | null;
  vip: string | null;
  /** Exposures already serving some of the entries' clusters, by cluster. */
  servedBy: Record<string, string>;
  problems: AdoptionProblem[];
  /** Set when there are no problems. */
  plan?: AdoptionPlan;
}

/**
 * What the assessment reads: the hand-made entries of every cluster that could be read and
 * crossmesh's own state.
 *
 * @internal
 */
export interface AdoptionFacts {
  entries: HandMadeServiceEntry[];
  clusters: MeshCluster[];
  vips: VipAllocation[];
  /** Requests that are not final (pending to revoking), for the entries' hosts. */
  openRequests: ExposureRequest[];
  /** Components carrying `backstage.io/kubernetes-id`. */
  components: Entity[];
  now: Date;
}

/**
 * Sorts the hand-made entries by host and says, per host, whether and how crossmesh can
 * take it over: the Component behind it, the cluster it runs in (the gateway its
 * endpoint names), the VIP to keep, and every problem in words. Pure.
 *
 * @internal
 */
export function assessAdoption(facts: AdoptionFacts): HostAssessment[] {
  const byHost = new Map<string, HandMadeServiceEntry[]>();
  for (const entry of facts.entries) {
    byHost.set(entry.host, [...(byHost.get(entry.host) ?? []), entry]);
  }
  return [...byHost.keys()]
    .sort()
    .map(host => assessHost(host, byHost.get(host)!, facts));
}

function assessHost(
  host: string,
  entries: HandMadeServiceEntry[],
  facts: AdoptionFacts,
): HostAssessment {
  const problems: AdoptionProblem[] = [];
  const invalid = (message: string) =>
    problems.push({ kind: 'invalid', message });
  const conflict = (message: string) =>
    problems.push({ kind: 'conflict', message });
  const { service, namespace } = parseGlobalHost(host)!;
  const consumers = entries.filter(e => roleOf(e) === 'consumer');
  const exporters = entries.filter(e => roleOf(e) === 'exporter');

  for (const entry of entries.filter(e => e.hosts.length > 1)) {
    invalid(
      `${entry.id} serves several hosts (${entry.hosts
        .map(quoteValue)
        .join(
          ', ',
        )}); crossmesh keeps one host per ServiceEntry and would delete the others with it: split it first`,
    );
  }
  if (consumers.length === 0) {
    invalid(
      `no calling cluster has a ServiceEntry for ${host}, only ${exporters
        .map(e => e.id)
        .join(
          ', ',
        )}, which points at the local Service; adopt it together with a calling cluster's entry`,
    );
  }

  const sourceCluster = findSourceCluster(
    host,
    consumers,
    exporters,
    facts.clusters,
    invalid,
  );
  const source = facts.clusters.find(c => c.name === sourceCluster);
  const strategy = source?.strategy ?? null;
  const sourceProblem =
    sourceCluster && sourceClusterProblem(sourceCluster, source);
  if (sourceProblem) {
    invalid(sourceProblem);
  }
  if (strategy === 'legacy-global') {
    for (const entry of exporters) {
      invalid(
        `${entry.id} points ${host} at the local Service, which crossmesh does not write under the legacy-global strategy, so nothing would replace it: delete it, or set crossmesh.strategy to dns-proxy if the mesh runs Istio 1.8 or later`,
      );
    }
  }

  // What only a new request needs; reported when there is one to create.
  const forNewRequest: string[] = [];
  const note = (message: string) => forNewRequest.push(message);
  const vip = findVip(host, consumers, note);
  const ports = findPorts(host, entries, note);
  const consumerNamespaces = findConsumerNamespaces(host, consumers, note);
  const entity = findEntity(service, namespace, facts.components, note);

  const servedBy: Record<string, string> = {};
  let servingRequest: ExposureRequest | undefined;
  for (const request of facts.openRequests.filter(r => r.host === host)) {
    if (!isLiveExposureState(request.state)) {
      conflict(
        `request ${request.id} for ${host} is ${request.state}; ${
          request.state === 'pending'
            ? 'approve, reject or cancel it'
            : 'wait until it is revoked'
        } before adopting`,
      );
      continue;
    }
    if (sourceCluster && request.sourceCluster !== sourceCluster) {
      conflict(
        `request ${request.id} exposes ${host} from ${request.sourceCluster}, but the hand-made entries point at ${sourceCluster}; revoke one of them first`,
      );
    }
    servingRequest ??= request;
    for (const cluster of request.consumerClusters) {
      servedBy[cluster] ??= request.id;
    }
  }
  const unserved = [
    ...new Set(consumers.map(e => e.cluster).filter(c => !servedBy[c])),
  ].sort();

  if (unserved.length > 0) {
    forNewRequest.forEach(invalid);
    checkVipIsFree(host, vip, facts, conflict);
  }

  let newRequest: AdoptionPlan['newRequest'];
  if (unserved.length > 0 && entity && sourceCluster && ports) {
    try {
      newRequest = {
        ...validateRequestInput(
          {
            entityRef: stringifyEntityRef(entity),
            service: { name: service, namespace, ports },
            sourceCluster,
            consumerClusters: unserved,
            consumerNamespaces,
            reason: ADOPTION_REASON,
          },
          entity,
          facts.clusters.map(c => c.name),
          facts.now,
        ),
        vip,
      };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      invalid(
        `${host}: ${error.message.replace(
          /^The exposure request is not valid: /,
          '',
        )}`,
      );
    }
  }

  const assessment: HostAssessment = {
    host,
    entries,
    entityRef: entity ? stringifyEntityRef(entity) : null,
    sourceCluster,
    vip,
    servedBy,
    problems,
  };
  if (problems.length > 0 || !strategy || !sourceCluster) {
    return assessment;
  }
  const takeovers: AdoptionTakeover[] = [];
  for (const cluster of [...new Set(consumers.map(e => e.cluster))].sort()) {
    takeovers.push({
      cluster,
      role: 'consumer',
      requestId: servedBy[cluster],
      entries: consumers.filter(e => e.cluster === cluster),
    });
  }
  if (exporters.length > 0) {
    takeovers.push({
      cluster: sourceCluster,
      role: 'exporter',
      requestId: newRequest ? undefined : servingRequest?.id,
      entries: exporters,
    });
  }
  return {
    ...assessment,
    plan: { host, strategy, sourceCluster, newRequest, takeovers },
  };
}

/**
 * A VIP recorded for another host, crossmesh's own VIP for this host, or another hand-made
 * host with the same VIP: each would leave two hosts on one address, or one host on two.
 */
function checkVipIsFree(
  host: string,
  vip: string | null,
  facts: AdoptionFacts,
  conflict: (message: string) => void,
) {
  const own = facts.vips.find(v => v.host === host);
  if (vip === null) {
    return;
  }
  if (own && own.address !== vip) {
    conflict(
      `crossmesh already gave ${host} the VIP ${own.address} (request ${own.requestId}), but the hand-made entries use ${vip}; change the hand-made entries to ${own.address} first`,
    );
  }
  const holder = facts.vips.find(v => v.address === vip && v.host !== host);
  if (holder) {
    conflict(
      `VIP ${vip} of ${host} is already allocated to ${holder.host} (request ${holder.requestId}); change the hand-made entries of one of the two hosts first`,
    );
  }
  const sharing = facts.entries.filter(
    e => e.host !== host && e.addresses.includes(vip),
  );
  if (sharing.length > 0) {
    conflict(
      `VIP ${vip} of ${host} is also the VIP of ${[
        ...new Set(sharing.map(e => e.host)),
      ].join(', ')} (${sharing
        .map(e => e.id)
        .join(
          ', ',
        )}); crossmesh gives each VIP to one host in the whole mesh, so change one of them first`,
    );
  }
}
