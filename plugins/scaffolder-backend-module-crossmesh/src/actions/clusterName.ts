import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * The cluster's name from a name (`cluster-1`) or from the catalog Resource that stands
 * for it (`resource:default/cluster-1`), as the EntityPicker of a template gives it.
 *
 * @internal
 */
export function clusterNameOf(value: string, field: string): string {
  const text = value.trim();
  if (!text) {
    throw new InputError(`${field} is empty; give a cluster name`);
  }
  if (!/[:/]/.test(text)) {
    return text;
  }
  let ref;
  try {
    ref = parseEntityRef(text, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `${field} '${text}' is neither a cluster name nor an entity ref: ${
        (error as Error).message
      }`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'resource') {
    throw new InputError(
      `${field} '${text}' is a ${ref.kind}; give a cluster name or its catalog Resource (resource:default/<cluster>)`,
    );
  }
  return ref.name;
}
