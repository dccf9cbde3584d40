import type { XdsSnapshot } from '@crossmesh/test-bed';

/** Reading Envoy configuration (as istiod sent it, in Envoy's JSON) the way the tests ask. */

/** Istio's name of a sidecar's outbound cluster for a host and port. */
export function outboundCluster(host: string, port: number) {
  return `outbound|${port}||${host}`;
}

/** The SNI Istio sets for mTLS to a host and port, which AUTO_PASSTHROUGH routes on. */
export function meshSni(host: string, port: number) {
  return `outbound_.${port}_._.${host}`;
}

/** The names of the outbound clusters for `.global` hosts, sorted. */
export function globalClusterNames(snapshot: XdsSnapshot): string[] {
  return snapshot.clusters
    .map(c => c.name as string)
    .filter(name => name.endsWith('.global'))
    .sort();
}

export function clusterNamed(snapshot: XdsSnapshot, name: string) {
  const found = snapshot.clusters.find(c => c.name === name);
  if (!found) {
    throw new Error(
      `istiod sent no cluster ${name}; it sent ${snapshot.clusters
        .map(c => c.name)
        .join(', ')}`,
    );
  }
  return found;
}

function lbEndpointsOf(snapshot: XdsSnapshot, cluster: any): any[] {
  const serviceName = cluster.edsClusterConfig?.serviceName ?? cluster.name;
  const assignment =
    cluster.loadAssignment ??
    snapshot.endpoints.find(e => e.clusterName === serviceName);
  return (assignment?.endpoints ?? []).flatMap(
    (locality: any) => locality.lbEndpoints ?? [],
  );
}

function addressOf(lbEndpoint: any): string {
  const socket = lbEndpoint.endpoint.address.socketAddress;
  return `${socket.address}:${socket.portValue}`;
}

/** host:port of every endpoint of a cluster, inline (DNS clusters) or from EDS. */
export function endpointAddresses(snapshot: XdsSnapshot, cluster: any) {
  return lbEndpointsOf(snapshot, cluster).map(addressOf);
}

function describeSocket(socket: any): string {
  if (socket?.name !== 'envoy.transport_sockets.tls') {
    return 'plain text';
  }
  const tls = socket.typedConfig ?? {};
  const certificates = (
    tls.commonTlsContext?.tlsCertificateSdsSecretConfigs ?? []
  ).map((c: any) => c.name);
  const trust =
    tls.commonTlsContext?.combinedValidationContext
      ?.validationContextSdsSecretConfig?.name;
  const istio = certificates.join() === 'default' && trust === 'ROOTCA';
  return `${
    istio
      ? 'Istio mTLS'
      : `TLS (certificates ${certificates.join() || 'none'}, trust ${
          trust ?? 'none'
        })`
  }, SNI ${tls.sni ?? 'none'}`;
}

/**
 * How Envoy would secure connections to each endpoint of a cluster: one transport socket for
 * all (a DestinationRule's TLS), or per endpoint by its `tlsMode` metadata (auto-mTLS).
 */
export function connectionSecurity(
  snapshot: XdsSnapshot,
  cluster: any,
): Record<string, string> {
  return Object.fromEntries(
    lbEndpointsOf(snapshot, cluster).map(lbEndpoint => {
      if (cluster.transportSocket || !cluster.transportSocketMatches) {
        return [addressOf(lbEndpoint), describeSocket(cluster.transportSocket)];
      }
      const labels =
        lbEndpoint.metadata?.filterMetadata?.['envoy.transport_socket_match'] ??
        {};
      const match = cluster.transportSocketMatches.find((m: any) =>
        Object.entries(m.match ?? {}).every(([k, v]) => labels[k] === v),
      );
      return [addressOf(lbEndpoint), describeSocket(match?.transportSocket)];
    }),
  );
}

/** The virtual host of a route configuration that answers to `domain`. */
export function virtualHostFor(
  snapshot: XdsSnapshot,
  routeName: string,
  domain: string,
) {
  const route = snapshot.routes.find(r => r.name === routeName);
  return route?.virtualHosts?.find((v: any) => v.domains?.includes(domain));
}

function listenerOnPort(snapshot: XdsSnapshot, port: number) {
  return snapshot.listeners.find(
    l => l.address?.socketAddress?.portValue === port,
  );
}

/** The SNI names a gateway's listener on `port` matches, with the cluster each is sent to. */
export function passthroughRoutes(
  snapshot: XdsSnapshot,
  port: number,
): Record<string, string> {
  const listener = listenerOnPort(snapshot, port);
  const routes: Record<string, string> = {};
  for (const chain of listener?.filterChains ?? []) {
    const tcpProxy = (chain.filters ?? []).find(
      (f: any) => f.name === 'envoy.filters.network.tcp_proxy',
    );
    for (const sni of chain.filterChainMatch?.serverNames ?? []) {
      routes[sni] = tcpProxy?.typedConfig?.cluster;
    }
  }
  return routes;
}

/** SNI names of `.global` hosts the gateway passes through on `port`, sorted. */
export function globalPassthroughSnis(snapshot: XdsSnapshot, port: number) {
  return Object.keys(passthroughRoutes(snapshot, port))
    .filter(sni => sni.endsWith('.global'))
    .sort();
}

/** The listener bound to `address:port` (a VIP listener for a TCP port). */
export function listenerAt(
  snapshot: XdsSnapshot,
  address: string,
  port: number,
) {
  return snapshot.listeners.find(
    l =>
      l.address?.socketAddress?.address === address &&
      l.address?.socketAddress?.portValue === port,
  );
}

/**
 * What a calling sidecar must get for an exposed host: exactly one `.global` cluster, for the
 * host on `port`, whose one endpoint is the exporting gateway on 15443 reached with Istio mTLS
 * and the SNI the gateway routes on, and HTTP routes that answer to the host and its VIP.
 */
export function expectCallsThroughGateway(
  sidecar: XdsSnapshot,
  exposure: { host: string; port: number; gatewayAddress: string; vip: string },
) {
  const { host, port } = exposure;
  expect(globalClusterNames(sidecar)).toEqual([outboundCluster(host, port)]);
  const cluster = clusterNamed(sidecar, outboundCluster(host, port));
  expect(connectionSecurity(sidecar, cluster)).toEqual({
    [`${exposure.gatewayAddress}:15443`]: `Istio mTLS, SNI ${meshSni(
      host,
      port,
    )}`,
  });
  expect(virtualHostFor(sidecar, String(port), host)).toBeDefined();
  expect(virtualHostFor(sidecar, String(port), exposure.vip)).toBeDefined();
}

/**
 * Every `max_connection_duration` in an Envoy cluster, wherever istiod put it (for HTTP, in
 * the upstream HTTP protocol options).
 */
export function maxConnectionDurations(cluster: unknown): unknown[] {
  if (Array.isArray(cluster)) return cluster.flatMap(maxConnectionDurations);
  if (!cluster || typeof cluster !== 'object') return [];
  return Object.entries(cluster).flatMap(([key, value]) =>
    /^max_?connection_?duration$/i.test(key)
      ? [value]
      : maxConnectionDurations(value),
  );
}
