/**
 * The field manager crossmesh writes every object with; server-side apply records
 * crossmesh's fields under it.
 *
 * @internal
 */
export const FIELD_MANAGER = 'crossmesh';

/**
 * The label on every object crossmesh creates in a cluster. crossmesh never changes or
 * deletes an object without it.
 *
 * @internal
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** @internal */
export const MANAGED_BY_VALUE = 'crossmesh';
