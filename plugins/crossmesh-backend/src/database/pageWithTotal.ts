import type { Knex } from 'knex';

const TOTAL = 'crossmesh_total_count';

/**
 * One page of a filtered query and the number of rows the filter matches, in one round
 * trip: the total rides on each row as a window count (PostgreSQL, and SQLite since 3.25).
 * Only a page past the end, which has no row to carry it, costs a second query.
 *
 * @internal
 */
export async function pageWithTotal<Row extends object>(
  db: Knex,
  filtered: () => Knex.QueryBuilder,
  page: {
    orderBy: Array<{ column: string; order: 'asc' | 'desc' }>;
    limit: number;
    offset: number;
  },
): Promise<{ rows: Row[]; totalCount: number }> {
  const rows: Array<Row & { [TOTAL]?: unknown }> = await filtered()
    .select('*', db.raw(`count(*) over () as ${TOTAL}`))
    .orderBy(page.orderBy)
    .limit(page.limit)
    .offset(page.offset);
  if (rows.length === 0) {
    if (page.offset === 0) return { rows: [], totalCount: 0 };
    const [{ count }] = await filtered().count({ count: '*' });
    return { rows: [], totalCount: Number(count) };
  }
  const totalCount = Number(rows[0][TOTAL]);
  for (const row of rows) delete row[TOTAL];
  return { rows: rows as Row[], totalCount };
}
