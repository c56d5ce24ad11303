import type { Sql } from './database.ts'

/** Column name → PostgreSQL type, for rows passed as one JSON array. Table and column names are ours, never input. */
export type ColumnTypes = Readonly<Record<string, string>>

/**
 * Inserts many rows in one statement (one round trip on either engine), by unpacking a JSON array with
 * jsonb_to_recordset. With `conflictKey`, existing rows with the same key are updated in place.
 */
export async function writeRows(
  tx: Sql,
  table: string,
  columns: ColumnTypes,
  rows: readonly Readonly<Record<string, unknown>>[],
  conflictKey?: readonly string[],
): Promise<void> {
  if (rows.length === 0) return
  const names = Object.keys(columns)
  const definitions = names.map((name) => `${name} ${columns[name]}`).join(', ')
  let statement = `INSERT INTO ${table} (${names.join(', ')})
    SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${definitions})`
  if (conflictKey !== undefined) {
    const updates = names
      .filter((name) => !conflictKey.includes(name))
      .map((name) => `${name} = excluded.${name}`)
    statement += ` ON CONFLICT (${conflictKey.join(', ')}) DO ${updates.length === 0 ? 'NOTHING' : `UPDATE SET ${updates.join(', ')}`}`
  }
  await tx.query(statement, [JSON.stringify(rows)])
}

/** Deletes the rows whose id is not among `keep`: entries removed from the content since the last load. */
export async function deleteRowsNotIn(
  tx: Sql,
  table: string,
  keep: readonly string[],
  where = 'true',
): Promise<void> {
  await tx.query(`DELETE FROM ${table} WHERE (${where}) AND NOT (id = ANY($1::text[]))`, [keep])
}
