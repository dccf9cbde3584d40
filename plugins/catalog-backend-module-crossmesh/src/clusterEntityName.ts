import { createHash } from 'node:crypto';

const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 6;
const VALID_ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * The catalog entity name for a cluster: its own name when that is a valid entity name,
 * else a readable version of it with a hash of the original appended, so that two
 * clusters whose names sanitize alike (`a:b`, `a/b`) still get distinct entities and a
 * name never changes with the set of other clusters.
 *
 * @internal
 */
export function clusterEntityName(clusterName: string): string {
  if (
    clusterName.length <= MAX_NAME_LENGTH &&
    VALID_ENTITY_NAME.test(clusterName)
  ) {
    return clusterName;
  }
  const hash = createHash('sha256')
    .update(clusterName)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const readable = clusterName
    .replace(/[^-A-Za-z0-9_.]+/g, '-')
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return `${readable || 'cluster'}-${hash}`;
}
