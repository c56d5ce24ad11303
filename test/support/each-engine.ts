import { afterAll, beforeAll, describe } from 'vitest'
import type { Database } from '../../src/platform/database/database.ts'
import { createTestApp, type TestApp } from './test-app.ts'
import { openTestDatabase, testEngines, type EngineName, type TestDatabase } from './test-database.ts'

/**
 * Declares a suite once and runs it on every engine: PGlite always, and the PostgreSQL server when
 * TEST_DATABASE_URL is set (as CI sets it). Each run gets a fresh, migrated database.
 */
export function describeEachEngine(
  name: string,
  suite: (context: { readonly engine: EngineName; database: () => Database }) => void,
): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine}]`, () => {
      let db: TestDatabase | undefined
      beforeAll(async () => {
        db = await openTestDatabase(engine)
      })
      afterAll(async () => {
        await db?.close()
      })
      suite({
        engine,
        database: () => {
          if (db === undefined) throw new Error('the test database is not open yet')
          return db.database
        },
      })
    })
  }
}

/** Declares an HTTP suite once and runs it against the real app on every engine, with the catalogue loaded. */
export function describeEachApp(
  name: string,
  suite: (context: { readonly engine: EngineName; app: () => TestApp }) => void,
): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine}]`, () => {
      let testApp: TestApp | undefined
      beforeAll(async () => {
        testApp = await createTestApp(engine)
      })
      afterAll(async () => {
        await testApp?.close()
      })
      suite({
        engine,
        app: () => {
          if (testApp === undefined) throw new Error('the test app is not running yet')
          return testApp
        },
      })
    })
  }
}
