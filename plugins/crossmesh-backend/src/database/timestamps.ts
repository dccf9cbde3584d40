import { InputError } from '@backstage/errors';

/**
 * A timestamp as the database hands it back: PostgreSQL gives a `Date`, SQLite epoch
 * milliseconds or a string.
 *
 * @internal
 */
export type DbTimestamp = Date | string | number;

/**
 * A stored timestamp as the ISO 8601 string crossmesh's types carry.
 *
 * @internal
 */
export function timestampFromDb(value: DbTimestamp): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/**
 * {@link timestampFromDb} for a column that may be null.
 *
 * @internal
 */
export function nullableTimestampFromDb(
  value: DbTimestamp | null | undefined,
): string | null {
  return value === null || value === undefined ? null : timestampFromDb(value);
}

/**
 * An ISO 8601 string as the value to store; both databases take a `Date`.
 *
 * @throws InputError naming `field` when `value` is not a timestamp.
 * @internal
 */
export function timestampToDb(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(`${field} is not a valid timestamp: '${value}'`);
  }
  return date;
}

/**
 * {@link timestampToDb} for a field that may be null.
 *
 * @internal
 */
export function nullableTimestampToDb(
  value: string | null,
  field: string,
): Date | null {
  return value === null ? null : timestampToDb(value, field);
}
