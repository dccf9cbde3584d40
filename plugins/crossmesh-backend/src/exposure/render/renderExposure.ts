import { InputError } from '@backstage/errors';
import {
  MeshStrategy,
  parseGlobalHost,
  protocolOfPortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { validateRenderInput } from './validateRenderInput';
import {
  GLOBAL_GATEWAY_NAME,
  HOST_ANNOTATION,
  ISTIO_NAMESPACE,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
  TLS_MODE_LABEL,
  meshHostOfService,
  objectNameForHost,
  requestIdLabelValue,
} from './names';
import type {
  ExposurePort,
  ExposureRenderInput,
  KubeObject,
  RenderedExposure,
} from './types';

/**
 * The API version of every object crossmesh renders. `crds.release-1.6.gen.yaml` (Istio 1.6)
 * serves v1alpha3 and v1beta1; current CRDs (`crds.gen.yaml`) serve v1alpha3, v1beta1 and v1,
 * and v1 is served only from Istio 1.22. v1beta1 is the newest version both serve, so one
 * rendering works on every mesh crossmesh supports.
 *
 * @internal
 */
export const ISTIO_NETWORKING_API_VERSION = 'networking.istio.io/v1beta1';

/**
 * The API version of the AuthorizationPolicy crossmesh renders: v1beta1 is served from Istio
 * 1.6 to today, v1 only from 1.22.
 *
 * @internal
 */
export const ISTIO_SECURITY_API_VERSION = 'security.istio.io/v1beta1';

/** The trust domain of the mesh's workload identities (Istio's default). */
const TRUST_DOMAIN = 'cluster.local';

/** The gateway port that carries `.global` mTLS traffic (the Service port, not a nodePort). */
const MESH_TLS_PORT = 15443;

const GLOBAL_WILDCARD = '*.global';

/** The Service behind the host in the exporting cluster: given, or named by the host. */
function localServiceOf(input: ExposureRenderInput) {
  if (input.localService) return input.localService;
  const parsed = parseGlobalHost(input.host)!;
  return { name: parsed.service, namespace: parsed.namespace };
}

function protocolOf(port: ExposurePort): string {
  return (port.protocol ?? protocolOfPortName(port.name)!).toUpperCase();
}

function metadata(
  name: string,
  namespace: string,
  host: string,
  requestId?: string,
): KubeObject['metadata'] {
  return {
    name,
    namespace,
    labels: {
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      ...(requestId !== undefined
        ? { [REQUEST_ID_LABEL]: requestIdLabelValue(requestId) }
        : {}),
    },
    annotations: { [HOST_ANNOTATION]: host },
  };
}

function servicePorts(input: ExposureRenderInput) {
  return input.ports.map(port => ({
    number: port.number,
    name: port.name,
    protocol: protocolOf(port),
  }));
}

/** Where one of an exposure's objects goes, and which namespaces see it. */
interface Placement {
  namespace: string;
  exportTo?: string[];
}

/**
 * Where the calling cluster's objects for one exposure go: each consumer namespace, exported to
 * `.` (Istio 1.6 to 1.8 accept only `.` or `*` in `exportTo`; it is the docs' shape, which
 * creates them in the client's namespace), or, without consumer namespaces, istio-system,
 * visible to all namespaces.
 */
function consumerPlacements(input: ExposureRenderInput): Placement[] {
  const namespaces = input.exportTo ?? [];
  return namespaces.length > 0
    ? namespaces.map(namespace => ({ namespace, exportTo: ['.'] }))
    : [{ namespace: ISTIO_NAMESPACE }];
}

/** One exposure's object: named for its host, labelled with its request, placed. */
function exposureObject(
  kind: string,
  input: ExposureRenderInput,
  placement: Placement,
  spec: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind,
    metadata: metadata(
      objectNameForHost(input.host),
      placement.namespace,
      input.host,
      input.requestId,
    ),
    spec: {
      ...spec,
      ...(placement.exportTo ? { exportTo: placement.exportTo } : {}),
    },
  };
}

/** The calling cluster's ServiceEntry, as Istio's replicated-control-planes docs write it. */
function consumerServiceEntry(
  input: ExposureRenderInput,
  placement: Placement,
): KubeObject {
  return exposureObject('ServiceEntry', input, placement, {
    hosts: [input.host],
    location: 'MESH_INTERNAL',
    ports: servicePorts(input),
    resolution: 'DNS',
    addresses: [input.vip],
    endpoints: [
      {
        address: input.remoteGateway!.address,
        ports: Object.fromEntries(
          input.ports.map(port => [port.name, input.remoteGateway!.port]),
        ),
      },
    ],
  });
}

/**
 * Istio mTLS to the remote gateway for the host, beside each consumer ServiceEntry (same name,
 * namespace and visibility). Without it auto-mTLS sends plain text to the gateway's 15443.
 * One rule per host rather than one `*.global` rule in istio-system: the wildcard rule
 * changed every `.global` host of the cluster, crossmesh's or not, and `istioctl analyze`
 * reports it (IST0174) when the ServiceEntries are exported to consumer namespaces only.
 */
function consumerDestinationRule(
  input: ExposureRenderInput,
  placement: Placement,
): KubeObject {
  const lifetime = input.maxConnectionDurationSeconds;
  return exposureObject('DestinationRule', input, placement, {
    host: input.host,
    trafficPolicy: {
      tls: { mode: 'ISTIO_MUTUAL' },
      ...(lifetime
        ? { connectionPool: { tcp: { maxConnectionDuration: `${lifetime}s` } } }
        : {}),
    },
  });
}

/**
 * The exporting cluster's ServiceEntry that lets its gateway route the `.global` SNI to the
 * local Service. It lives in istio-system exported to `.` only, so the gateway sees it and no
 * sidecar of the exporting cluster gets a listener for it (without addresses, TCP ports would
 * otherwise become 0.0.0.0:<port> listeners in every sidecar). The endpoint says the Service's
 * pods speak Istio mTLS: istiod gives AUTO_PASSTHROUGH only endpoints labelled so, and without
 * the label the gateway's cluster for the SNI is empty.
 */
function exporterServiceEntry(input: ExposureRenderInput): KubeObject {
  const local = localServiceOf(input);
  return exposureObject(
    'ServiceEntry',
    input,
    { namespace: ISTIO_NAMESPACE, exportTo: ['.'] },
    {
      hosts: [input.host],
      location: 'MESH_INTERNAL',
      ports: servicePorts(input),
      resolution: 'DNS',
      endpoints: [
        {
          address: `${local.name}.${local.namespace}.svc.cluster.local`,
          labels: { [TLS_MODE_LABEL]: 'istio' },
        },
      ],
    },
  );
}

/**
 * Through the gateway, only the host's approved consumers reach the service (ADR 0021). The
 * `AUTO_PASSTHROUGH` gateway routes any `.global` SNI without seeing the client, and the
 * service's sidecar accepts any identity under the mesh's root, so the exporting cluster's
 * sidecar refuses connections for the host's SNI (only the gateway path uses the `.global`
 * name) from identities outside the consumer namespaces of the host's live exposures. DENY,
 * not ALLOW: an ALLOW policy would also refuse the service's local callers. One per host, in
 * the service's namespace, named for the host; with no consumer namespaces it refuses only
 * connections with no identity.
 */
function exporterAuthorizationPolicy(input: ExposureRenderInput): KubeObject {
  const local = localServiceOf(input);
  const admitted = input.admittedNamespaces ?? input.exportTo ?? [];
  return {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: metadata(
      objectNameForHost(input.host),
      local.namespace,
      input.host,
    ),
    spec: {
      action: 'DENY',
      rules: [
        {
          from: [
            {
              source: {
                notPrincipals:
                  admitted.length > 0
                    ? [...admitted]
                        .sort()
                        .map(ns => `${TRUST_DOMAIN}/ns/${ns}/sa/*`)
                    : ['*'],
              },
            },
          ],
          when: [{ key: 'connection.sni', values: [`*.${input.host}`] }],
        },
      ],
    },
  };
}

function globalPassthroughGateway(): KubeObject {
  return {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: 'Gateway',
    metadata: metadata(GLOBAL_GATEWAY_NAME, ISTIO_NAMESPACE, GLOBAL_WILDCARD),
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: MESH_TLS_PORT, name: 'tls', protocol: 'TLS' },
          hosts: [GLOBAL_WILDCARD],
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  };
}

/**
 * multi-primary across networks: the exporting cluster's gateway passes mTLS for the
 * Service's own name through on 15443 (istiod sends other networks' sidecars this gateway
 * as the Service's endpoint). One per host and only that host, where Istio's east-west
 * install passes every `*.local` name.
 */
function crossNetworkGateway(input: ExposureRenderInput): KubeObject {
  const local = localServiceOf(input);
  return {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: 'Gateway',
    metadata: metadata(
      objectNameForHost(input.host),
      ISTIO_NAMESPACE,
      input.host,
    ),
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: MESH_TLS_PORT, name: 'tls', protocol: 'TLS' },
          hosts: [meshHostOfService(local)],
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  };
}

/**
 * The Istio objects that make one service reachable from another cluster under its `.global`
 * name, for the mesh's strategy.
 *
 * `legacy-global` (Istio 1.6–1.8): the calling cluster gets the ServiceEntry; the exporting
 * cluster needs nothing per exposure (the multicluster install provides the gateway and the
 * `*.global` ISTIO_MUTUAL DestinationRule).
 *
 * `dns-proxy` (Istio 1.8 and later): the calling cluster also gets an ISTIO_MUTUAL
 * DestinationRule for the host beside each ServiceEntry; the exporting cluster gets a
 * ServiceEntry pointing the host at the local Service, the shared AUTO_PASSTHROUGH Gateway
 * on 15443, and an AuthorizationPolicy that admits only the host's consumers. The shared
 * Gateway has a fixed name and no request-id label: one per cluster serves every exposure.
 *
 * `multi-primary`: nothing per exposure; the consumer clusters' mesh configs make the
 * Service's `.svc.cluster.local` name global instead (ADR 0035).
 *
 * @throws InputError naming every invalid field.
 * @internal
 */
export function renderExposure(
  strategy: MeshStrategy,
  input: ExposureRenderInput,
): RenderedExposure {
  validateRenderInput(strategy, input);
  switch (strategy) {
    case 'legacy-global':
      return {
        consumer: consumerPlacements(input).map(placement =>
          consumerServiceEntry(input, placement),
        ),
        exporter: [],
      };
    case 'dns-proxy':
      return {
        consumer: consumerPlacements(input).flatMap(placement => [
          consumerServiceEntry(input, placement),
          consumerDestinationRule(input, placement),
        ]),
        exporter: [
          exporterServiceEntry(input),
          globalPassthroughGateway(),
          exporterAuthorizationPolicy(input),
        ],
      };
    case 'multi-primary':
      // istiod shares the Service itself once the consumer clusters' mesh configs stop
      // keeping its name cluster-local (wireServiceSettings); across networks, the
      // exporting gateway must also pass its mTLS through.
      return {
        consumer: [],
        exporter: input.crossNetwork ? [crossNetworkGateway(input)] : [],
      };
    default:
      throw new InputError(`Unknown mesh strategy '${String(strategy)}'`);
  }
}
