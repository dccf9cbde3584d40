import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ExposurePort,
  ExposureRequest,
  isLiveExposureState,
  MeshCluster,
  MeshStrategy,
  parseGlobalHost,
  protocolOfPortName,
  quoteValue,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { sourceClusterProblem } from '../render';
import type { VipAllocation } from '../store/ExposureStore';
import { ipv4ToNumber, isAllocatableVip, isIpv4 } from '../vip';
import {
  ANNOTATIONS,
  validateRequestInput,
  ValidatedRequestInput,
} from '../workflow/validateRequestInput';
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

/** The cluster whose gateway the calling clusters' entries name. */
function findSourceCluster(
  host: string,
  consumers: HandMadeServiceEntry[],
  exporters: HandMadeServiceEntry[],
  clusters: MeshCluster[],
  invalid: (message: string) => void,
): string | null {
  const byGateway = new Map<string, string>();
  for (const cluster of clusters) {
    if (cluster.gateway) {
      byGateway.set(cluster.gateway.address.toLowerCase(), cluster.name);
    }
  }
  const sources = new Set<string>();
  for (const entry of consumers) {
    if (entry.endpoints.length !== 1) {
      invalid(
        `${entry.id} has ${entry.endpoints.length} endpoints; crossmesh writes one, the gateway of the cluster the service runs in`,
      );
    }
    for (const endpoint of entry.endpoints) {
      const owner = byGateway.get(endpoint.address.toLowerCase());
      if (!owner) {
        invalid(
          `${entry.id}: endpoint ${quoteValue(
            endpoint.address,
          )} is not the gateway address of any cluster of the mesh (${describeGateways(
            clusters,
          )}); fix the entry, or the cluster's gateway address (crossmesh.clusters.<name>.gatewayAddress)`,
        );
      } else if (owner === entry.cluster) {
        invalid(
          `${entry.id}: endpoint ${quoteValue(
            endpoint.address,
          )} is the gateway of ${owner} itself; a service is reachable in its own cluster without a .global entry`,
        );
      } else {
        sources.add(owner);
      }
    }
  }
  if (sources.size > 1) {
    invalid(
      `the entries for ${host} point at the gateways of different clusters (${[
        ...sources,
      ]
        .sort()
        .join(', ')}); a service runs in one cluster: fix the entries first`,
    );
    return null;
  }
  const [source] = sources;
  for (const entry of exporters) {
    if (source && entry.cluster !== source) {
      invalid(
        `${entry.id} points ${host} at the local Service in ${entry.cluster}, but the calling clusters reach it in ${source}`,
      );
    }
  }
  return source ?? null;
}

function describeGateways(clusters: MeshCluster[]): string {
  return (
    clusters
      .map(
        c =>
          `${c.name}: ${
            c.gateway
              ? c.gateway.address
              : `unknown${c.error ? ` (${c.error})` : ''}`
          }`,
      )
      .join('; ') || 'no clusters'
  );
}

/** The one VIP every calling cluster's entry gives the host; null when none has one. */
function findVip(
  host: string,
  consumers: HandMadeServiceEntry[],
  invalid: (message: string) => void,
): string | null {
  for (const entry of consumers.filter(e => e.addresses.length > 1)) {
    invalid(
      `${entry.id} has ${entry.addresses.length} addresses (${entry.addresses
        .map(quoteValue)
        .join(', ')}); crossmesh gives a host one VIP`,
    );
  }
  const withVip = consumers.filter(e => e.addresses.length > 0);
  if (withVip.length > 0 && withVip.length < consumers.length) {
    invalid(
      `some entries for ${host} have a VIP (${withVip
        .map(e => e.id)
        .join(', ')}) and some none (${consumers
        .filter(e => e.addresses.length === 0)
        .map(e => e.id)
        .join(', ')}); give them all the same VIP first`,
    );
    return null;
  }
  const vips = [...new Set(withVip.map(e => e.addresses[0]))];
  if (vips.length > 1) {
    invalid(
      `${host} has different VIPs in different clusters: ${withVip
        .map(e => `${quoteValue(e.addresses[0])} in ${e.id}`)
        .join(
          ', ',
        )}; crossmesh keeps one VIP per host for the whole mesh, so make them equal first`,
    );
    return null;
  }
  const [vip] = vips;
  if (vip === undefined) {
    return null;
  }
  if (!isIpv4(vip)) {
    invalid(`VIP ${quoteValue(vip)} of ${host} is not an IPv4 address`);
  } else if (ipv4ToNumber(vip) >>> 28 !== 0xf) {
    invalid(
      `VIP ${vip} of ${host} is outside 240.0.0.0/4, where crossmesh's VIPs come from (a routable address could shadow a real one); change the hand-made entries' address to one in 240.0.0.0/4 first`,
    );
  } else if (vip.startsWith('240.240.')) {
    invalid(
      `VIP ${vip} of ${host} is in 240.240.0.0/16, Istio's own auto-allocation range, where it can clash silently; change the hand-made entries' address first`,
    );
  } else if (!isAllocatableVip(vip)) {
    invalid(
      `VIP ${vip} of ${host} is the first or last address of 240.0.0.0/4, which crossmesh never uses; change the hand-made entries' address first`,
    );
  }
  return vip;
}

/** The ports, when every entry lists the same ones and crossmesh can render them. */
function findPorts(
  host: string,
  entries: HandMadeServiceEntry[],
  invalid: (message: string) => void,
): ExposurePort[] | undefined {
  const keyOf = (entry: HandMadeServiceEntry) =>
    entry.ports
      .map(p => `${p.name}:${p.number}`)
      .sort()
      .join(',');
  const keys = new Set(entries.map(keyOf));
  if (keys.size > 1) {
    invalid(
      `the entries for ${host} list different ports (${entries
        .map(e => `${e.id}: ${quoteValue(keyOf(e))}`)
        .join('; ')}); make them the same first`,
    );
    return undefined;
  }
  const ports = entries[0].ports;
  let valid = ports.length > 0;
  if (!valid) {
    invalid(`the entries for ${host} list no ports`);
  }
  ports.forEach((port, i) => {
    const name = validatePortName(port.name, `ports[${i}].name`);
    const number = validatePort(port.number, `ports[${i}].number`);
    if (!name.ok || !number.ok) {
      for (const check of [name, number]) {
        if (!check.ok) invalid(`${host}: ${check.message}`);
      }
      valid = false;
    } else if (
      port.protocol !== undefined &&
      port.protocol.toLowerCase() !== protocolOfPortName(port.name)
    ) {
      invalid(
        `${host}: port ${quoteValue(port.name)} says protocol ${quoteValue(
          port.protocol,
        )}, but crossmesh derives ${protocolOfPortName(
          port.name,
        )!.toUpperCase()} from its name; rename the port or fix the protocol first`,
      );
      valid = false;
    }
  });
  return valid
    ? ports.map(p => ({ name: p.name, number: p.number }))
    : undefined;
}

/**
 * The namespaces that see the host: none listed means all. Every calling cluster must see
 * it in the same namespaces, since one exposure has one list.
 */
function findConsumerNamespaces(
  host: string,
  consumers: HandMadeServiceEntry[],
  invalid: (message: string) => void,
): string[] {
  const perCluster = new Map<string, Set<string> | 'all'>();
  for (const entry of consumers) {
    const seen = perCluster.get(entry.cluster) ?? new Set<string>();
    if (
      seen === 'all' ||
      entry.exportTo.length === 0 ||
      entry.exportTo.includes('*')
    ) {
      perCluster.set(entry.cluster, 'all');
      continue;
    }
    for (const target of entry.exportTo) {
      seen.add(target === '.' ? entry.namespace : target);
    }
    perCluster.set(entry.cluster, seen);
  }
  const describe = (v: Set<string> | 'all') =>
    v === 'all' ? 'all namespaces' : [...v].sort().join(', ');
  const views = new Set([...perCluster.values()].map(describe));
  if (views.size > 1) {
    invalid(
      `${host} is visible to different namespaces in different clusters (${[
        ...perCluster,
      ]
        .map(([cluster, v]) => `${cluster}: ${describe(v)}`)
        .join(
          '; ',
        )}); one exposure has one list of consumer namespaces, so align their exportTo first`,
    );
    return [];
  }
  const [view] = perCluster.values();
  return !view || view === 'all' ? [] : [...view].sort();
}

function findEntity(
  service: string,
  namespace: string,
  components: Entity[],
  invalid: (message: string) => void,
): Entity | undefined {
  const matches = components.filter(
    e =>
      e.kind.toLocaleLowerCase('en-US') === 'component' &&
      e.metadata.annotations?.[ANNOTATIONS.serviceName] === service &&
      e.metadata.annotations?.[ANNOTATIONS.namespace] === namespace,
  );
  if (matches.length === 0) {
    invalid(
      `no Component in the catalog has the annotations ${ANNOTATIONS.serviceName}: ${service} and ${ANNOTATIONS.namespace}: ${namespace}; annotate the Component that owns the service (or register it), then list the candidates again`,
    );
    return undefined;
  }
  if (matches.length > 1) {
    invalid(
      `several Components claim ${service} in namespace ${namespace} (${matches
        .map(e => stringifyEntityRef(e))
        .join(', ')}); keep the annotations on one of them`,
    );
    return undefined;
  }
  return matches[0];
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
