import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTestCatalogue, testServiceSettings } from '../../../test/support/test-app.ts'
import { openTestDatabase, testEngines, type TestDatabase } from '../../../test/support/test-database.ts'
import { composeServices } from '../../composition.ts'
import type { Database } from '../../platform/database/database.ts'

// Concurrency needs several connections, which only the PostgreSQL server has (PGlite has one): this suite runs
// when TEST_DATABASE_URL is set, as in CI.
const serverOnly = testEngines().includes('postgresql') ? describe : describe.skip

serverOnly('two app instances starting at once [postgresql]', () => {
  let db: TestDatabase
  let second: Database

  beforeAll(async () => {
    db = await openTestDatabase('postgresql')
    second = await db.openAnotherInstance!()
  })
  afterAll(async () => {
    await second.close()
    await db.close()
  })

  it('load the catalogue once between them, without a deadlock or a duplicate', async () => {
    const catalogue = await readTestCatalogue()
    const results = await Promise.all([
      composeServices(db.database, testServiceSettings()).catalogue.loadIfChanged(catalogue),
      composeServices(second, testServiceSettings()).catalogue.loadIfChanged(catalogue),
    ])
    expect(results.map((r) => r.loaded).sort()).toEqual([false, true])
    const [versions] = await db.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM catalogue_versions',
    )
    expect(versions!.n).toBe(1)
    const [organisations] = await db.database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM organisations WHERE kind = 'nhs-trust'",
    )
    expect(organisations!.n).toBe(210)
  })
})
