import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  quoteValue,
  ServicePorts,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { readService } from '../../clusters/readService';
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
    const service = await readService(
      this.options.clients,
      connection,
      { namespace, name },
      {
        timeoutMs: this.options.timeoutMs ?? 10_000,
        remedy: `try again, or annotate the entity with its ports (${PORTS_EXAMPLE})`,
      },
    );
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
