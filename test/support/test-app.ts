import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { composeServices, type Services } from '../../src/composition.ts'
import { readCatalogue, type ReadCatalogue } from '../../src/modules/catalogue/index.ts'
import { projectRoot } from '../../src/platform/views/view-engine.ts'
import { openTestDatabase, type EngineName, type TestDatabase } from './test-database.ts'

export const contentDirectory = join(projectRoot, 'content')

let catalogue: Promise<ReadCatalogue> | undefined

/** The real content/, read once per test file. */
export function readTestCatalogue(): Promise<ReadCatalogue> {
  catalogue ??= readCatalogue(contentDirectory)
  return catalogue
}

export interface TestApp {
  readonly app: FastifyInstance
  readonly services: Services
  readonly db: TestDatabase
  close(): Promise<void>
}

/** The real app (the same buildApp as production) on a fresh database with the real catalogue loaded. */
export async function createTestApp(
  engine: EngineName = 'pglite',
  options: { loadCatalogue?: boolean } = {},
): Promise<TestApp> {
  const db = await openTestDatabase(engine)
  const services = composeServices(db.database)
  if (options.loadCatalogue !== false) await services.catalogue.load(await readTestCatalogue())
  const app = await buildApp({
    config: { environment: 'test', logLevel: 'silent', publicUrl: 'http://localhost:3000' },
    database: db.database,
    services,
  })
  await app.ready()
  return {
    app,
    services,
    db,
    async close() {
      await app.close()
      await db.close()
    },
  }
}
