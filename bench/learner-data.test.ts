import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Services } from '../src/composition.ts'
import type { Database } from '../src/platform/database/database.ts'
import { openPgliteDatabase } from '../src/platform/database/pglite-database.ts'
import {
  benchDatabaseName,
  learnerDataVersion,
  learnerIdSql,
  loadLearnerData,
  prepareSchema,
  resultsPerLearner,
  type DatasetMarker,
} from './learner-data.ts'

// The generator at a tiny scale, on PGlite: the rows it makes are the app's own kind of rows (the schema's
// constraints hold, the learning service reads them), and the same every time. Nothing here is timed.
const learners = 61

describe('the learner-record benchmark data', () => {
  const open: { database: Database; services: Services }[] = []
  let marker: DatasetMarker

  beforeAll(async () => {
    for (let copy = 0; copy < 2; copy++) {
      const database = await openPgliteDatabase('memory://')
      const services = await prepareSchema(database)
      marker = await loadLearnerData(database, learners)
      open.push({ database, services })
    }
  })

  afterAll(async () => {
    for (const { database, services } of open) {
      await services.mailer.close()
      await database.close()
    }
  })

  const db = () => open[0]!.database
  const count = async (sql: string) =>
    (await db().query<{ n: number }>(`SELECT count(*)::int AS n ${sql}`))[0]!.n

  it('records what it loaded in its marker', async () => {
    const universities = await count("FROM organisations WHERE kind = 'university'")
    expect(marker).toMatchObject({
      version: learnerDataVersion,
      learners,
      moduleResults: learners * resultsPerLearner,
      universities,
      enrolments: await count('FROM enrolments'),
      claims: await count('FROM prior_learning_claims'),
    })
    expect(await count("FROM users WHERE full_name LIKE 'Synthetic learner %'")).toBe(learners)
    expect(await count("FROM users WHERE full_name LIKE 'Synthetic programme lead, %'")).toBe(universities)
  })

  it('gives each learner 4 to 16 results, in pairs that make 20, and each one enrolment that is theirs now', async () => {
    const perLearner = await db().query<{ i: number; results: number; current: number; active: number }>(
      `SELECT i, (SELECT count(*)::int FROM module_results r WHERE r.learner_id = u.id) AS results,
              (SELECT count(*)::int FROM enrolments e WHERE e.learner_id = u.id AND e.status <> 'transferred-out')
                AS current,
              (SELECT count(*)::int FROM memberships m WHERE m.user_id = u.id) AS active
       FROM generate_series(1, ${learners}) AS i JOIN users u ON u.id = ${learnerIdSql('i')} ORDER BY i`,
    )
    expect(perLearner).toHaveLength(learners)
    for (const row of perLearner) {
      expect(row.results).toBeGreaterThanOrEqual(4)
      expect(row.results).toBeLessThanOrEqual(16)
      expect(row.current).toBe(1)
    }
    for (let i = 0; i + 1 < learners; i += 2)
      expect(perLearner[i]!.results + perLearner[i + 1]!.results).toBe(2 * resultsPerLearner)
    // A learner role where they study now, and only while they do.
    expect(await count("FROM memberships WHERE roles = ARRAY['learner']")).toBe(
      await count("FROM enrolments WHERE status = 'active'"),
    )
  })

  it('keeps results within their enrolments and transfers pointing at the enrolment left', async () => {
    expect(
      await count(
        `FROM module_results r JOIN enrolments e ON e.id = r.enrolment_id
         WHERE r.completed_on < e.started_on OR r.completed_on > COALESCE(e.ended_on, '2026-06-30')`,
      ),
    ).toBe(0)
    expect(
      await count(
        `FROM enrolments e JOIN enrolments f ON f.id = e.transferred_from
         WHERE f.status <> 'transferred-out' OR f.learner_id <> e.learner_id OR f.ended_on <> e.started_on
            OR f.university_id = e.university_id`,
      ),
    ).toBe(0)
    expect(await count('FROM enrolments WHERE transferred_from IS NOT NULL')).toBeGreaterThan(0)
    expect(await count("FROM module_results WHERE result = 'in-progress'")).toBeGreaterThan(0)
    expect(await count("FROM module_results WHERE result = 'fail'")).toBeGreaterThan(0)
  })

  it('makes ids the app accepts in its addresses', async () => {
    const ids = await db().query<{ id: string }>(
      'SELECT id FROM users UNION ALL SELECT id FROM enrolments UNION ALL SELECT id FROM prior_learning_claims',
    )
    for (const { id } of ids) expect(z.uuid().safeParse(id).success).toBe(true)
  })

  it('is read by the learning service like any record', async () => {
    const [learner] = await db().query<{ id: string }>(
      `SELECT learner_id AS id FROM prior_learning_claims ORDER BY learner_id LIMIT 1`,
    )
    const view = await open[0]!.services.learning.findRecord(learner!.id)
    expect(view?.learner.fullName).toMatch(/^Synthetic learner \d{6}$/)
    expect(view?.results.length).toBe(await count(`FROM module_results WHERE learner_id = '${learner!.id}'`))
    expect(view?.claims).toHaveLength(1)
    expect(view?.claims[0]?.evidence).toHaveLength(1)
    expect(view?.assessment).not.toBeNull()
  })

  it('loads the same rows every time', async () => {
    const digest = async (database: Database) => {
      const hash = createHash('sha256')
      for (const table of ['users', 'memberships', 'enrolments', 'module_results', 'prior_learning_claims']) {
        const rows = await database.query<{ row: string }>(
          `SELECT t::text AS row FROM ${table} t ORDER BY t::text`,
        )
        for (const { row } of rows) hash.update(row)
      }
      return hash.digest('hex')
    }
    expect(await digest(open[1]!.database)).toBe(await digest(db()))
  })

  it('never names a database kept for other uses', () => {
    expect(benchDatabaseName('trellis_bench', 100_000)).toBe('trellis_bench_100k')
    expect(benchDatabaseName('trellis_bench', 10_000)).toBe('trellis_bench_10k')
    expect(() => benchDatabaseName('test', 10_000)).toThrow()
    expect(() => benchDatabaseName('postgres', 10_000)).toThrow()
    expect(() => benchDatabaseName('x; DROP DATABASE test', 10_000)).toThrow()
  })
})
