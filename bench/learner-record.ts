/**
 * The learner-record benchmark (issue 4): the learner's own record page, GET /learning, and a programme lead's
 * view of a learner's record, GET /universities/{id}/learners/{learnerId}, on the PostgreSQL server with the
 * national-size dataset loaded (100,000 learners, 1,000,000 module results: bench/learner-data.ts) and with one
 * ten times smaller, against the budget in ARCHITECTURE.md: p95 ≤ 50 ms, and no worse than ×1.5 when the data
 * grows ×10. `npm run bench` runs it when it can reach a PostgreSQL server (bench/run.ts); see bench/README.md.
 *
 * For each dataset: the real app (bench/serve-trellis.ts, the same buildApp as production, environment
 * production, the production connection pool) in a child process pinned like the catalogue benchmark's
 * server; sessions made by the app's session service for a sample of learners spread over the whole dataset
 * and for each university's programme lead; then, for each page, a warm-up and a measured window of
 * autocannon in which every request is a different learner of the sample, chosen at random, signed in by
 * their session cookie. Every response must be a 200.
 *
 * Also explains the queries behind both pages on the large dataset: the app itself (buildApp over a database
 * that records each query) answers the two pages in-process, and each SELECT it ran is run again under
 * EXPLAIN (ANALYZE, BUFFERS). A sequential scan of a table that grows with the learners fails the check.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon, { type RequestOptions } from 'autocannon'
import { buildApp } from '../src/app.ts'
import { composeServices, type Services } from '../src/composition.ts'
import type { Database, Row, Sql } from '../src/platform/database/database.ts'
import { openPostgresDatabase } from '../src/platform/database/postgres-database.ts'
import { sessionCookieSettings } from '../src/modules/identity/index.ts'
import { startServer, type ServerProcess } from './children.ts'
import {
  benchDatabaseName,
  benchServiceSettings,
  currentEnrolmentIdSql,
  ensureLearnerDatabase,
  learnerIdSql,
  prepareSchema,
  type DatasetMarker,
} from './learner-data.ts'
import { machineBusySeconds, problemsOf, quietPercent, round, waitForIdle } from './load.ts'
import { fetchOnce } from './recording.ts'

/** ARCHITECTURE.md, Performance budgets: learner record and dashboards on a national-size dataset. */
export const learnerRecordBudgets = {
  /** p95 latency on the national-size dataset, at most. */
  maxP95Ms: 50,
  /** p95 on the national-size dataset over p95 on one ten times smaller, at most. */
  maxGrowth: 1.5,
} as const

/** Tables that grow with the learners: a sequential scan of any of them behind these pages fails the check. */
export const growingTables = [
  'module_results',
  'enrolments',
  'prior_learning_claims',
  'prior_learning_evidence',
  'users',
  'sessions',
  'memberships',
] as const

export interface LearnerRecordSettings {
  /** The PostgreSQL server (any database name in it is ignored). */
  readonly serverUrl: string
  /** Benchmark databases are `<base>_10k` and `<base>_100k`. */
  readonly databaseBase: string
  /** Learners in the small and the large dataset. */
  readonly learners: { readonly small: number; readonly large: number }
  /** Drop and load the datasets again even when the databases hold them already. */
  readonly reload: boolean
  /** Learners signed in and asked for at random. */
  readonly sample: number
  /**
   * Concurrent connections, one measurement each: the budget is judged at the first (by default 1: one request
   * at a time, the latency of the page itself), the others show the app under load (by default 8).
   */
  readonly connections: readonly number[]
  readonly warmupSeconds: number
  readonly durationSeconds: number
  readonly rounds: number
  readonly serverCpu: number | undefined
  readonly idleWaitSeconds: number
  /** Where the server's log lines go: a file in `scratch`, or /dev/null. */
  readonly log: 'file' | 'null'
  readonly scratch: string
  readonly contentDirectory: string
  /** Where to write V8 CPU profiles of the app during each measured window, if wanted. */
  readonly profileDirectory: string | undefined
}

/** One measured window of one page against one dataset. */
export interface PageMeasurement {
  /** Mean of autocannon's per-second samples. */
  readonly requestsPerSecond: number
  readonly totalRequests: number
  /** Of every 200 response, from autocannon's own timings (not rounded to whole milliseconds). */
  readonly latencyMs: {
    readonly mean: number
    readonly p50: number
    readonly p95: number
    readonly p99: number
    readonly max: number
  }
  /** % of one core during the window: the app's process, PostgreSQL's processes, the load generator. */
  readonly serverCpuPercent: number | undefined
  readonly databaseCpuPercent: number | undefined
  readonly clientCpuPercent: number
  /** Everything on the machine during the window, and in the two seconds before the warm-up. */
  readonly machineCpuPercent: number | undefined
  readonly machineBusyBeforePercent: number | undefined
  readonly failures: readonly string[]
}

export interface PageSummary {
  readonly page: string
  readonly path: string
  readonly connections: number
  readonly bodyBytes: number
  /** Medians over rounds (max: the highest). */
  readonly requestsPerSecond: number
  readonly latencyMs: PageMeasurement['latencyMs']
  readonly serverCpuPercent: number | undefined
  readonly databaseCpuPercent: number | undefined
  /** The most that anything besides the app, PostgreSQL and the load generator took, in % of one core. */
  readonly otherCpuPercent: number | undefined
  readonly rounds: readonly PageMeasurement[]
}

export interface DatasetReport {
  readonly database: string
  readonly marker: DatasetMarker
  readonly loadedNow: boolean
  readonly pages: readonly PageSummary[]
}

export interface ExplainedQuery {
  /** The pages that ran it. */
  readonly pages: readonly string[]
  readonly sql: string
  readonly plan: string
  readonly executionMs: number
  /** Tables read with a sequential scan. */
  readonly seqScans: readonly string[]
  /** Indexes the plan reads. */
  readonly indexes: readonly string[]
}

export interface LearnerRecordReport {
  readonly date: string
  readonly settings: {
    readonly connections: readonly number[]
    readonly warmupSeconds: number
    readonly durationSeconds: number
    readonly rounds: number
    readonly sample: number
    readonly pinning: string
  }
  readonly budgets: typeof learnerRecordBudgets
  readonly small: DatasetReport
  readonly large: DatasetReport
  readonly verdicts: readonly {
    readonly page: string
    readonly connections: number
    /** The budget is judged here (the first number of connections); the others are for information. */
    readonly judged: boolean
    readonly smallP95Ms: number
    readonly largeP95Ms: number
    readonly growth: number
    readonly p95BudgetMet: boolean
    readonly growthBudgetMet: boolean
  }[]
  readonly explain: readonly ExplainedQuery[]
  /** No query behind the pages scans a growing table sequentially. */
  readonly indexesUsed: boolean
  /** Some measurement was disturbed by other work on the machine. */
  readonly disturbed: boolean
  readonly failures: readonly string[]
  readonly budgetMet: boolean
}

/** Above this share of one core used by other work during a window, its figures are not reliable. */
export const learnerDisturbedPercent = 25

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const benchDirectory = join(repoRoot, 'bench')
const resultsDirectory = join(benchDirectory, 'results')
const sessionUserAgent = 'trellis-bench learner-record'
const cookieName = sessionCookieSettings('production').name
const requestHeaders = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9',
  'user-agent': 'trellis-bench/1 (autocannon)',
}

interface SignedIn {
  readonly learnerId: string
  readonly fullName: string
  /** The university of the learner's current enrolment, whose programme lead looks at their record. */
  readonly universityId: string
  readonly learnerCookie: string
}

interface Page {
  readonly name: string
  /** The route, as the report shows it. */
  readonly route: string
  request(person: SignedIn, leadCookies: ReadonlyMap<string, string>): { path: string; cookie: string }
}

const pages: readonly Page[] = [
  {
    name: 'learner page',
    route: 'GET /learning',
    request: (person) => ({ path: '/learning', cookie: person.learnerCookie }),
  },
  {
    name: 'staff record page',
    route: 'GET /universities/{id}/learners/{learnerId}',
    request: (person, leads) => ({
      path: `/universities/${person.universityId}/learners/${person.learnerId}`,
      cookie: leads.get(person.universityId)!,
    }),
  },
]

export async function benchmarkLearnerRecord(settings: LearnerRecordSettings): Promise<LearnerRecordReport> {
  const prepared = {
    small: await ensureLearnerDatabase({
      serverUrl: settings.serverUrl,
      name: benchDatabaseName(settings.databaseBase, settings.learners.small),
      learners: settings.learners.small,
      reload: settings.reload,
      contentDirectory: settings.contentDirectory,
    }),
    large: await ensureLearnerDatabase({
      serverUrl: settings.serverUrl,
      name: benchDatabaseName(settings.databaseBase, settings.learners.large),
      learners: settings.learners.large,
      reload: settings.reload,
      contentDirectory: settings.contentDirectory,
    }),
  }

  console.log(`\nExplaining the queries behind both pages on ${prepared.large.name}:`)
  const explain = await explainPages(prepared.large.url, settings.contentDirectory)
  for (const query of explain) console.log(describeExplained(query))
  const indexesUsed = explain.every((query) => query.seqScans.length === 0)
  console.log(
    indexesUsed
      ? `Every query reads ${growingTables.join(', ')} through an index.`
      : `SEQUENTIAL SCANS: ${[...new Set(explain.flatMap((query) => query.seqScans))].join(', ')}.`,
  )

  // Measurements by dataset, page and connections, over the rounds.
  const runs = new Map<string, PageMeasurement[]>()
  const key = (size: string, page: Page, connections: number) => `${size} ${page.name} ${connections}`
  const bodyBytes = new Map<string, number>()
  for (let roundNumber = 1; roundNumber <= settings.rounds; roundNumber++) {
    // Alternate which goes first, so that drift in the machine favours neither.
    const order = roundNumber % 2 === 1 ? (['small', 'large'] as const) : (['large', 'small'] as const)
    for (const size of order) {
      const { url, name } = prepared[size]
      const sessions = await signIn(url, settings.sample)
      const server = await startServer({
        script: join(benchDirectory, 'serve-trellis.ts'),
        args: [
          '--content',
          settings.contentDirectory,
          '--data',
          join(settings.scratch, `learner-${size}-${roundNumber}`),
          '--database-url',
          url,
        ],
        cwd: repoRoot,
        nodeFlags: [],
        cpu: settings.serverCpu,
        stdoutPath:
          settings.log === 'file'
            ? join(settings.scratch, `learner-${size}-${roundNumber}.log`)
            : '/dev/null',
        env: { ...process.env, NODE_ENV: 'production' },
      })
      try {
        for (const [page, connections] of pages.flatMap((page) =>
          settings.connections.map((connections) => [page, connections] as const),
        )) {
          bodyBytes.set(`${size} ${page.name}`, await checkPage(server, page, sessions))
          process.stdout.write(`round ${roundNumber}: ${name} ${page.route}, ${connections} connection(s) … `)
          const profileFile =
            settings.profileDirectory === undefined
              ? undefined
              : join(
                  settings.profileDirectory,
                  `learner-${size}-${page.name.replace(/\W+/g, '-')}-c${connections}-round${roundNumber}.cpuprofile`,
                )
          const measurement = await measurePage(server, page, sessions, {
            settings,
            connections,
            seed: roundNumber,
            profileFile,
          })
          const measured = runs.get(key(size, page, connections)) ?? []
          measured.push(measurement)
          runs.set(key(size, page, connections), measured)
          console.log(
            `${Math.round(measurement.requestsPerSecond)} req/s, p50 ${measurement.latencyMs.p50} ms, ` +
              `p95 ${measurement.latencyMs.p95} ms, p99 ${measurement.latencyMs.p99} ms; CPU: server ` +
              `${measurement.serverCpuPercent ?? '?'}%, PostgreSQL ${measurement.databaseCpuPercent ?? '?'}%, ` +
              `load generator ${measurement.clientCpuPercent}%, whole machine ${measurement.machineCpuPercent ?? '?'}% ` +
              `(${measurement.machineBusyBeforePercent ?? '?'}% before the warm-up)` +
              (measurement.failures.length > 0 ? `  FAILED: ${measurement.failures.join('; ')}` : ''),
          )
        }
      } finally {
        await server.stop()
        await signOut(url)
      }
    }
  }

  const dataset = (size: 'small' | 'large'): DatasetReport => ({
    database: prepared[size].name,
    marker: prepared[size].marker,
    loadedNow: prepared[size].loadedNow,
    pages: pages.flatMap((page) =>
      settings.connections.map((connections) =>
        summarisePage(
          page,
          connections,
          bodyBytes.get(`${size} ${page.name}`)!,
          runs.get(key(size, page, connections))!,
        ),
      ),
    ),
  })
  const small = dataset('small')
  const large = dataset('large')
  const verdicts = small.pages.map((smallPage, index) => {
    const smallP95Ms = smallPage.latencyMs.p95
    const largeP95Ms = large.pages[index]!.latencyMs.p95
    const growth = round(largeP95Ms / smallP95Ms, 2)
    return {
      page: smallPage.page,
      connections: smallPage.connections,
      judged: smallPage.connections === settings.connections[0],
      smallP95Ms,
      largeP95Ms,
      growth,
      p95BudgetMet: largeP95Ms <= learnerRecordBudgets.maxP95Ms,
      growthBudgetMet: growth <= learnerRecordBudgets.maxGrowth,
    }
  })
  const failures = [small, large].flatMap((report) =>
    report.pages.flatMap((page) =>
      page.rounds.flatMap((run) =>
        run.failures.map((failure) => `${report.database} ${page.path}: ${failure}`),
      ),
    ),
  )
  const report: LearnerRecordReport = {
    date: new Date().toISOString(),
    settings: {
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      rounds: settings.rounds,
      sample: settings.sample,
      pinning:
        settings.serverCpu === undefined
          ? 'none'
          : `app on CPU ${settings.serverCpu}; PostgreSQL not pinned (its server is shared)`,
    },
    budgets: learnerRecordBudgets,
    small,
    large,
    verdicts,
    explain,
    indexesUsed,
    disturbed: [small, large].some((report) =>
      report.pages.some((page) => (page.otherCpuPercent ?? 0) > learnerDisturbedPercent),
    ),
    failures,
    budgetMet:
      failures.length === 0 &&
      indexesUsed &&
      verdicts.every((verdict) => !verdict.judged || (verdict.p95BudgetMet && verdict.growthBudgetMet)),
  }
  await mkdir(resultsDirectory, { recursive: true })
  await writeFile(join(resultsDirectory, 'learner-record.json'), `${JSON.stringify(report, null, 2)}\n`)
  return report
}

// Sessions ----------------------------------------------------------------------------------------------------

/**
 * Signs in `count` learners spread evenly over the dataset, and each university's programme lead, with the
 * app's session service (as signing in does, without the password check). Returns their cookies.
 */
async function signIn(
  url: string,
  count: number,
): Promise<{ readonly people: readonly SignedIn[]; readonly leads: ReadonlyMap<string, string> }> {
  const database = await openPostgresDatabase({ connectionString: url, maxConnections: 2 })
  try {
    await database.query('DELETE FROM sessions WHERE user_agent = $1', [sessionUserAgent])
    const services = composeServices(database, benchServiceSettings)
    const [size] = await database.query<{ learners: number }>('SELECT learners FROM bench_learner_dataset')
    const learners = size!.learners
    const sample = Math.min(count, learners)
    // Learner i, where i runs evenly over 1…learners; their current enrolment is named as the loader names it.
    const rows = await database.query<{ id: string; full_name: string; university_id: string }>(
      `SELECT u.id, u.full_name, e.university_id
       FROM generate_series(1, $1::int) AS k
       CROSS JOIN LATERAL (SELECT 1 + ((k - 1) * $2::bigint) / $1 AS i) n
       JOIN users u ON u.id = ${learnerIdSql('n.i')}
       JOIN enrolments e ON e.id = ${currentEnrolmentIdSql('n.i')}
       ORDER BY k`,
      [sample, learners],
    )
    const leads = await database.query<{ id: string; organisation_id: string }>(
      `SELECT m.user_id AS id, m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE u.email LIKE 'synthetic-lead-%' AND 'programme-lead' = ANY (m.roles) ORDER BY m.organisation_id`,
    )
    const context = { userAgent: sessionUserAgent, ip: '127.0.0.1' }
    return await database.transaction(async (tx) => {
      const people: SignedIn[] = []
      for (const row of rows) {
        const { token } = await services.sessions.start(tx, row.id, 'password', context)
        people.push({
          learnerId: row.id,
          fullName: row.full_name,
          universityId: row.university_id,
          learnerCookie: `${cookieName}=${token}`,
        })
      }
      const leadCookies = new Map<string, string>()
      for (const lead of leads) {
        const { token } = await services.sessions.start(tx, lead.id, 'password', context)
        leadCookies.set(lead.organisation_id, `${cookieName}=${token}`)
      }
      if (people.some((person) => !leadCookies.has(person.universityId)))
        throw new Error('a university of the sample has no synthetic programme lead')
      return { people, leads: leadCookies }
    })
  } finally {
    await database.close()
  }
}

async function signOut(url: string): Promise<void> {
  const database = await openPostgresDatabase({ connectionString: url, maxConnections: 1 })
  try {
    await database.query('DELETE FROM sessions WHERE user_agent = $1', [sessionUserAgent])
  } finally {
    await database.close()
  }
}

// Measuring ---------------------------------------------------------------------------------------------------

/** The page answers 200 with the learner's name on it (a wrong session would redirect to sign-in). */
async function checkPage(
  server: ServerProcess,
  page: Page,
  sessions: Awaited<ReturnType<typeof signIn>>,
): Promise<number> {
  const person = sessions.people[0]!
  const { path, cookie } = page.request(person, sessions.leads)
  const response = await fetchOnce(server.origin, path, { ...requestHeaders, cookie })
  if (response.statusCode !== 200 || !response.body.toString('utf8').includes(person.fullName)) {
    throw new Error(
      `${page.route} answered ${response.statusCode} without ${person.fullName}: ` +
        response.body.toString('utf8').slice(0, 500),
    )
  }
  return response.body.length
}

async function measurePage(
  server: ServerProcess,
  page: Page,
  sessions: Awaited<ReturnType<typeof signIn>>,
  options: {
    readonly settings: LearnerRecordSettings
    readonly connections: number
    /** Varies the learners asked for from round to round. */
    readonly seed: number
    /** Where to write a CPU profile of the app during the measured window, if wanted. */
    readonly profileFile: string | undefined
  },
): Promise<PageMeasurement> {
  const { settings, connections, profileFile } = options
  const random = seededRandom(20_241_104 + options.seed)
  const people = sessions.people
  // A different learner each request, chosen at random from the sample.
  const requests: RequestOptions[] = [
    {
      method: 'GET',
      setupRequest: (request) => {
        const { path, cookie } = page.request(people[Math.floor(random() * people.length)]!, sessions.leads)
        return { ...request, path, headers: { ...requestHeaders, cookie } }
      },
    },
  ]
  const load = { url: server.origin, connections, requests }
  const machineBusyBeforePercent =
    settings.idleWaitSeconds > 0 ? await waitForIdle(settings.idleWaitSeconds, quietPercent) : undefined
  const failures: string[] = []
  if (settings.warmupSeconds > 0) {
    const warmup = await autocannon({ ...load, duration: settings.warmupSeconds })
    failures.push(...problemsOf(warmup).map((problem) => `warm-up: ${problem}`))
  }

  const latencies: number[] = []
  if (profileFile !== undefined) await server.profile({ type: 'profile-start' })
  const machineBefore = machineBusySeconds()
  const serverBefore = server.cpuSeconds()
  const databaseBefore = postgresCpuSeconds()
  const clientBefore = process.cpuUsage()
  const startedAt = process.hrtime.bigint()
  const instance = autocannon({ ...load, duration: settings.durationSeconds })
  instance.on('response', (_client, statusCode, _bytes, milliseconds) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds)
  })
  const result = await instance
  const elapsedSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9
  const serverAfter = server.cpuSeconds()
  const databaseAfter = postgresCpuSeconds()
  const machineAfter = machineBusySeconds()
  const client = process.cpuUsage(clientBefore)
  if (profileFile !== undefined) await server.profile({ type: 'profile-stop', file: profileFile })
  failures.push(...problemsOf(result))

  const percent = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined
      ? undefined
      : round((100 * (after - before)) / elapsedSeconds, 1)
  const sorted = Float64Array.from(latencies).sort()
  return {
    requestsPerSecond: result.requests.average,
    totalRequests: result.latency.totalCount,
    latencyMs: {
      mean: round(latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length), 2),
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: round(sorted.at(-1) ?? 0, 2),
    },
    serverCpuPercent: percent(serverBefore, serverAfter),
    databaseCpuPercent:
      databaseBefore === undefined || databaseAfter === undefined
        ? undefined
        : round((100 * cpuSecondsBetween(databaseBefore, databaseAfter)) / elapsedSeconds, 1),
    clientCpuPercent: round((client.user + client.system) / 1e4 / elapsedSeconds, 1),
    machineCpuPercent: percent(machineBefore, machineAfter),
    machineBusyBeforePercent,
    failures,
  }
}

/** Nearest rank, in milliseconds to two decimals. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!, 2)
}

/**
 * CPU seconds used so far by each process named postgres (the server's backends and helpers), by process id, on
 * Linux. Summing them into one figure would go wrong when a backend exits during the window (the pool closes
 * idle connections): its seconds would leave the sum and the difference could even be negative.
 */
function postgresCpuSeconds(): ReadonlyMap<string, number> | undefined {
  try {
    const seconds = new Map<string, number>()
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      let stat: string
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      } catch {
        continue // gone meanwhile
      }
      const open = stat.indexOf('(')
      const close = stat.lastIndexOf(')')
      if (stat.slice(open + 1, close) !== 'postgres') continue
      const fields = stat.slice(close + 2).split(' ')
      seconds.set(entry, (Number(fields[11]) + Number(fields[12])) / 100)
    }
    return seconds
  } catch {
    return undefined
  }
}

/**
 * CPU seconds the postgres processes used between two readings: what each process alive at the end used since the
 * first reading (all of it, for one started meanwhile). A backend that exited meanwhile is not counted, so this is
 * at least what PostgreSQL used, never less than zero.
 */
export function cpuSecondsBetween(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): number {
  let total = 0
  for (const [pid, seconds] of after) total += Math.max(0, seconds - (before.get(pid) ?? 0))
  return total
}

function summarisePage(
  page: Page,
  connections: number,
  bodyBytes: number,
  runs: readonly PageMeasurement[],
): PageSummary {
  const defined = (values: (number | undefined)[]) =>
    values.every((value) => value !== undefined) ? round(median(values as number[]), 1) : undefined
  return {
    page: page.name,
    path: page.route,
    connections,
    bodyBytes,
    requestsPerSecond: round(median(runs.map((run) => run.requestsPerSecond)), 1),
    latencyMs: {
      mean: round(median(runs.map((run) => run.latencyMs.mean)), 2),
      p50: round(median(runs.map((run) => run.latencyMs.p50)), 2),
      p95: round(median(runs.map((run) => run.latencyMs.p95)), 2),
      p99: round(median(runs.map((run) => run.latencyMs.p99)), 2),
      max: Math.max(...runs.map((run) => run.latencyMs.max)),
    },
    serverCpuPercent: defined(runs.map((run) => run.serverCpuPercent)),
    databaseCpuPercent: defined(runs.map((run) => run.databaseCpuPercent)),
    otherCpuPercent: runs.every(
      (run) =>
        run.machineCpuPercent !== undefined &&
        run.serverCpuPercent !== undefined &&
        run.databaseCpuPercent !== undefined,
    )
      ? round(
          Math.max(
            0,
            ...runs.map(
              (run) =>
                run.machineCpuPercent! -
                run.serverCpuPercent! -
                run.databaseCpuPercent! -
                run.clientCpuPercent,
            ),
          ),
          1,
        )
      : undefined,
    rounds: runs,
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** mulberry32, as bench/engine-records.ts: the same learners in the same order on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

// Explaining --------------------------------------------------------------------------------------------------

/** A database that notes every query made outside a transaction while `recording` is set. */
function recordingDatabase(inner: Database): {
  readonly database: Database
  readonly recorded: { text: string; params: readonly unknown[] }[]
  recording: boolean
} {
  const state = {
    recorded: [] as { text: string; params: readonly unknown[] }[],
    recording: false,
    database: undefined as unknown as Database,
  }
  state.database = {
    engine: inner.engine,
    query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      if (state.recording) state.recorded.push({ text, params })
      return inner.query<R>(text, params)
    },
    transaction: <T>(work: (tx: Sql) => Promise<T>) => inner.transaction(work),
    execute: (script: string, tx?: Sql) => inner.execute(script, tx),
    close: () => inner.close(),
  }
  return state
}

/**
 * The app answers both pages in-process (buildApp, production settings, `inject`) for a learner who has
 * transferred and claimed prior learning; every SELECT it ran is then explained with ANALYZE and BUFFERS.
 */
export async function explainPages(url: string, contentDirectory: string): Promise<ExplainedQuery[]> {
  const inner = await openPostgresDatabase({ connectionString: url, maxConnections: 4 })
  const recorder = recordingDatabase(inner)
  let services: Services | undefined
  try {
    services = await prepareSchema(recorder.database, contentDirectory)
    const app = await buildApp({
      config: { environment: 'production', logLevel: 'silent', publicUrl: 'http://127.0.0.1' },
      database: recorder.database,
      services,
      sessionSecret: 'trellis-bench-explain-secret-of-32-characters',
    })
    try {
      // A record with everything the page can show: two universities, results at both, a claim with evidence.
      const [learner] = await inner.query<{ id: string; university_id: string }>(
        `SELECT e.learner_id AS id, e.university_id FROM enrolments e
         WHERE e.transferred_from IS NOT NULL
           AND EXISTS (SELECT 1 FROM prior_learning_claims c WHERE c.learner_id = e.learner_id)
         ORDER BY e.learner_id LIMIT 1`,
      )
      const [lead] = await inner.query<{ id: string }>(
        `SELECT m.user_id AS id FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organisation_id = $1 AND 'programme-lead' = ANY (m.roles) AND u.email LIKE 'synthetic-lead-%'`,
        [learner!.university_id],
      )
      const context = { userAgent: sessionUserAgent, ip: '127.0.0.1' }
      const tokens = await inner.transaction(async (tx) => ({
        learner: (await services!.sessions.start(tx, learner!.id, 'password', context)).token,
        lead: (await services!.sessions.start(tx, lead!.id, 'password', context)).token,
      }))
      const byText = new Map<string, { params: readonly unknown[]; pages: Set<string> }>()
      const visits = [
        { page: 'GET /learning', url: '/learning', token: tokens.learner },
        {
          page: 'staff record page',
          url: `/universities/${learner!.university_id}/learners/${learner!.id}`,
          token: tokens.lead,
        },
      ]
      for (const visit of visits) {
        recorder.recorded.length = 0
        recorder.recording = true
        const response = await app.inject({
          method: 'GET',
          url: visit.url,
          headers: { ...requestHeaders, cookie: `${cookieName}=${visit.token}` },
        })
        recorder.recording = false
        if (response.statusCode !== 200) throw new Error(`${visit.url} answered ${response.statusCode}`)
        for (const { text, params } of recorder.recorded) {
          const entry = byText.get(text) ?? { params, pages: new Set<string>() }
          entry.pages.add(visit.page)
          byText.set(text, entry)
        }
      }
      const explained: ExplainedQuery[] = []
      for (const [text, { params, pages: usedBy }] of byText) {
        // Only reads: EXPLAIN ANALYZE runs the statement (an UPDATE of last_seen_at would change the row).
        if (!/^\s*(SELECT|WITH)\b/i.test(text)) continue
        const [json] = await inner.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
          params,
        )
        const plan = (
          typeof json!['QUERY PLAN'] === 'string' ? JSON.parse(json!['QUERY PLAN']) : json!['QUERY PLAN']
        ) as [{ Plan: PlanNode; 'Execution Time': number }]
        const textPlan = await inner.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
          params,
        )
        const nodes = flatten(plan[0].Plan)
        explained.push({
          pages: [...usedBy],
          sql: text.replace(/\s+/g, ' ').trim(),
          plan: textPlan.map((row) => row['QUERY PLAN']).join('\n'),
          executionMs: round(plan[0]['Execution Time'], 3),
          seqScans: [
            ...new Set(
              nodes
                .filter((node) => node['Node Type'] === 'Seq Scan')
                .map((node) => node['Relation Name']!)
                .filter((table) => (growingTables as readonly string[]).includes(table)),
            ),
          ],
          indexes: [
            ...new Set(
              nodes.flatMap((node) => (node['Index Name'] === undefined ? [] : [node['Index Name']])),
            ),
          ],
        })
      }
      await inner.query('DELETE FROM sessions WHERE user_agent = $1', [sessionUserAgent])
      return explained
    } finally {
      await app.close()
    }
  } finally {
    await services?.mailer.close()
    await inner.close()
  }
}

interface PlanNode {
  readonly 'Node Type': string
  readonly 'Relation Name'?: string
  readonly 'Index Name'?: string
  readonly Plans?: readonly PlanNode[]
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)]
}

function describeExplained(query: ExplainedQuery): string {
  const sql = query.sql.length > 160 ? `${query.sql.slice(0, 157)}…` : query.sql
  return [
    `\n-- ${query.pages.join(', ')}: ${query.executionMs} ms; ` +
      (query.indexes.length > 0 ? `indexes ${query.indexes.join(', ')}` : 'no index') +
      (query.seqScans.length > 0 ? `; SEQ SCAN of ${query.seqScans.join(', ')}` : ''),
    `-- ${sql}`,
    query.plan,
  ].join('\n')
}

// Reporting ---------------------------------------------------------------------------------------------------

/** The figures as Markdown, for the terminal, bench/results/latest.md and bench/README.md. */
export function formatLearnerRecordReport(report: LearnerRecordReport): string {
  const figure = (value: number) => value.toLocaleString('en-GB')
  const rows = [report.small, report.large].flatMap((dataset) =>
    dataset.pages.map(
      (page) =>
        `| ${page.page} | ${figure(dataset.marker.learners)} / ${figure(dataset.marker.moduleResults)} | ` +
        `${page.connections} | ${figure(Math.round(page.requestsPerSecond))} | ${page.latencyMs.p50} | ` +
        `${page.latencyMs.p95} | ${page.latencyMs.p99} | ${page.latencyMs.max} | ${page.serverCpuPercent ?? '–'}% | ` +
        `${page.databaseCpuPercent ?? '–'}% | ${page.otherCpuPercent ?? '–'}% |`,
    ),
  )
  const verdict = (met: boolean, judged: boolean) => (met ? 'met' : judged ? 'MISSED' : 'over (not judged)')
  const verdicts = report.verdicts.map(
    (row) =>
      `| ${row.page} | ${row.connections}${row.judged ? ' (judged)' : ''} | ${row.smallP95Ms} ms | ` +
      `${row.largeP95Ms} ms | ${verdict(row.p95BudgetMet, row.judged)} | ×${row.growth} | ` +
      `${verdict(row.growthBudgetMet, row.judged)} |`,
  )
  const { settings } = report
  return [
    `Learner record pages on PostgreSQL, run of ${report.date.slice(0, 16).replace('T', ' ')} UTC: ` +
      `${settings.connections.join(' and ')} connection(s), ${settings.warmupSeconds} s warm-up, ` +
      `${settings.durationSeconds} s measured, ${settings.rounds} round(s) (medians), a random one of ` +
      `${figure(settings.sample)} signed-in learners each request; ${settings.pinning}.`,
    '',
    '| page | learners / module results | connections | req/s | p50 ms | p95 ms | p99 ms | max ms | app CPU | PostgreSQL CPU | other CPU |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `| page | connections | p95, ×10 smaller | p95, national size | budget ≤ ${report.budgets.maxP95Ms} ms | growth | budget ≤ ×${report.budgets.maxGrowth} |`,
    '| --- | --- | ---: | ---: | --- | ---: | --- |',
    ...verdicts,
    '',
    `Queries behind the pages: ${report.explain.length}; ` +
      (report.indexesUsed
        ? `none scans ${growingTables.join(', ')} sequentially.`
        : `SEQUENTIAL SCANS of ${[...new Set(report.explain.flatMap((query) => query.seqScans))].join(', ')}.`),
    ...(report.disturbed
      ? [
          '',
          `Other work took more than ${learnerDisturbedPercent}% of a core during a measurement: not reliable.`,
        ]
      : []),
    '',
  ].join('\n')
}
