import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** Owners keyed by the lower-cased entity ref; no entry when the catalog does not know the entity. */
export type EntityOwners = ReadonlyMap<string, string>;

function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
}

/** The owner of each requested entity, from the catalog. */
export function useEntityOwners(entityRefs: string[]): {
  owners: EntityOwners;
  error?: Error;
} {
  const catalogApi = useApi(catalogApiRef);
  const unique = [
    ...new Set(entityRefs.map(ref => ref.toLocaleLowerCase('en-US'))),
  ].sort();
  const key = unique.join('\n');

  const { value, error } = useAsync(async () => {
    const owners = new Map<string, string>();
    if (unique.length === 0) {
      return owners;
    }
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: unique,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.owner',
        'relations',
      ],
    });
    items.forEach((entity, index) => {
      const owner = entity && ownerOf(entity);
      if (owner) {
        owners.set(unique[index], owner.toLocaleLowerCase('en-US'));
      }
    });
    return owners;
    // `key` stands for `unique`, whose identity changes on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogApi, key]);

  return { owners: value ?? new Map(), error };
}

/** The owner of a request's entity, or undefined when the catalog does not say. */
export function ownerOfRequest(
  owners: EntityOwners,
  entityRef: string,
): string | undefined {
  return owners.get(entityRef.toLocaleLowerCase('en-US'));
}
