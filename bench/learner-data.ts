/**
 * Synthetic learner records for the learner-record benchmark (bench/learner-record.ts): a database brought up
 * to date by the app's own migrations and catalogue load, then filled by set-based SQL (INSERT … SELECT over
 * generate_series, never a row at a time). Every value is derived from the learner's number through md5, so
 * the same scale always gives the same rows, on PostgreSQL and on PGlite alike.
 *
 *   node --import tsx bench/learner-data.ts                      100,000 learners into trellis_bench_100k
 *   node --import tsx bench/learner-data.ts --scale 0.1          10,000 learners into trellis_bench_10k
 *   node --import tsx bench/learner-data.ts --reload             drop the database and load it again
 *   node --import tsx bench/learner-data.ts --drop               drop the benchmark databases
 *
 * At scale 1: 100,000 learners (users named "Synthetic learner 000042", at bench.trellis.invalid addresses),
 * about 108,000 enrolments at the catalogue's universities (8% of learners transferred from another one),
 * exactly 1,000,000 module results (4 to 16 a learner, 10 on average), about 12,000 prior-learning claims with a
 * file of evidence each, and a programme lead at each university. The database keeps a marker of what it holds
 * (table bench_learner_dataset), so that a later run with the same dataset version and size reuses it.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { composeServices, type Services } from '../src/composition.ts'
import type { Database, Sql } from '../src/platform/database/database.ts'
import { migrate } from '../src/platform/database/migrate.ts'
import { openPostgresDatabase } from '../src/platform/database/postgres-database.ts'
import { readCatalogue } from '../src/modules/catalogue/index.ts'

/** Bump when the generator changes what it loads: databases holding another version are loaded again. */
export const learnerDataVersion = 2

/** Scale 1: the national-size dataset of issue 4. */
export const fullScaleLearners = 100_000

/** Module results a learner has on average (from 4 to 16, in pairs that add up to 20): 1,000,000 at scale 1. */
export const resultsPerLearner = 10

/** The last day anything in the dataset happens on, so that the rows do not depend on the day they are loaded. */
export const datasetEndDate = '2026-06-30'

/** Where the synthetic people's addresses are: a reserved domain, so that no mail could ever reach anyone. */
export const syntheticEmailDomain = 'bench.trellis.invalid'

/** The service settings the benchmark composes the app's services with (no mail leaves: no SMTP server). */
export const benchServiceSettings = {
  publicUrl: 'http://127.0.0.1',
  smtpUrl: undefined,
  emailFrom: 'Trellis bench <no-reply@bench.trellis.invalid>',
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
} as const

/** What a loaded database holds (the row of bench_learner_dataset). */
export interface DatasetMarker {
  readonly version: number
  readonly learners: number
  readonly enrolments: number
  readonly moduleResults: number
  readonly claims: number
  readonly universities: number
  readonly loadedAt: string
  readonly loadSeconds: number
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
export const defaultContentDirectory = join(repoRoot, 'content')

/** The learners at a scale: 100,000 × scale, at least 2. */
export function learnersAtScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error('the scale must be a positive number')
  return Math.max(2, Math.round(fullScaleLearners * scale))
}

/**
 * A uuid named by text (SQL): md5 of it, with the version and variant bits of a random (v4) uuid, as the app
 * makes with randomUUID and as its routes accept. The same in every load.
 */
export function uuidSql(textExpression: string): string {
  return `overlay(overlay(md5(${textExpression}) placing '4' from 13) placing '8' from 17)::uuid`
}

/** The learner's id: the same in every load, so the benchmark can name learners without reading them. */
export function learnerIdSql(numberExpression: string): string {
  return uuidSql(`'trellis-bench:learner:' || (${numberExpression})`)
}

/** The id of learner i's current enrolment (where they study now, or last studied). */
export function currentEnrolmentIdSql(numberExpression: string): string {
  return uuidSql(`'trellis-bench:enrolment:' || (${numberExpression}) || ':current'`)
}

/**
 * A uniform number in [0, 1) for a row, from md5 of a salt and the row's numbers (SQL expressions): the
 * same on every engine and every run, unlike random().
 */
function draw(salt: string, ...keys: string[]): string {
  const text = [`'${salt}'`, ...keys.map((key) => `(${key})::text`)].join(` || ':' || `)
  return `(('x' || substr(md5(${text}), 1, 8))::bit(32)::int8::float8 / 4294967296.0)`
}

/** Brings the schema up to date with the app's migrations and loads content/ as the app does at start. */
export async function prepareSchema(
  database: Database,
  contentDirectory = defaultContentDirectory,
): Promise<Services> {
  await migrate(database)
  const services = composeServices(database, benchServiceSettings)
  const catalogue = await readCatalogue(contentDirectory)
  if (catalogue.problems.length > 0) {
    throw new Error(
      `${contentDirectory} has ${catalogue.problems.length} problems; run "trellis catalogue check"`,
    )
  }
  await services.catalogue.loadIfChanged(catalogue)
  return services
}

export async function readDatasetMarker(database: Sql): Promise<DatasetMarker | null> {
  const [table] = await database.query<{ present: boolean }>(
    "SELECT to_regclass('bench_learner_dataset') IS NOT NULL AS present",
  )
  if (table?.present !== true) return null
  const [row] = await database.query<{
    version: number
    learners: number
    enrolments: number
    module_results: number
    claims: number
    universities: number
    loaded_at: Date
    load_seconds: number
  }>(
    `SELECT version, learners, enrolments, module_results, claims, universities, loaded_at, load_seconds
     FROM bench_learner_dataset ORDER BY loaded_at DESC LIMIT 1`,
  )
  return row === undefined
    ? null
    : {
        version: row.version,
        learners: row.learners,
        enrolments: row.enrolments,
        moduleResults: row.module_results,
        claims: row.claims,
        universities: row.universities,
        loadedAt: new Date(row.loaded_at).toISOString(),
        loadSeconds: Number(row.load_seconds),
      }
}

/**
 * Loads `learners` synthetic learners into a database that holds none yet (migrated, with the catalogue
 * loaded: prepareSchema), in one transaction with the marker, then analyses the tables. Returns the marker.
 */
export async function loadLearnerData(
  database: Database,
  learners: number,
  log: (line: string) => void = () => undefined,
): Promise<DatasetMarker> {
  if (!Number.isInteger(learners) || learners < 2) throw new Error('learners must be a whole number ≥ 2')
  const started = process.hrtime.bigint()
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9
  const width = Math.max(6, String(learners).length)
  const n = String(learners)

  await database.transaction(async (tx) => {
    // Dates become instants in the UK's time, whatever the server's setting: the same rows everywhere.
    await tx.query("SET LOCAL TimeZone = 'Europe/London'")
    // Big sorts in memory, and no JIT compilation (it costs more than it saves on these one-off statements).
    await tx.query("SET LOCAL work_mem = '256MB'")
    await tx.query('SET LOCAL jit = off')
    const step = async (what: string, sql: string) => {
      const before = seconds()
      await tx.query(sql)
      log(`  ${what} (${(seconds() - before).toFixed(1)} s)`)
    }
    const [existing] = await tx.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM users WHERE email LIKE '%@${syntheticEmailDomain}'`,
    )
    if ((existing?.count ?? 0) > 0) throw new Error('the database holds synthetic learners already')

    // The universities (the catalogue's providers) with a synthetic programme lead for each, their modules in
    // catalogue order (credits the catalogue does not state as the framework's usual 15, or 60 for a
    // dissertation) and their programmes.
    await step(
      'universities',
      `CREATE TEMP TABLE bench_universities ON COMMIT DROP AS
       SELECT (row_number() OVER (ORDER BY position, id))::int AS n, id, name,
              ${uuidSql("'trellis-bench:lead:' || id")} AS lead_id
       FROM organisations WHERE kind = 'university'`,
    )
    const [universities] = await tx.query<{ count: number; without_modules: number }>(
      `SELECT count(*)::int AS count,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM modules m WHERE m.provider_id = u.id))::int
                AS without_modules
       FROM bench_universities u`,
    )
    const k = universities?.count ?? 0
    if (k === 0) throw new Error('the catalogue has no universities: load content/ first')
    await tx.query(
      `CREATE TEMP TABLE bench_modules ON COMMIT DROP AS
       SELECT provider_id AS university_id, (row_number() OVER (PARTITION BY provider_id ORDER BY position, id))::int AS n,
              name AS title, kind, COALESCE(credits, CASE kind WHEN 'dissertation' THEN 60 ELSE 15 END) AS credits
       FROM modules
       WHERE provider_id IN (SELECT id FROM bench_universities) AND kind IN ('online', 'rpe', 'dissertation')`,
    )
    await tx.query(
      `CREATE TEMP TABLE bench_programmes ON COMMIT DROP AS
       SELECT provider_id AS university_id, (row_number() OVER (PARTITION BY provider_id ORDER BY position, id))::int AS n,
              (count(*) OVER (PARTITION BY provider_id))::int AS total, id
       FROM programmes WHERE provider_id IN (SELECT id FROM bench_universities)`,
    )
    await tx.query(
      `CREATE TEMP TABLE bench_professions ON COMMIT DROP AS
       SELECT (row_number() OVER (ORDER BY position, id))::int AS n, id FROM professions`,
    )
    const [professionCount] = await tx.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM bench_professions',
    )
    const professions = professionCount?.count ?? 0
    // Optional modules, after a university's own: the menu Exeter's certificate describes, and the like.
    await tx.query(
      `CREATE TEMP TABLE bench_options ON COMMIT DROP AS
       SELECT n::int, title FROM unnest(ARRAY[
         'Statistics for clinical research', 'Clinical trials', 'Epidemiology', 'Research ethics and governance',
         'Qualitative research methods', 'Health economics', 'Systematic reviews', 'Research data management'
       ]) WITH ORDINALITY AS t(title, n)`,
    )

    // One row a learner: where they study now (and, for 8%, the university they transferred from), how their
    // enrolment stands, how many results they have. Counts come in pairs that add up to 20 (learners 1 and 2,
    // 3 and 4…), so that the total is exactly 10 a learner.
    const countDelta = (i: string) => `(floor(${draw('count', i)} * 13)::int - 6)`
    await step(
      `${n} learners`,
      `CREATE TEMP TABLE bench_learners ON COMMIT DROP AS
       WITH d AS (
         SELECT i, ${learnerIdSql('i')} AS id,
                1 + floor(${draw('home', 'i')} * ${k})::int AS home_n,
                ${k} > 1 AND ${draw('transfer', 'i')} < 0.08 AS transferred,
                floor(${draw('previous', 'i')} * ${Math.max(1, k - 1)})::int AS previous_step,
                date '2021-09-01' + floor(${draw('start', 'i')} * 1200)::int AS first_start,
                120 + floor(${draw('stay', 'i')} * 360)::int AS first_days,
                ${draw('status', 'i')} AS status_draw,
                365 + floor(${draw('end', 'i')} * 540)::int AS end_days,
                10 + CASE WHEN i % 2 = 0 THEN -${countDelta('i - 1')}
                          WHEN i = ${n} THEN 0
                          ELSE ${countDelta('i')} END AS n_results,
                CASE WHEN ${draw('in-progress', 'i')} < 0.6 THEN 1 ELSE 2 END AS in_progress_draw,
                floor(${draw('options', 'i')} * 8)::int AS option_offset
         FROM generate_series(1, ${n}) AS i
       ), placed AS (
         SELECT d.*, h.id AS home, h.lead_id AS home_lead, p.id AS previous, p.lead_id AS previous_lead,
                CASE WHEN transferred THEN first_start + first_days ELSE first_start END AS current_start,
                CASE WHEN status_draw < 0.75 THEN 'active' WHEN status_draw < 0.88 THEN 'completed' ELSE 'withdrawn' END
                  AS status
         FROM d
         JOIN bench_universities h ON h.n = d.home_n
         LEFT JOIN bench_universities p ON d.transferred AND p.n = 1 + (d.home_n + d.previous_step) % ${k}
       )
       SELECT i, id, home, home_lead, previous, previous_lead, first_start, current_start, status,
              CASE WHEN status = 'active' THEN NULL
                   ELSE least(current_start + end_days, date '${datasetEndDate}') END AS current_end,
              n_results,
              CASE WHEN previous IS NULL THEN 0 ELSE greatest(1, (n_results * 2) / 5) END AS n_previous,
              CASE WHEN status = 'active' THEN in_progress_draw ELSE 0 END AS n_in_progress,
              option_offset,
              (SELECT g.id FROM bench_programmes g
               WHERE g.university_id = placed.home AND ${draw('programme', 'i')} < 0.8
                 AND g.n = 1 + floor(${draw('programme-pick', 'i')} * g.total)::int) AS programme_current,
              (SELECT g.id FROM bench_programmes g
               WHERE g.university_id = placed.previous AND ${draw('programme-before', 'i')} < 0.8
                 AND g.n = 1 + floor(${draw('programme-before-pick', 'i')} * g.total)::int) AS programme_previous
       FROM placed`,
    )
    await tx.query(
      'ANALYZE bench_universities, bench_modules, bench_programmes, bench_professions, bench_options, bench_learners',
    )

    await step(
      'users',
      `INSERT INTO users (id, full_name, email, email_verified_at, is_nhs_email, profession_id, password_hash, created_at)
       SELECT lead_id, 'Synthetic programme lead, ' || name, 'synthetic-lead-' || id || '@${syntheticEmailDomain}',
              timestamptz '2021-06-01 09:00+01', false, NULL, NULL, timestamptz '2021-06-01 09:00+01'
       FROM bench_universities
       UNION ALL
       SELECT l.id, 'Synthetic learner ' || lpad(l.i::text, ${width}, '0'),
              'synthetic-learner-' || lpad(l.i::text, ${width}, '0') || '@${syntheticEmailDomain}',
              (l.first_start - 30) + time '18:00', false,
              p.id, NULL, (l.first_start - 30) + time '18:00'
       FROM bench_learners l
       LEFT JOIN bench_professions p ON p.n = 1 + floor(${draw('profession', 'l.i')} * ${professions})::int`,
    )
    await step(
      'memberships',
      `INSERT INTO memberships (user_id, organisation_id, roles, created_at, updated_at)
       SELECT lead_id, id, ARRAY['programme-lead'], timestamptz '2021-06-01 09:00+01', timestamptz '2021-06-01 09:00+01'
       FROM bench_universities
       UNION ALL
       SELECT id, home, ARRAY['learner'], (current_start - 14) + time '09:30', (current_start - 14) + time '09:30'
       FROM bench_learners WHERE status = 'active'`,
    )
    // Enrolments in the order they were made (a transfer's first enrolment long before its second).
    await step(
      'enrolments',
      `INSERT INTO enrolments (id, learner_id, university_id, programme_id, started_on, status, ended_on,
                               transferred_from, created_by, created_at)
       SELECT * FROM (
         SELECT ${uuidSql("'trellis-bench:enrolment:' || i || ':previous'")}, id, previous, programme_previous,
                first_start, 'transferred-out', current_start, NULL::uuid, previous_lead,
                ((first_start - 14) + time '09:30')::timestamptz AS created_at
         FROM bench_learners WHERE previous IS NOT NULL
         UNION ALL
         SELECT ${currentEnrolmentIdSql('i')}, id, home, programme_current,
                current_start, status, current_end,
                CASE WHEN previous IS NOT NULL THEN ${uuidSql("'trellis-bench:enrolment:' || i || ':previous'")} END,
                home_lead, ((current_start - 14) + time '09:30')::timestamptz
         FROM bench_learners
       ) e ORDER BY created_at`,
    )

    // Results: at the university they transferred from first (two fifths of them), then where they are now;
    // a university's own modules in catalogue order, then optional ones; the last one or two of a learner
    // still studying in progress; 7% failed; level 7 mostly, some 6 and 8. Rows go in in the order they were
    // recorded, interleaved across learners as a real table's are, not grouped by learner.
    await step(
      `${Number(n) * resultsPerLearner} module results`,
      `INSERT INTO module_results (id, learner_id, enrolment_id, university_id, code, title, kind, credits, level,
                                   result, completed_on, recorded_by, recorded_at)
       SELECT id, learner_id, enrolment_id, university_id, code, title, kind, credits, level, result, completed_on,
              recorded_by, recorded_at
       FROM (
         SELECT ${uuidSql("'trellis-bench:result:' || l.i || ':' || j")} AS id, l.id AS learner_id,
                ${uuidSql("'trellis-bench:enrolment:' || l.i || CASE WHEN e.at_previous THEN ':previous' ELSE ':current' END")}
                  AS enrolment_id,
                e.university_id,
                upper(left(regexp_replace(e.university_id, '^university-of-', ''), 3))
                  || CASE WHEN m.n IS NULL THEN 'OPT' || (1 + (e.local_j - 1 + l.option_offset) % 8)
                          ELSE lpad(m.n::text, 3, '0') END AS code,
                COALESCE(m.title, o.title) AS title,
                COALESCE(m.kind, 'online') AS kind,
                COALESCE(m.credits, 15) AS credits,
                CASE WHEN ${draw('level', 'l.i', 'j')} < 0.06 THEN 6
                     WHEN ${draw('level', 'l.i', 'j')} < 0.10 THEN 8 ELSE 7 END AS level,
                r.result,
                CASE WHEN r.result = 'in-progress' THEN NULL ELSE e.due END AS completed_on,
                e.recorded_by,
                (CASE WHEN r.result = 'in-progress' THEN e.due
                      ELSE e.due + 1 + floor(${draw('recorded', 'l.i', 'j')} * 20)::int END
                  + time '10:00' + floor(${draw('minute', 'l.i', 'j')} * 420)::int * interval '1 minute')::timestamptz
                  AS recorded_at
         FROM bench_learners l
         CROSS JOIN LATERAL generate_series(1, l.n_results) AS j
         CROSS JOIN LATERAL (
           SELECT at_previous,
                  CASE WHEN at_previous THEN l.previous ELSE l.home END AS university_id,
                  CASE WHEN at_previous THEN l.previous_lead ELSE l.home_lead END AS recorded_by,
                  CASE WHEN at_previous THEN j ELSE j - l.n_previous END AS local_j,
                  -- Spread over the enrolment: from its start to its end (the transfer, or the dataset's last day).
                  start_on + ((CASE WHEN at_previous THEN j ELSE j - l.n_previous END)
                              * (end_on - start_on) / (local_n + 1)) AS due
           FROM (SELECT j <= l.n_previous AS at_previous) a
           CROSS JOIN LATERAL (
             SELECT CASE WHEN a.at_previous THEN l.first_start ELSE l.current_start END AS start_on,
                    CASE WHEN a.at_previous THEN l.current_start
                         ELSE COALESCE(l.current_end, date '${datasetEndDate}') END AS end_on,
                    CASE WHEN a.at_previous THEN l.n_previous ELSE l.n_results - l.n_previous END AS local_n
           ) b
         ) e
         CROSS JOIN LATERAL (
           SELECT CASE WHEN NOT e.at_previous AND j > l.n_results - l.n_in_progress THEN 'in-progress'
                       WHEN ${draw('fail', 'l.i', 'j')} < 0.07 THEN 'fail' ELSE 'pass' END AS result
         ) r
         LEFT JOIN bench_modules m ON m.university_id = e.university_id AND m.n = e.local_j
         JOIN bench_options o ON o.n = 1 + (e.local_j - 1 + l.option_offset) % 8
       ) results
       ORDER BY recorded_at, id`,
    )

    // Prior learning: 12% of learners claimed at the university they study at now, a file of evidence each.
    await step(
      'prior-learning claims',
      `INSERT INTO prior_learning_claims (id, learner_id, university_id, description, credits_sought, counts_as,
                                          status, credits_approved, level, reason, decided_by, decided_at, created_at)
       SELECT ${uuidSql("'trellis-bench:claim:' || i")}, id, home,
              'Synthetic prior learning claim ' || lpad(i::text, ${width}, '0')
                || ': a research methods course taken before enrolling.',
              sought, counts_as, status,
              CASE status WHEN 'pending' THEN NULL WHEN 'approved' THEN sought WHEN 'partly-approved' THEN sought - 5
                          ELSE 0 END,
              CASE WHEN status IN ('approved', 'partly-approved') THEN 7 END,
              CASE status WHEN 'partly-approved' THEN 'Part of the course was below level 7.'
                          WHEN 'rejected' THEN 'The course did not assess research practice.' END,
              CASE WHEN status <> 'pending' THEN home_lead END,
              CASE WHEN status <> 'pending' THEN created_at + interval '21 days' END,
              created_at
       FROM (
         SELECT l.i, l.id, l.home, l.home_lead, CASE WHEN ${draw('claim-credits', 'l.i')} < 0.7 THEN 15 ELSE 30 END AS sought,
                CASE WHEN ${draw('claim-kind', 'l.i')} < 0.6 THEN 'online' ELSE 'rpe' END AS counts_as,
                CASE WHEN ${draw('claim-status', 'l.i')} < 0.3 THEN 'pending'
                     WHEN ${draw('claim-status', 'l.i')} < 0.7 THEN 'approved'
                     WHEN ${draw('claim-status', 'l.i')} < 0.85 THEN 'partly-approved' ELSE 'rejected' END AS status,
                ((l.current_start + 30) + time '11:00')::timestamptz AS created_at
         FROM bench_learners l WHERE ${draw('claim', 'l.i')} < 0.12
       ) c
       ORDER BY created_at`,
    )
    await step(
      'evidence',
      `INSERT INTO prior_learning_evidence (id, claim_id, position, file_name, media_type, size_bytes, sha256,
                                            content, uploaded_at)
       SELECT ${uuidSql("'trellis-bench:evidence:' || c.id")}, c.id, 0, 'certificate.pdf', 'application/pdf',
              octet_length(f.content), encode(sha256(f.content), 'hex'), f.content, c.created_at
       FROM prior_learning_claims c
       CROSS JOIN LATERAL (
         SELECT convert_to(E'%PDF-1.4\\n% Synthetic evidence for Trellis benchmark claim ' || c.id || E'\\n%%EOF\\n',
                           'UTF8') AS content
       ) f
       ORDER BY c.created_at`,
    )

    await tx.query(
      `CREATE TABLE IF NOT EXISTS bench_learner_dataset (
         version integer NOT NULL,
         learners integer NOT NULL,
         enrolments integer NOT NULL,
         module_results integer NOT NULL,
         claims integer NOT NULL,
         universities integer NOT NULL,
         loaded_at timestamptz NOT NULL,
         load_seconds real NOT NULL
       )`,
    )
    await tx.query('DELETE FROM bench_learner_dataset')
    await tx.query(
      `INSERT INTO bench_learner_dataset
       SELECT $1, $2, (SELECT count(*) FROM enrolments), (SELECT count(*) FROM module_results),
              (SELECT count(*) FROM prior_learning_claims), $3, now(), $4`,
      [learnerDataVersion, learners, k, seconds()],
    )
  })
  // Vacuumed as well as analysed: hint bits and the visibility map set now, not by the first requests measured.
  const before = seconds()
  await database.query(
    'VACUUM (ANALYZE) users, memberships, enrolments, module_results, prior_learning_claims, prior_learning_evidence',
  )
  log(`  vacuumed and analysed (${(seconds() - before).toFixed(1)} s)`)
  const marker = await readDatasetMarker(database)
  if (marker === null) throw new Error('the dataset marker was not written')
  return marker
}

/** Database names the benchmark may create and drop: never one that holds anything else. */
const reservedDatabases = new Set(['postgres', 'test', 'template0', 'template1'])

/** The benchmark database for a number of learners: `trellis_bench_100k`, `trellis_bench_10k`… */
export function benchDatabaseName(base: string, learners: number): string {
  const size = learners % 1000 === 0 ? `${learners / 1000}k` : String(learners)
  if (reservedDatabases.has(base)) throw new Error(`"${base}" cannot name the benchmark's databases`)
  return checkBenchDatabaseName(`${base}_${size}`)
}

/** A plain identifier (it goes into CREATE and DROP DATABASE as it is), never a database kept for other uses. */
function checkBenchDatabaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name) || reservedDatabases.has(name)) {
    throw new Error(`"${name}" cannot be a benchmark database name`)
  }
  return name
}

/** The server's URL with another database name. */
export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export interface PreparedDatabase {
  readonly name: string
  readonly url: string
  readonly marker: DatasetMarker
  /** False when the database already held this dataset and was reused. */
  readonly loadedNow: boolean
}

/**
 * Makes sure database `name` on the server holds the dataset of `learners` learners: reused when its marker
 * says so (after running any new migrations and catalogue changes, as the app would at start); otherwise, or
 * with `reload`, dropped, created and loaded.
 */
export async function ensureLearnerDatabase(options: {
  readonly serverUrl: string
  readonly name: string
  readonly learners: number
  readonly reload: boolean
  readonly contentDirectory?: string
  readonly log?: (line: string) => void
}): Promise<PreparedDatabase> {
  const log = options.log ?? ((line: string) => console.log(line))
  const name = options.name
  checkBenchDatabaseName(name)
  const url = withDatabase(options.serverUrl, name)
  // The maintenance database is only used to create and drop the benchmark's own.
  const admin = await openPostgresDatabase({
    connectionString: withDatabase(options.serverUrl, 'postgres'),
    maxConnections: 1,
  })
  try {
    const [exists] = await admin.query<{ exists: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists',
      [name],
    )
    if (exists?.exists === true && !options.reload) {
      const database = await openPostgresDatabase({ connectionString: url, maxConnections: 2 })
      try {
        const marker = await readDatasetMarker(database)
        if (marker?.version === learnerDataVersion && marker.learners === options.learners) {
          const services = await prepareSchema(database, options.contentDirectory)
          await services.mailer.close()
          log(
            `${name}: reusing ${marker.learners.toLocaleString('en-GB')} learners and ` +
              `${marker.moduleResults.toLocaleString('en-GB')} module results loaded ${marker.loadedAt}`,
          )
          return { name, url, marker, loadedNow: false }
        }
        log(
          `${name}: holds ${marker === null ? 'no complete dataset' : `dataset version ${marker.version} of ${marker.learners} learners`}; loading it again`,
        )
      } finally {
        await database.close()
      }
    }
    if (exists?.exists === true) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.close()
  }

  const database = await openPostgresDatabase({ connectionString: url, maxConnections: 2 })
  try {
    log(`${name}: migrating and loading content/, then ${options.learners.toLocaleString('en-GB')} learners`)
    const services = await prepareSchema(database, options.contentDirectory)
    await services.mailer.close()
    const marker = await loadLearnerData(database, options.learners, log)
    // Written out now, so that the checkpoint does not land in a measurement (needs a superuser; harmless if not).
    await database.query('CHECKPOINT').catch(() => undefined)
    log(
      `${name}: loaded ${marker.learners.toLocaleString('en-GB')} learners, ${marker.enrolments.toLocaleString('en-GB')} ` +
        `enrolments, ${marker.moduleResults.toLocaleString('en-GB')} module results and ` +
        `${marker.claims.toLocaleString('en-GB')} claims in ${marker.loadSeconds.toFixed(1)} s`,
    )
    return { name, url, marker, loadedNow: true }
  } finally {
    await database.close()
  }
}

/** Drops a benchmark database, if it exists. */
export async function dropLearnerDatabase(serverUrl: string, name: string): Promise<void> {
  checkBenchDatabaseName(name)
  const admin = await openPostgresDatabase({
    connectionString: withDatabase(serverUrl, 'postgres'),
    maxConnections: 1,
  })
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.close()
  }
}

export const defaultServerUrl = 'postgres://postgres@127.0.0.1:5432/'
export const defaultDatabaseBase = 'trellis_bench'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      'database-name': { type: 'string' },
      scale: { type: 'string' },
      reload: { type: 'boolean' },
      drop: { type: 'boolean' },
    },
  })
  const serverUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? defaultServerUrl
  const base = values['database-name'] ?? defaultDatabaseBase
  const learners = learnersAtScale(Number(values.scale ?? 1))
  const name = benchDatabaseName(base, learners)
  if (values.drop === true) {
    await dropLearnerDatabase(serverUrl, name)
    console.log(`dropped ${name} (if it existed)`)
    return
  }
  await ensureLearnerDatabase({ serverUrl, name, learners, reload: values.reload ?? false })
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(defaultContentDirectory)) throw new Error(`no content/ under ${repoRoot}`)
  await main()
}
