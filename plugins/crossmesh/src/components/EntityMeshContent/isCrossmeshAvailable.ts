import { Entity } from '@backstage/catalog-model';
import { MESH_ANNOTATIONS } from './meshAnnotations';

/**
 * Whether crossmesh can expose the entity: a Component carrying the
 * `backstage.io/kubernetes-id` and `crossmesh.io/cluster` annotations.
 *
 * @public
 */
export function isCrossmeshAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    Boolean(annotations[MESH_ANNOTATIONS.serviceName]?.trim()) &&
    Boolean(annotations[MESH_ANNOTATIONS.cluster]?.trim())
  );
}
