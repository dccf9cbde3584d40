import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ExposurePort,
  MeshCluster,
  protocolOfPortName,
  quoteValue,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ipv4ToNumber, isAllocatableVip, isIpv4 } from '../vip';
import { ANNOTATIONS } from '../workflow/validateRequestInput';
import { HandMadeServiceEntry } from './handMadeServiceEntry';

// What the hand-made entries of one host say: where the service runs, its VIP, ports,
// consumer namespaces and Component. Each finder reports what stops adoption through
// `invalid`, in words that say what to fix.

/**
 * The cluster whose gateway the calling clusters' entries name.
 *
 * @internal
 */
export function findSourceCluster(
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

/**
 * The one VIP every calling cluster's entry gives the host; null when none has one.
 *
 * @internal
 */
export function findVip(
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

/**
 * The ports, when every entry lists the same ones and crossmesh can render them.
 *
 * @internal
 */
export function findPorts(
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
 *
 * @internal
 */
export function findConsumerNamespaces(
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

/**
 * The one Component whose annotations name the service.
 *
 * @internal
 */
export function findEntity(
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
