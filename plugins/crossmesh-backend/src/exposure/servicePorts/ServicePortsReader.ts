import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  quoteValue,
  ServicePorts,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { V1Service } from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { TimeoutError, withTimeout } from '../../clusters/kubernetesModule';
import {
  ANNOTATIONS,
  parsePortsAnnotation,
} from '../workflow/validateRequestInput';
import { istioPortsOfService } from './istioPortsOfService';

const PORTS_EXAMPLE = `${ANNOTATIONS.ports}: "http:8000"`;

/**
 * Finds the ports a Component would be exposed on: its `crossmesh.io/ports` annotation, else
 * the ports of the Kubernetes Service its annotations name, read from its cluster.
 *
 * @internal
 */
export class ServicePortsReader {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      clients: KubernetesClients;
      connections: ClusterConnection[];
      timeoutMs?: number;
    },
  ) {}

  async read(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ServicePorts> {
    try {
      parseEntityRef(entityRef);
    } catch {
      throw new InputError(
        `entityRef ${quoteValue(
          entityRef,
        )} is not an entity reference: use kind:namespace/name, e.g. component:default/svc-2`,
      );
    }
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `entityRef ${quoteValue(
          entityRef,
        )} was not found in the catalog (or you may not read it)`,
      );
    }
    const annotations = entity.metadata.annotations ?? {};
    const annotatedPorts = annotations[ANNOTATIONS.ports];
    if (annotatedPorts) {
      return {
        ports: checkedAnnotationPorts(annotatedPorts),
        source: 'annotation',
      };
    }

    const name = annotations[ANNOTATIONS.serviceName];
    const namespace = annotations[ANNOTATIONS.namespace];
    const cluster = annotations[ANNOTATIONS.cluster];
    const missing = [
      name ? '' : ANNOTATIONS.serviceName,
      namespace ? '' : ANNOTATIONS.namespace,
      cluster ? '' : ANNOTATIONS.cluster,
    ].filter(Boolean);
    if (missing.length) {
      throw new NotFoundError(
        `${entityRef} has no ${
          ANNOTATIONS.ports
        } annotation, and no ${missing.join(
          ', ',
        )} annotation to find its Kubernetes Service by; annotate it with the ports (${PORTS_EXAMPLE}) or with the missing annotations`,
      );
    }
    const connection = this.options.connections.find(c => c.name === cluster);
    if (!connection) {
      throw new NotFoundError(
        `${entityRef} runs in cluster '${cluster}' (${
          ANNOTATIONS.cluster
        }), which is not a cluster of the mesh; known clusters: ${
          this.options.connections.map(c => c.name).join(', ') || 'none'
        }`,
      );
    }
    const service = await this.readService(connection, namespace, name);
    if (!service) {
      throw new NotFoundError(
        `Service ${namespace}/${name} was not found in cluster ${cluster}, and ${entityRef} has no ${ANNOTATIONS.ports} annotation; deploy the Service, or annotate the entity with its ports (${PORTS_EXAMPLE})`,
      );
    }
    const ports = istioPortsOfService(service.spec?.ports ?? []);
    if (!ports.length) {
      throw new NotFoundError(
        `Service ${namespace}/${name} in cluster ${cluster} has no TCP port, and Istio carries only TCP between clusters; add one, or annotate the entity with its ports (${PORTS_EXAMPLE})`,
      );
    }
    return { ports, source: 'service', service: { cluster, namespace, name } };
  }

  private async readService(
    connection: ClusterConnection,
    namespace: string,
    name: string,
  ): Promise<V1Service | undefined> {
    const authProblem = unsupportedAuthProblem(connection);
    if (authProblem) {
      throw new ServiceUnavailableError(
        `Cannot read Service ${namespace}/${name}: ${authProblem}`,
      );
    }
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const { core } = await this.options.clients.forCluster(connection);
      return await withTimeout(
        core.readNamespacedService({ name, namespace }),
        timeoutMs,
        `the API server at ${connection.url} did not answer within ${timeoutMs} ms`,
      );
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw new ServiceUnavailableError(
        `Cannot read Service ${namespace}/${name} in cluster ${
          connection.name
        }: ${
          error instanceof TimeoutError
            ? error.message
            : describeKubernetesError(error, connection.url)
        }; try again, or annotate the entity with its ports (${PORTS_EXAMPLE})`,
      );
    }
  }
}

function checkedAnnotationPorts(value: string) {
  const ports = parsePortsAnnotation(value);
  const problems = ports.flatMap((port, i) =>
    [
      validatePortName(port.name, `port ${i + 1} name`),
      validatePort(port.number, `port ${i + 1} number`),
    ].flatMap(check => (check.ok ? [] : [check.message])),
  );
  if (!ports.length) {
    problems.push('it lists no port');
  }
  if (problems.length) {
    throw new InputError(
      `The entity's ${ANNOTATIONS.ports} annotation ${JSON.stringify(
        value,
      )} is not valid: ${problems.join(
        '; ',
      )}; write it as name:number pairs, e.g. "http:8000,grpc:9090"`,
    );
  }
  return ports;
}
