import { DNS_CONFIG_MAPS } from '../../exposure/dns/dnsFlavour';
import { READER } from '../../remoteSecrets/remoteSecret';

/**
 * One thing crossmesh's credentials must be allowed to do in a cluster.
 *
 * @public
 */
export interface RequiredAccess {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** API group; `''` for the core group. */
  group: string;
  resource: string;
  /** Absent: in every namespace (namespaced resources) or cluster-scoped. */
  namespace?: string;
  /** crossmesh touches only these objects; RBAC may restrict the rule to them. */
  names?: string[];
  /** What crossmesh does with it. */
  purpose: string;
}

const ISTIO = 'networking.istio.io';
const ISTIO_SECURITY = 'security.istio.io';
const CLUSTER_SCOPED = new Set(['namespaces', 'nodes']);
const CACERTS = ['cacerts'];

const istioKind = (
  resource: string,
  what: string,
  group = ISTIO,
): RequiredAccess[] => [
  {
    verb: 'list',
    group,
    resource,
    purpose: `finds the ${what} it manages (one LIST per converge)`,
  },
  {
    verb: 'watch',
    group,
    resource,
    purpose: `watches the ${what} it manages, to repair a change at once (crossmesh.watchClusters)`,
  },
  {
    verb: 'get',
    group,
    resource,
    purpose: `checks for ${what} made by hand under the name of one it is about to create`,
  },
  {
    verb: 'create',
    group,
    resource,
    purpose: `creates ${what} (server-side apply of an object that does not exist yet)`,
  },
  {
    verb: 'patch',
    group,
    resource,
    purpose: `applies and repairs ${what} (server-side apply)`,
  },
  {
    verb: 'delete',
    group,
    resource,
    purpose: `removes ${what} of revoked exposures`,
  },
];

/**
 * Every verb on every resource crossmesh uses in a cluster, derived from the code that
 * reads and writes clusters (ClusterObserver, the trust distributor, the DNS wiring, the
 * exposure applier, adoption, the service-ports reader and this preflight). Preflight
 * checks each with a SelfSubjectAccessReview; `deploy/rbac.yaml` grants exactly these
 * (src/leastPrivilege proves it).
 *
 * @public
 */
export const REQUIRED_ACCESS: readonly RequiredAccess[] = [
  {
    verb: 'get',
    group: '',
    resource: 'namespaces',
    names: ['istio-system'],
    purpose: 'checks that Istio is installed (preflight)',
  },
  {
    verb: 'get',
    group: 'apps',
    resource: 'deployments',
    namespace: 'istio-system',
    names: ['istiod'],
    purpose: "reads Istio's version from istiod's image",
  },
  {
    verb: 'patch',
    group: 'apps',
    resource: 'deployments',
    namespace: 'istio-system',
    names: ['istiod', 'istio-ingressgateway'],
    purpose: 'restarts istiod and the gateway after cacerts changes',
  },
  {
    verb: 'get',
    group: '',
    resource: 'services',
    namespace: 'istio-system',
    names: ['istio-ingressgateway', 'istiocoredns'],
    purpose: "reads the gateway's address and istiocoredns' ClusterIP",
  },
  {
    verb: 'get',
    group: '',
    resource: 'services',
    purpose:
      "reads the ports of a component's Service for the exposure form (GET /service-ports), when the component has no crossmesh.io/ports annotation",
  },
  {
    verb: 'get',
    group: '',
    resource: 'configmaps',
    namespace: 'istio-system',
    names: ['istio', 'istio-ca-root-cert'],
    purpose:
      'reads whether sidecars capture DNS (dns-proxy, multi-primary), and the roots istiod publishes before a rotation drops the old root',
  },
  {
    verb: 'update',
    group: '',
    resource: 'configmaps',
    namespace: 'istio-system',
    names: ['istio'],
    purpose:
      'keeps its serviceSettings in the mesh config: services cluster-local unless an exposure is approved (multi-primary)',
  },
  {
    verb: 'list',
    group: '',
    resource: 'nodes',
    purpose:
      'finds a node address for a gateway that has only a nodePort, and tells k3s by its nodes (legacy-global DNS)',
  },
  {
    verb: 'get',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    purpose:
      'reads cacerts, and the remote secrets it keeps for istiod (crossmesh.remoteSecrets)',
  },
  {
    verb: 'watch',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    names: CACERTS,
    purpose:
      'watches cacerts alone (fieldSelector metadata.name), to report a hand change at once (crossmesh.watchClusters)',
  },
  {
    verb: 'create',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    purpose:
      'creates cacerts, and the remote secrets istiod reads the other clusters with (crossmesh.remoteSecrets)',
  },
  {
    verb: 'update',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    purpose:
      'replaces cacerts with a new intermediate, and a remote secret with a renewed token (crossmesh.remoteSecrets)',
  },
  {
    verb: 'patch',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    names: CACERTS,
    purpose: 'clears its restart-pending mark on cacerts',
  },
  {
    verb: 'delete',
    group: '',
    resource: 'secrets',
    namespace: 'istio-system',
    purpose:
      'recreates a cacerts Secret that is immutable or of another type, and removes the remote secrets it wrote for former members (crossmesh.remoteSecrets)',
  },
  {
    verb: 'get',
    group: '',
    resource: 'configmaps',
    namespace: 'kube-system',
    names: [...DNS_CONFIG_MAPS],
    purpose: 'reads the cluster DNS configuration (legacy-global)',
  },
  {
    verb: 'watch',
    group: '',
    resource: 'configmaps',
    namespace: 'kube-system',
    names: [...DNS_CONFIG_MAPS],
    purpose:
      'watches each DNS ConfigMap alone (fieldSelector metadata.name), to restore .global forwarding at once (crossmesh.watchClusters)',
  },
  {
    verb: 'update',
    group: '',
    resource: 'configmaps',
    namespace: 'kube-system',
    names: [...DNS_CONFIG_MAPS],
    purpose: 'adds or removes its .global forwarding (legacy-global)',
  },
  {
    verb: 'create',
    group: '',
    resource: 'configmaps',
    namespace: 'kube-system',
    purpose:
      'creates coredns-custom or kube-dns when the cluster has none (legacy-global)',
  },
  {
    verb: 'delete',
    group: '',
    resource: 'configmaps',
    namespace: 'kube-system',
    names: ['coredns-custom', 'kube-dns'],
    purpose:
      'deletes the coredns-custom or kube-dns it created once its entry is gone and nothing else is left (legacy-global)',
  },
  {
    verb: 'get',
    group: 'apps',
    resource: 'deployments',
    namespace: 'kube-system',
    names: ['coredns', 'kube-dns'],
    purpose: 'tells which DNS the cluster runs (legacy-global)',
  },
  ...istioKind('serviceentries', 'ServiceEntries'),
  ...istioKind('destinationrules', 'DestinationRules'),
  ...istioKind('gateways', 'Gateways'),
  ...istioKind(
    'authorizationpolicies',
    'AuthorizationPolicies (dns-proxy, exporting cluster: only approved consumers pass)',
    ISTIO_SECURITY,
  ),
  {
    verb: 'create',
    group: '',
    resource: 'serviceaccounts/token',
    namespace: READER.namespace,
    names: [READER.serviceAccount],
    purpose:
      'asks for short-lived tokens of the reader istiod of the other clusters reads this one as (crossmesh.remoteSecrets)',
  },
  {
    verb: 'create',
    group: '',
    resource: 'secrets',
    namespace: READER.namespace,
    purpose:
      'makes the anchor Secret each reader token is bound to (crossmesh.remoteSecrets)',
  },
  {
    verb: 'delete',
    group: '',
    resource: 'secrets',
    namespace: READER.namespace,
    purpose:
      'revokes a replaced reader token, or one a former member holds, by deleting its anchor (crossmesh.remoteSecrets)',
  },
];

/**
 * `access:<verb>:<resource>[.<group>][:<namespace>]`, the id of the preflight check.
 *
 * @internal
 */
export function accessCheckId(access: RequiredAccess): string {
  return `access:${access.verb}:${qualifiedResource(access)}${
    access.namespace ? `:${access.namespace}` : ''
  }`;
}

/**
 * `deployments.apps`, `secrets`: the resource as kubectl names it.
 *
 * @internal
 */
export function qualifiedResource(access: RequiredAccess): string {
  return access.group ? `${access.resource}.${access.group}` : access.resource;
}

/**
 * `get secrets named cacerts in namespace istio-system`, for people.
 *
 * @internal
 */
export function describeAccess(access: RequiredAccess): string {
  const names = access.names?.length ? ` named ${access.names.join(', ')}` : '';
  let where = ' in every namespace';
  if (access.namespace) {
    where = ` in namespace ${access.namespace}`;
  } else if (CLUSTER_SCOPED.has(access.resource)) {
    where = '';
  }
  return `${access.verb} ${qualifiedResource(access)}${names}${where}`;
}
