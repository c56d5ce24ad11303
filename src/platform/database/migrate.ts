import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.ts'

export const migrationsDirectory = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Any fixed number: it names the lock that keeps two starting instances from migrating at once. */
const migrationLockKey = 7_294_113

/**
 * Applies the SQL files in migrations/ that have not been applied yet, in name order, in one transaction:
 * forward only, the same files on PGlite and on a PostgreSQL server. Returns the names applied now.
 */
export async function migrate(database: Database, directory = migrationsDirectory): Promise<string[]> {
  const files = (await readdir(directory)).filter((name) => /^\d{4}-[a-z0-9-]+\.sql$/.test(name)).sort()
  return database.transaction(async (tx) => {
    if (database.engine === 'postgresql') {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey])
    }
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    )
    const applied = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map(
        (row) => row.name,
      ),
    )
    const appliedNow: string[] = []
    for (const file of files) {
      if (applied.has(file)) continue
      await database.execute(await readFile(join(directory, file), 'utf8'), tx)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file])
      appliedNow.push(file)
    }
    return appliedNow
  })
}
