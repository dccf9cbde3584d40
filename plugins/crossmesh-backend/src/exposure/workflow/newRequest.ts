import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ExposureRequest,
  quoteValue,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ExposureStore } from '../store/ExposureStore';
import { refuseDuplicateRequest } from './hostClaims';
import { ServiceOwnership } from './serviceOwnership';
import {
  ExposureRequestInput,
  validateRequestInput,
  ValidatedRequestInput,
} from './validateRequestInput';

/**
 * The catalog entity a request input names, or a 400 that says what is wrong with the
 * reference.
 *
 * @internal
 */
export async function findRequestEntity(
  input: ExposureRequestInput,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Entity> {
  if (!input || typeof input.entityRef !== 'string') {
    throw new InputError('entityRef is required, e.g. component:default/svc-2');
  }
  try {
    // The catalog client throws a plain Error (a 500) on a malformed reference.
    parseEntityRef(input.entityRef);
  } catch {
    throw new InputError(
      `entityRef ${quoteValue(
        input.entityRef,
      )} is not an entity reference: use kind:namespace/name, e.g. component:default/svc-2`,
    );
  }
  const entity = await catalog.getEntityByRef(input.entityRef, {
    credentials,
  });
  if (!entity) {
    throw new InputError(
      `entityRef ${quoteValue(
        input.entityRef,
      )} was not found in the catalog (or you may not read it)`,
    );
  }
  return entity;
}

/**
 * The naming, cluster and entity rules, the Service's proof of ownership, then no open
 * request of the same entity for the same host and clusters.
 *
 * @internal
 */
export async function validateNewRequest(
  input: ExposureRequestInput,
  entity: Entity,
  deps: {
    clusterNames: string[];
    serviceOwnership: Pick<ServiceOwnership, 'prove'>;
    store: Pick<ExposureStore, 'findOpenRequests'>;
    now: Date;
  },
): Promise<ValidatedRequestInput> {
  const valid = validateRequestInput(
    input,
    entity,
    deps.clusterNames,
    deps.now,
  );
  await deps.serviceOwnership.prove(entity, valid);
  refuseDuplicateRequest(
    valid,
    await deps.store.findOpenRequests(valid.host, valid.consumerClusters),
  );
  return valid;
}

/**
 * A request as it is first stored: pending when a service owner asks, or already decided
 * when adoption records a hand-made set-up.
 *
 * @internal
 */
export function newExposureRequest(
  valid: Omit<ValidatedRequestInput, 'endDate'> & { endDate?: string | null },
  fields: Pick<ExposureRequest, 'id' | 'state' | 'vip' | 'requestedBy'> & {
    now: string;
    decidedBy?: string;
  },
): ExposureRequest {
  return {
    id: fields.id,
    entityRef: valid.entityRef,
    service: valid.service,
    sourceCluster: valid.sourceCluster,
    consumerClusters: valid.consumerClusters,
    consumerNamespaces: valid.consumerNamespaces,
    reason: valid.reason,
    endDate: valid.endDate ?? null,
    state: fields.state,
    host: valid.host,
    vip: fields.vip,
    requestedBy: fields.requestedBy,
    requestedAt: fields.now,
    decidedBy: fields.decidedBy ?? null,
    decidedAt: fields.decidedBy !== undefined ? fields.now : null,
    decisionComment: null,
    clusters: [],
    updatedAt: fields.now,
  };
}
