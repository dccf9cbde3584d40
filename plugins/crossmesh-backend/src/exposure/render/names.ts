import { createHash } from 'node:crypto';
import { validateLabelValue } from '@crossmesh/backstage-plugin-crossmesh-common';

export { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../clusters/ownership';

/**
 * The label that ties a per-request object to its exposure request.
 *
 * @internal
 */
export const REQUEST_ID_LABEL = 'crossmesh.io/request-id';

/**
 * The annotation that names the `.global` host an object serves.
 *
 * @internal
 */
export const HOST_ANNOTATION = 'crossmesh.io/host';

/**
 * The endpoint label that tells istiod a workload speaks Istio mTLS.
 *
 * @internal
 */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/**
 * The one `*.global` AUTO_PASSTHROUGH Gateway per exporting cluster (`dns-proxy`).
 *
 * @internal
 */
export const GLOBAL_GATEWAY_NAME = 'crossmesh-global-passthrough';

/**
 * Where shared objects go: the ingress gateway's namespace (Istio's root namespace too), and
 * consumer objects when an exposure names no consumer namespaces.
 *
 * @internal
 */
export const ISTIO_NAMESPACE = 'istio-system';

const HASH_LENGTH = 10;
const NAME_MAX = 63;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The name of the per-request objects for a `.global` host: `crossmesh-<svc>-<ns>-<hash>`,
 * a DNS-1123 label of at most 63 characters. The hash is always there because turning dots
 * into dashes alone would give `a-b.c.global` and `a.b-c.global` the same name.
 *
 * @internal
 */
export function objectNameForHost(host: string): string {
  const readable = `crossmesh-${host.replace(/\.global$/, '')}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
  const room = NAME_MAX - HASH_LENGTH - 1;
  const prefix = readable.slice(0, room).replace(/-+$/, '');
  return `${prefix}-${shortHash(host)}`;
}

/**
 * The `crossmesh.io/request-id` label value for a request id: the id itself when it is a valid
 * label value (a UUID is), otherwise `sha256-` and a hash of it.
 *
 * @internal
 */
export function requestIdLabelValue(requestId: string): string {
  return requestId !== '' && validateLabelValue(requestId, 'requestId').ok
    ? requestId
    : `sha256-${createHash('sha256')
        .update(requestId)
        .digest('hex')
        .slice(0, 56)}`;
}

/**
 * The name a service has inside the mesh under `multi-primary`: its Kubernetes name, which
 * every cluster with the same Service name and namespace shares once it is not cluster-local.
 *
 * @internal
 */
export function meshHostOfService(service: {
  name: string;
  namespace: string;
}): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`;
}
