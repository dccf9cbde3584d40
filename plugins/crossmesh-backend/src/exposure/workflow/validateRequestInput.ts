import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ExposurePort,
  globalHostFor,
  NameValidation,
  quoteValue,
  validateDns1123Label,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * What a service owner sends to request an exposure. Service fields may be left out when
 * the entity's annotations carry them, and never override them: a name, namespace or
 * cluster that differs is refused, and ports must be among the annotated ones.
 *
 * @internal
 */
export interface ExposureRequestInput {
  entityRef: string;
  service?: { name?: string; namespace?: string; ports?: ExposurePort[] };
  sourceCluster?: string;
  consumerClusters: string[];
  consumerNamespaces?: string[];
  reason: string;
  endDate?: string | null;
}

/**
 * A request input checked and completed from the entity's annotations.
 *
 * @internal
 */
export interface ValidatedRequestInput {
  entityRef: string;
  service: { name: string; namespace: string; ports: ExposurePort[] };
  sourceCluster: string;
  consumerClusters: string[];
  consumerNamespaces: string[];
  reason: string;
  endDate: string | null;
  host: string;
}

/** The annotations crossmesh reads from a Component. */
export const ANNOTATIONS = {
  serviceName: 'backstage.io/kubernetes-id',
  namespace: 'backstage.io/kubernetes-namespace',
  cluster: 'crossmesh.io/cluster',
  ports: 'crossmesh.io/ports',
} as const;

const MAX_REASON = 2000;

/**
 * Parses `crossmesh.io/ports`: `http:8080,grpc-api:9090`.
 *
 * @internal
 */
export function parsePortsAnnotation(value: string): ExposurePort[] {
  return value
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .map(part => {
      const [name, number] = part.split(':');
      return { name, number: Number(number) };
    });
}

/**
 * Checks a request against the naming rules, the mesh's clusters and the entity, and
 * fills service fields from the entity's annotations. Every problem is reported at once,
 * each naming the field and the rule; nothing is written when any is found.
 *
 * @internal
 */
export function validateRequestInput(
  input: ExposureRequestInput,
  entity: Entity,
  knownClusters: string[],
  now: Date,
): ValidatedRequestInput {
  const problems: string[] = [];
  const check = (result: NameValidation) => {
    if (!result.ok) problems.push(result.message);
  };
  const annotations = entity.metadata.annotations ?? {};

  if (entity.kind.toLocaleLowerCase('en-US') !== 'component') {
    problems.push(
      `entityRef '${stringifyEntityRef(entity)}' is a ${
        entity.kind
      }; only Components can be exposed`,
    );
  }

  const fromEntity = <T>(
    field: string,
    given: T | undefined,
    annotated: T | undefined,
    same: (a: T, b: T) => boolean = (a, b) => a === b,
  ): T | undefined => {
    if (
      given !== undefined &&
      annotated !== undefined &&
      !same(given, annotated)
    ) {
      problems.push(
        `${field} '${JSON.stringify(
          given,
        )}' differs from what the entity's annotations say (${JSON.stringify(
          annotated,
        )}); leave it out or fix the annotation`,
      );
    }
    return given ?? annotated;
  };

  const name = fromEntity(
    'service.name',
    input.service?.name,
    annotations[ANNOTATIONS.serviceName],
  );
  const namespace = fromEntity(
    'service.namespace',
    input.service?.namespace,
    annotations[ANNOTATIONS.namespace],
  );
  const annotatedPorts = annotations[ANNOTATIONS.ports]
    ? parsePortsAnnotation(annotations[ANNOTATIONS.ports])
    : undefined;
  const ports = input.service?.ports ?? annotatedPorts;
  if (input.service?.ports && annotatedPorts) {
    input.service.ports.forEach((port, i) => {
      if (
        !annotatedPorts.some(
          a => a.name === port?.name && a.number === port?.number,
        )
      ) {
        problems.push(
          `service.ports[${i}] ${JSON.stringify(
            port,
          )} is not one of the ports the entity's ${
            ANNOTATIONS.ports
          } annotation lists (${
            annotations[ANNOTATIONS.ports]
          }); ask only for those, or fix the annotation`,
        );
      }
    });
  }
  const sourceCluster = fromEntity(
    'sourceCluster',
    input.sourceCluster,
    annotations[ANNOTATIONS.cluster],
  );

  if (name === undefined) {
    problems.push(
      `service.name is required (or annotate the entity with ${ANNOTATIONS.serviceName})`,
    );
  } else {
    check(validateDns1123Label(name, 'service.name'));
  }
  if (namespace === undefined) {
    problems.push(
      `service.namespace is required (or annotate the entity with ${ANNOTATIONS.namespace})`,
    );
  } else {
    check(validateDns1123Label(namespace, 'service.namespace'));
  }
  if (!ports || ports.length === 0) {
    problems.push(
      `service.ports needs at least one port (or annotate the entity with ${ANNOTATIONS.ports}, e.g. "http:8080")`,
    );
  } else {
    ports.forEach((port, i) => {
      check(validatePortName(port?.name, `service.ports[${i}].name`));
      check(validatePort(port?.number, `service.ports[${i}].number`));
    });
    const names = ports.map(p => p?.name);
    const numbers = ports.map(p => p?.number);
    if (new Set(names).size !== names.length)
      problems.push('service.ports has the same name twice');
    if (new Set(numbers).size !== numbers.length)
      problems.push('service.ports has the same number twice');
  }

  if (sourceCluster === undefined) {
    problems.push(
      `sourceCluster is required (or annotate the entity with ${ANNOTATIONS.cluster})`,
    );
  } else if (!knownClusters.includes(sourceCluster)) {
    problems.push(
      `sourceCluster ${quoteValue(
        sourceCluster,
      )} is not a cluster of the mesh; known clusters: ${
        knownClusters.join(', ') || 'none'
      }`,
    );
  }

  const consumers = Array.isArray(input.consumerClusters)
    ? input.consumerClusters
    : [];
  if (consumers.length === 0) {
    problems.push('consumerClusters needs at least one cluster');
  }
  consumers.forEach((cluster, i) => {
    if (!knownClusters.includes(cluster)) {
      problems.push(
        `consumerClusters[${i}] ${quoteValue(
          cluster,
        )} is not a cluster of the mesh; known clusters: ${
          knownClusters.join(', ') || 'none'
        }`,
      );
    } else if (cluster === sourceCluster) {
      problems.push(
        `consumerClusters[${i}] '${cluster}' is the cluster the service runs in; a service is already reachable in its own cluster`,
      );
    }
  });
  if (new Set(consumers).size !== consumers.length) {
    problems.push('consumerClusters names the same cluster twice');
  }

  const consumerNamespaces = input.consumerNamespaces ?? [];
  consumerNamespaces.forEach((ns, i) =>
    check(validateDns1123Label(ns, `consumerNamespaces[${i}]`)),
  );
  if (new Set(consumerNamespaces).size !== consumerNamespaces.length) {
    problems.push('consumerNamespaces names the same namespace twice');
  }

  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (!reason) {
    problems.push(
      'reason is required: say why the other clusters need this service',
    );
  } else if (reason.length > MAX_REASON) {
    problems.push(`reason is longer than ${MAX_REASON} characters`);
  }

  let endDate: string | null = null;
  if (input.endDate) {
    const parsed = new Date(input.endDate);
    if (Number.isNaN(parsed.getTime())) {
      problems.push(
        `endDate ${quoteValue(
          input.endDate,
        )} is not a date (use ISO 8601, e.g. 2027-01-31)`,
      );
    } else if (parsed.getTime() <= now.getTime()) {
      problems.push(`endDate ${quoteValue(input.endDate)} is in the past`);
    } else {
      endDate = parsed.toISOString();
    }
  }

  if (problems.length) {
    throw new InputError(
      `The exposure request is not valid: ${problems.join('; ')}`,
    );
  }
  return {
    entityRef: stringifyEntityRef(entity),
    service: { name: name!, namespace: namespace!, ports: ports! },
    sourceCluster: sourceCluster!,
    consumerClusters: consumers,
    consumerNamespaces,
    reason,
    endDate,
    host: globalHostFor(name!, namespace!),
  };
}
