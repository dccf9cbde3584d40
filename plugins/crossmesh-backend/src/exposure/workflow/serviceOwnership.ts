import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { quoteValue } from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { readService } from '../../clusters/readService';
import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

/** The Kubernetes plugin's annotations that tie an entity to its cluster objects. */
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/**
 * Namespaces whose Services crossmesh does not expose unless
 * `crossmesh.exposure.allowedSystemNamespaces` lists them: Kubernetes' own, Istio's, and
 * crossmesh's (where deploy/rbac.yaml runs it).
 *
 * @internal
 */
export const SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  'crossmesh-system',
];

/** The Service an exposure request names. */
interface NamedService {
  entityRef: string;
  service: { name: string; namespace: string };
  sourceCluster: string;
}

/**
 * Why the entity may not expose a Service from this namespace, or undefined.
 *
 * @internal
 */
export function systemNamespaceProblem(
  namespace: string,
  allowed: string[],
): string | undefined {
  if (!SYSTEM_NAMESPACES.includes(namespace) || allowed.includes(namespace)) {
    return undefined;
  }
  return `service.namespace '${namespace}' is a system namespace: crossmesh does not expose Services from ${SYSTEM_NAMESPACES.join(
    ', ',
  )} unless crossmesh.exposure.allowedSystemNamespaces lists it`;
}

/**
 * Why the Service's labels do not prove that it belongs to the entity, or undefined. The
 * proof is a label naming the component, which only someone who may change the Service can
 * set: `backstage.io/kubernetes-id: <component name>` (the Kubernetes plugin's convention),
 * or, for an entity with `backstage.io/kubernetes-label-selector`, a match of that selector
 * when it has a requirement `<key>=<component name>`. The annotations alone prove nothing:
 * the component's owners write them.
 *
 * @internal
 */
export function ownershipProblem(
  entity: Entity,
  request: NamedService,
  labels: Record<string, string>,
): string | undefined {
  const component = entity.metadata.name;
  if (labels[KUBERNETES_ID] === component) return undefined;

  const { name, namespace } = request.service;
  const entityRef = stringifyEntityRef(entity);
  const selector = entity.metadata.annotations?.[KUBERNETES_LABEL_SELECTOR];
  let selectorNote = '';
  if (selector !== undefined) {
    let requirements;
    try {
      requirements = parseLabelSelector(selector);
    } catch (error) {
      return `${entityRef}'s annotation ${KUBERNETES_LABEL_SELECTOR} ${quoteValue(
        selector,
      )} is not a label selector (${
        (error as Error).message
      }); write it as kubectl -l takes it, e.g. "app.kubernetes.io/name=${component}"`;
    }
    const namesComponent = requirements.some(
      r => r.op === 'in' && r.values.length === 1 && r.values[0] === component,
    );
    if (namesComponent && matchesLabelSelector(requirements, labels)) {
      return undefined;
    }
    selectorNote = namesComponent
      ? `, nor match ${entityRef}'s ${KUBERNETES_LABEL_SELECTOR} ${quoteValue(
          selector,
        )}`
      : `; ${entityRef}'s ${KUBERNETES_LABEL_SELECTOR} ${quoteValue(
          selector,
        )} proves nothing, as it has no requirement <key>=${component}`;
  }
  const found =
    labels[KUBERNETES_ID] === undefined
      ? 'it has no such label'
      : `it has ${KUBERNETES_ID}: ${quoteValue(labels[KUBERNETES_ID])}`;
  return `Service ${namespace}/${name} in cluster ${request.sourceCluster} does not show that it belongs to ${entityRef}: it must carry the label ${KUBERNETES_ID}: ${component} (${found})${selectorNote}; add the label to the Service in namespace ${namespace} of cluster ${request.sourceCluster} (kubectl label --overwrite service ${name} -n ${namespace} ${KUBERNETES_ID}=${component}), or request the exposure from the component the Service belongs to`;
}

/**
 * Proof of ownership from the cluster: an exposure may name only a Service of the source
 * cluster whose labels name the requesting component (see {@link ownershipProblem}), and no
 * Service in a system namespace.
 *
 * @internal
 */
export class ServiceOwnership {
  constructor(
    private readonly options: {
      clients: KubernetesClients;
      connections: ClusterConnection[];
      allowedSystemNamespaces: string[];
      timeoutMs?: number;
    },
  ) {}

  /** Throws InputError (400) saying what to change, or ServiceUnavailableError (503). */
  async prove(entity: Entity, request: NamedService): Promise<void> {
    const { name, namespace } = request.service;
    const systemProblem = systemNamespaceProblem(
      namespace,
      this.options.allowedSystemNamespaces,
    );
    if (systemProblem) {
      throw new InputError(
        `The exposure request is not valid: ${systemProblem}`,
      );
    }
    const connection = this.options.connections.find(
      c => c.name === request.sourceCluster,
    );
    if (!connection) {
      throw new InputError(
        `The exposure request is not valid: sourceCluster '${request.sourceCluster}' is not a cluster of the mesh`,
      );
    }
    const service = await readService(
      this.options.clients,
      connection,
      { namespace, name },
      {
        timeoutMs: this.options.timeoutMs ?? 10_000,
        remedy:
          'crossmesh reads the Service to check that it belongs to the component; try again when the cluster answers',
      },
    );
    if (!service) {
      throw new InputError(
        `The exposure request is not valid: Service ${namespace}/${name} was not found in cluster ${request.sourceCluster}; deploy it there with the label ${KUBERNETES_ID}: ${entity.metadata.name}, or fix the entity's annotations`,
      );
    }
    const problem = ownershipProblem(
      entity,
      request,
      service.metadata?.labels ?? {},
    );
    if (problem) {
      throw new InputError(`The exposure request is not valid: ${problem}`);
    }
  }
}
