import { randomBytes } from 'node:crypto'
import type { Database } from '../../src/platform/database/database.ts'
import { migrate } from '../../src/platform/database/migrate.ts'
import { openPgliteDatabase } from '../../src/platform/database/pglite-database.ts'
import { openPostgresDatabase } from '../../src/platform/database/postgres-database.ts'

export type EngineName = 'pglite' | 'postgresql'

export interface TestDatabase {
  readonly database: Database
  /** On the server: a second pool on the same schema, as a second app instance would have. */
  openAnotherInstance?(): Promise<Database>
  close(): Promise<void>
}

/** Every engine database tests run on: PGlite in memory always, the PostgreSQL server when one is given. */
export function testEngines(): EngineName[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite']
}

/**
 * A fresh, migrated database: PGlite in memory, or a schema of its own on the PostgreSQL server (dropped on
 * close), so test files never see each other's rows.
 */
export async function openTestDatabase(
  engine: EngineName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const database = await openPgliteDatabase('memory://')
    if (options.migrate !== false) await migrate(database)
    return { database, close: () => database.close() }
  }
  const url = process.env.TEST_DATABASE_URL
  if (url === undefined) throw new Error('TEST_DATABASE_URL is not set')
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = await openPostgresDatabase({ connectionString: url, maxConnections: 1 })
  await admin.query(`CREATE SCHEMA ${schema}`)
  const database = await openPostgresDatabase({ connectionString: url, schema, maxConnections: 5 })
  if (options.migrate !== false) await migrate(database)
  return {
    database,
    openAnotherInstance: () => openPostgresDatabase({ connectionString: url, schema, maxConnections: 5 }),
    async close() {
      await database.close()
      await admin.query(`DROP SCHEMA ${schema} CASCADE`)
      await admin.close()
    },
  }
}
