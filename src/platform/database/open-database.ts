import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Database } from './database.ts'
import { openPgliteDatabase } from './pglite-database.ts'
import { openPostgresDatabase } from './postgres-database.ts'

export interface DatabaseSettings {
  readonly databaseUrl: string | undefined
  readonly dataDirectory: string
}

/** A PostgreSQL server when DATABASE_URL is set; otherwise embedded PGlite with its files under ./data. */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.databaseUrl !== undefined) {
    return openPostgresDatabase({ connectionString: settings.databaseUrl })
  }
  const directory = join(settings.dataDirectory, 'pglite')
  await mkdir(directory, { recursive: true })
  return openPgliteDatabase(directory)
}
