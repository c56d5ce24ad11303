import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { openTestDatabase } from '../../../test/support/test-database.ts'
import { migrate, migrationsDirectory } from './migrate.ts'

describeEachEngine('migrate', ({ engine, database }) => {
  it('has applied every migration once, and applies none the second time', async () => {
    const applied = await database().query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY name',
    )
    expect(applied.map((row) => row.name)).toContain('0001-catalogue.sql')
    expect(await migrate(database())).toEqual([])
  })

  it('applies a failing migration not at all', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trellis-migrations-'))
    try {
      await writeFile(join(directory, '0001-good.sql'), 'CREATE TABLE first_table (id integer);')
      await writeFile(
        join(directory, '0002-bad.sql'),
        'CREATE TABLE second_table (id integer); SELECT * FROM missing_table;',
      )
      const fresh = await openTestDatabase(engine, { migrate: false })
      try {
        await expect(migrate(fresh.database, directory)).rejects.toThrow(/missing_table/)
        const tables = await fresh.database.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.tables
           WHERE table_name IN ('first_table', 'second_table', 'schema_migrations') AND table_schema = current_schema()`,
        )
        expect(tables[0]?.n).toBe(0)
      } finally {
        await fresh.close()
      }
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})

afterAll(() => {
  expect(migrationsDirectory).toMatch(/migrations$/)
})
