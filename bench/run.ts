/**
 * `npm run bench`: throughput and latency of Trellis against a bare node:http server sending the same bytes,
 * in one run on the same machine (see bench/README.md and the Performance budgets in ARCHITECTURE.md).
 *
 *   npm run bench                                 3 s warm-up, 10 s measured, 32 connections, 1 round
 *   npm run bench -- --warmup 1 --duration 3      a quick run
 *   npm run bench -- --rounds 3                   medians of 3 rounds (servers alternate order each round)
 *   npm run bench -- --cpu-prof                   also profile each server during each measured window
 *   npm run bench -- --engine-only                the credit-rules benchmark alone (bench/engine.ts)
 *   npm run bench -- --learner-only               the learner-record benchmark alone (bench/learner-record.ts)
 *   npm run bench -- --match-only                 the matching benchmark alone (bench/match.ts)
 *
 * First it measures the credit rules: learner records evaluated per second, in a child process pinned to the
 * server's CPU (bench/engine.ts; --skip-engine leaves it out, --engine-seconds sets how long). Then the matching
 * engine: a national round matched, in a child process pinned the same way (bench/match.ts; --skip-match leaves
 * it out, --match-passes sets how many passes are timed).
 *
 * Then, when it can reach a PostgreSQL server (--database-url or BENCH_DATABASE_URL; by default
 * postgres://postgres@127.0.0.1:5432/), the learner record pages with 10,000 and with 100,000 learners loaded
 * into databases of its own, trellis_bench_10k and trellis_bench_100k (bench/learner-record.ts; loaded once and
 * reused while they hold the same dataset, --reload to load them again; --skip-learner leaves it out).
 *
 * Every flag has an environment fallback: BENCH_WARMUP, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_ROUNDS,
 * BENCH_SERVER_CPU, BENCH_CLIENT_CPU, BENCH_LOG (file | null), BENCH_IDLE_WAIT, BENCH_CPU_PROF=1, BENCH_KEEP=1.
 *
 * Before each measurement it waits (up to --idle-wait seconds, 60 by default) for the machine to be quiet,
 * and it reports how busy the whole machine was, so that a run disturbed by other work is visible.
 *
 * Writes bench/results/latest.json and bench/results/latest.md. Exits 1 when the run is not valid (any
 * non-2xx response, error or timeout), and, with --enforce, when a budget is missed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startServer, type ServerProcess } from './children.ts'
import type { EngineReport } from './engine.ts'
import { describeMatchReport, type MatchReport } from './match.ts'
import { defaultDatabaseBase, defaultServerUrl, learnersAtScale, withDatabase } from './learner-data.ts'
import {
  benchmarkLearnerRecord,
  formatLearnerRecordReport,
  type LearnerRecordReport,
} from './learner-record.ts'
import { measure, type LoadSettings, type Measurement } from './load.ts'
import { fetchOnce, type Recording } from './recording.ts'
import { openPostgresDatabase } from '../src/platform/database/postgres-database.ts'
import {
  budgets,
  disturbedPercent,
  formatMarkdown,
  formatTable,
  summarise,
  type Report,
  type TargetReport,
} from './report.ts'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const benchDirectory = join(repoRoot, 'bench')
const resultsDirectory = join(benchDirectory, 'results')

interface Target {
  readonly name: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

/** The same request, with the same headers, goes to both servers. */
const targets: readonly Target[] = [
  {
    name: 'profession page (HTML)',
    path: '/professions/nurse',
    headers: {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'en-GB,en;q=0.9',
      'user-agent': 'trellis-bench/1 (autocannon)',
    },
  },
  {
    name: 'schemes API (JSON)',
    path: '/api/v1/schemes?profession=nurse&stage=doctoral',
    headers: { accept: 'application/json', 'user-agent': 'trellis-bench/1 (autocannon)' },
  },
]

type ServerName = 'trellis' | 'bare'

interface Settings extends LoadSettings {
  readonly rounds: number
  readonly serverCpu: number | undefined
  readonly clientCpu: number | undefined
  readonly log: 'file' | 'null'
  readonly idleWaitSeconds: number
  readonly cpuProf: boolean
  readonly keep: boolean
  readonly enforce: boolean
  readonly engine: 'also' | 'only' | 'skip'
  readonly engineSeconds: number
  readonly learner: 'also' | 'only' | 'skip'
  readonly match: 'also' | 'only' | 'skip'
  readonly matchPasses: number
  /** The PostgreSQL server, and whether it was named (an unnamed default that cannot be reached is skipped). */
  readonly databaseUrl: string
  readonly databaseUrlGiven: boolean
  readonly databaseName: string
  readonly reload: boolean
  /** Connections for the learner-record pages, one measurement each; the budget is judged at the first. */
  readonly learnerConnections: readonly number[]
  readonly learnerSample: number
  /** Learners in the large dataset ÷ 100,000 (the small one has a tenth as many). */
  readonly learnerScale: number
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      warmup: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      'server-cpu': { type: 'string' },
      'client-cpu': { type: 'string' },
      log: { type: 'string' },
      'idle-wait': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      keep: { type: 'boolean' },
      enforce: { type: 'boolean' },
      'engine-only': { type: 'boolean' },
      'skip-engine': { type: 'boolean' },
      'engine-seconds': { type: 'string' },
      'learner-only': { type: 'boolean' },
      'match-only': { type: 'boolean' },
      'skip-match': { type: 'boolean' },
      'match-passes': { type: 'string' },
      'skip-learner': { type: 'boolean' },
      'database-url': { type: 'string' },
      'database-name': { type: 'string' },
      reload: { type: 'boolean' },
      'learner-connections': { type: 'string' },
      'learner-sample': { type: 'string' },
      'learner-scale': { type: 'string' },
    },
  })
  const env = process.env
  const number = (name: string, value: string | undefined, fallback: number, min: number) => {
    const parsed = value === undefined || value === '' ? fallback : Number(value)
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${name} must be a number ≥ ${min}`)
    return parsed
  }
  // Pinning: the server on the last CPU, the load generator on the first, when there are two or more and
  // taskset exists. "none" turns pinning off.
  const cpus = os.availableParallelism()
  const canPin = process.platform === 'linux' && cpus >= 2 && hasTaskset()
  const cpu = (name: string, value: string | undefined, fallback: number) => {
    if (value === 'none' || !canPin) return undefined
    return number(name, value, fallback, 0)
  }
  const log = values.log ?? env.BENCH_LOG ?? 'file'
  if (log !== 'file' && log !== 'null') throw new Error('--log must be "file" or "null"')
  return {
    warmupSeconds: number('--warmup', values.warmup ?? env.BENCH_WARMUP, 3, 0),
    durationSeconds: number('--duration', values.duration ?? env.BENCH_DURATION, 10, 1),
    connections: number('--connections', values.connections ?? env.BENCH_CONNECTIONS, 32, 1),
    rounds: number('--rounds', values.rounds ?? env.BENCH_ROUNDS, 1, 1),
    serverCpu: cpu('--server-cpu', values['server-cpu'] ?? env.BENCH_SERVER_CPU, cpus - 1),
    clientCpu: cpu('--client-cpu', values['client-cpu'] ?? env.BENCH_CLIENT_CPU, 0),
    log,
    idleWaitSeconds: number('--idle-wait', values['idle-wait'] ?? env.BENCH_IDLE_WAIT, 60, 0),
    cpuProf: values['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
    keep: values.keep ?? env.BENCH_KEEP === '1',
    enforce: values.enforce ?? false,
    engine: values['engine-only'] === true ? 'only' : values['skip-engine'] === true ? 'skip' : 'also',
    engineSeconds: number('--engine-seconds', values['engine-seconds'] ?? env.BENCH_ENGINE_SECONDS, 5, 1),
    learner: values['learner-only'] === true ? 'only' : values['skip-learner'] === true ? 'skip' : 'also',
    match: values['match-only'] === true ? 'only' : values['skip-match'] === true ? 'skip' : 'also',
    matchPasses: number('--match-passes', values['match-passes'] ?? env.BENCH_MATCH_PASSES, 15, 1),
    databaseUrl: values['database-url'] ?? env.BENCH_DATABASE_URL ?? defaultServerUrl,
    databaseUrlGiven: (values['database-url'] ?? env.BENCH_DATABASE_URL) !== undefined,
    databaseName: values['database-name'] ?? env.BENCH_DATABASE_NAME ?? defaultDatabaseBase,
    reload: values.reload ?? false,
    learnerConnections: (values['learner-connections'] ?? env.BENCH_LEARNER_CONNECTIONS ?? '1,8')
      .split(',')
      .map((value) => number('--learner-connections', value.trim(), 1, 1)),
    learnerSample: number('--learner-sample', values['learner-sample'] ?? env.BENCH_LEARNER_SAMPLE, 5000, 1),
    learnerScale: number('--learner-scale', values['learner-scale'] ?? env.BENCH_LEARNER_SCALE, 1, 0.0001),
  }
}

/**
 * The credit-rules benchmark in a child process of its own, pinned to the server's CPU: one core, as the
 * budget says. Returns its report (bench/results/engine.json).
 */
async function benchmarkEngine(settings: Settings): Promise<EngineReport> {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    join(benchDirectory, 'engine.ts'),
    '--seconds',
    String(settings.engineSeconds),
    '--pinned-cpu',
    settings.serverCpu === undefined ? 'none' : String(settings.serverCpu),
    '--idle-wait',
    String(settings.idleWaitSeconds),
  ]
  const [command, ...args] =
    settings.serverCpu === undefined ? node : ['taskset', '-c', String(settings.serverCpu), ...node]
  const result = spawnSync(command!, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) throw new Error(`bench/engine.ts failed (exit code ${result.status})`)
  return JSON.parse(await readFile(join(resultsDirectory, 'engine.json'), 'utf8')) as EngineReport
}

/**
 * The matching benchmark in a child process of its own, pinned to the server's CPU as the credit rules are.
 * Returns its report (bench/results/match.json).
 */
async function benchmarkMatch(settings: Settings): Promise<MatchReport> {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    join(benchDirectory, 'match.ts'),
    '--passes',
    String(settings.matchPasses),
    '--pinned-cpu',
    settings.serverCpu === undefined ? 'none' : String(settings.serverCpu),
    '--idle-wait',
    String(settings.idleWaitSeconds),
  ]
  const [command, ...args] =
    settings.serverCpu === undefined ? node : ['taskset', '-c', String(settings.serverCpu), ...node]
  const result = spawnSync(command!, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) throw new Error(`bench/match.ts failed (exit code ${result.status})`)
  return JSON.parse(await readFile(join(resultsDirectory, 'match.json'), 'utf8')) as MatchReport
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function machine(settings: Settings): Report['machine'] {
  const cpus = os.cpus()
  const require = createRequire(import.meta.url)
  const autocannonVersion = (require('autocannon/package.json') as { version: string }).version
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    cpuSpeedMHz: cpus[0]?.speed ?? 0,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    autocannon: autocannonVersion,
    pinning:
      settings.serverCpu === undefined
        ? 'none'
        : `server on CPU ${settings.serverCpu}, load generator on CPU ${settings.clientCpu}`,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  }
}

async function main(): Promise<void> {
  const settings = readSettings()
  if (settings.clientCpu !== undefined) {
    // -a: every thread of this process (autocannon's, tsx's loader), now and later.
    execFileSync('taskset', ['-a', '-p', '-c', String(settings.clientCpu), String(process.pid)], {
      stdio: 'ignore',
    })
  }
  let engine: EngineReport | undefined
  if (settings.engine !== 'skip' && settings.learner !== 'only' && settings.match !== 'only') {
    await mkdir(resultsDirectory, { recursive: true })
    engine = await benchmarkEngine(settings)
    if (settings.enforce && !engine.budgetMet) process.exitCode = 1
    if (settings.engine === 'only') return
  }
  let match: MatchReport | undefined
  if (settings.match !== 'skip' && settings.learner !== 'only') {
    await mkdir(resultsDirectory, { recursive: true })
    match = await benchmarkMatch(settings)
    if (settings.enforce && !match.budgetMet) process.exitCode = 1
    if (settings.match === 'only') return
  }
  const scratch = await mkdtemp(join(os.tmpdir(), 'trellis-bench-'))
  try {
    const learner = settings.learner === 'skip' ? undefined : await benchmarkLearner(settings, scratch)
    if (settings.learner !== 'only') await benchmark(settings, scratch, engine, learner, match)
  } finally {
    // Scratch (databases, logs, recordings) goes even when the run fails part-way.
    if (settings.keep) console.log(`Kept scratch files in ${scratch}`)
    else await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * The learner-record benchmark on the PostgreSQL server, when one is reachable (or was named: then it must
 * be). Prints its figures, and sets the exit code when the run is not valid or, with --enforce, a budget is
 * missed.
 */
async function benchmarkLearner(
  settings: Settings,
  scratch: string,
): Promise<LearnerRecordReport | undefined> {
  const reachable = await openPostgresDatabase({
    connectionString: withDatabase(settings.databaseUrl, 'postgres'),
    maxConnections: 1,
  }).then(
    (database) => database.close().then(() => true),
    (error: unknown) => {
      if (settings.databaseUrlGiven || settings.learner === 'only') throw error
      return false
    },
  )
  if (!reachable) {
    console.log(
      `No PostgreSQL server at ${settings.databaseUrl}: the learner-record benchmark is left out ` +
        '(give one with --database-url or BENCH_DATABASE_URL).',
    )
    return undefined
  }
  const large = learnersAtScale(settings.learnerScale)
  if (settings.cpuProf) await mkdir(join(resultsDirectory, 'profiles'), { recursive: true })
  const report = await benchmarkLearnerRecord({
    serverUrl: settings.databaseUrl,
    databaseBase: settings.databaseName,
    learners: { small: learnersAtScale(settings.learnerScale / 10), large },
    reload: settings.reload,
    sample: settings.learnerSample,
    connections: settings.learnerConnections,
    warmupSeconds: settings.warmupSeconds,
    durationSeconds: settings.durationSeconds,
    rounds: settings.rounds,
    serverCpu: settings.serverCpu,
    idleWaitSeconds: settings.idleWaitSeconds,
    log: settings.log,
    scratch,
    contentDirectory: join(repoRoot, 'content'),
    profileDirectory: settings.cpuProf ? join(resultsDirectory, 'profiles') : undefined,
  })
  console.log(
    `\n${formatLearnerRecordReport(report)}Results: ${join(resultsDirectory, 'learner-record.json')}\n`,
  )
  if (report.disturbed) {
    console.warn('Warning: other work disturbed a learner-record measurement; run again on a quiet machine.')
  }
  if (report.failures.length > 0) {
    console.error(
      `The learner-record run is not valid:\n${report.failures.map((failure) => `  - ${failure}`).join('\n')}`,
    )
    process.exitCode = 1
  } else if (settings.enforce && !report.budgetMet) {
    console.error('The learner-record budget was missed.')
    process.exitCode = 1
  }
  return report
}

async function benchmark(
  settings: Settings,
  scratch: string,
  engine: EngineReport | undefined,
  learner: LearnerRecordReport | undefined,
  match: MatchReport | undefined,
): Promise<void> {
  const profiles = join(resultsDirectory, 'profiles')
  await mkdir(resultsDirectory, { recursive: true })
  if (settings.cpuProf) await mkdir(profiles, { recursive: true })
  console.log(
    `Trellis bench: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ` +
      `${settings.durationSeconds} s measured, ${settings.rounds} round(s); scratch ${scratch}`,
  )

  const recordingsFile = join(scratch, 'recordings.json')
  const responses: TargetReport['response'][] = []
  const runs = new Map<string, { trellis: Measurement[]; bare: Measurement[] }>(
    targets.map((target) => [target.path, { trellis: [], bare: [] }]),
  )
  let trellisLogLines = 0

  const start = async (server: ServerName, round: number): Promise<ServerProcess> => {
    const env = { ...process.env, NODE_ENV: 'production' }
    const logFile = settings.log === 'file' ? join(scratch, `${server}-${round}.log`) : '/dev/null'
    if (server === 'trellis') {
      return startServer({
        script: join(benchDirectory, 'serve-trellis.ts'),
        args: ['--content', join(repoRoot, 'content'), '--data', join(scratch, `data-${round}`)],
        cwd: repoRoot,
        nodeFlags: [],
        cpu: settings.serverCpu,
        stdoutPath: logFile,
        env,
      })
    }
    return startServer({
      script: join(benchDirectory, 'serve-bare.ts'),
      args: [recordingsFile],
      cwd: repoRoot,
      nodeFlags: [],
      cpu: settings.serverCpu,
      stdoutPath: logFile,
      env,
    })
  }

  for (let round = 1; round <= settings.rounds; round++) {
    // Trellis goes first in round 1 (its responses are what the bare server replays); then the order
    // alternates so that any drift in the machine does not always favour the same server.
    const order: ServerName[] = round % 2 === 1 ? ['trellis', 'bare'] : ['bare', 'trellis']
    for (const name of order) {
      const server = await start(name, round)
      try {
        if (name === 'trellis' && round === 1) {
          const recordings = await recordTrellis(server, responses)
          await writeFile(recordingsFile, JSON.stringify(recordings))
        }
        if (name === 'bare' && round === 1) await checkBare(server, recordingsFile, responses)
        for (const target of targets) {
          process.stdout.write(`round ${round}: ${name.padEnd(7)} ${target.path} … `)
          const profileFile = settings.cpuProf
            ? join(profiles, `${name}-${slug(target.path)}-round${round}.cpuprofile`)
            : undefined
          const measurement = await measure(server, target.path, target.headers, settings, {
            profileFile,
            idleWaitSeconds: settings.idleWaitSeconds,
          })
          runs.get(target.path)![name].push(measurement)
          console.log(
            `${Math.round(measurement.requestsPerSecond)} req/s, p99 ${measurement.latency.p99} ms; CPU: ` +
              `server ${measurement.serverCpuPercent ?? '?'}%, load generator ${measurement.clientCpuPercent}%, ` +
              `whole machine ${measurement.machineCpuPercent ?? '?'}% ` +
              `(${measurement.machineBusyBeforePercent ?? '?'}% before the warm-up)` +
              (measurement.failures.length > 0 ? `  FAILED: ${measurement.failures.join('; ')}` : ''),
          )
        }
      } finally {
        await server.stop()
      }
      if (name === 'trellis' && settings.log === 'file') {
        trellisLogLines += countLines(await readFile(join(scratch, `trellis-${round}.log`), 'utf8'))
      }
    }
  }

  const report: Report = {
    date: new Date().toISOString(),
    machine: machine(settings),
    settings: {
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      rounds: settings.rounds,
      pipelining: 1,
      trellisLog:
        settings.log === 'file'
          ? `pino JSON lines at info to a file (${trellisLogLines} lines written)`
          : 'pino JSON lines at info to /dev/null',
      cpuProfile: settings.cpuProf,
      idleWaitSeconds: settings.idleWaitSeconds,
    },
    budgets,
    targets: targets.map((target, index) => {
      const { trellis, bare } = runs.get(target.path)!
      return summarise(target.name, target.path, target.headers, responses[index]!, trellis, bare)
    }),
  }
  await writeFile(
    join(resultsDirectory, 'latest.json'),
    `${JSON.stringify({ ...report, ...(learner === undefined ? {} : { learnerRecord: learner }), ...(engine === undefined ? {} : { engine }), ...(match === undefined ? {} : { match }) }, null, 2)}\n`,
  )
  const engineLine =
    engine === undefined
      ? ''
      : `\nCredit rules: ${engine.recordsPerSecond.toLocaleString('en-GB')} records/s on one core ` +
        `(budget ≥ ${engine.budgetPerSecond.toLocaleString('en-GB')}: ${engine.budgetMet ? 'met' : 'missed'}; ` +
        'bench/results/engine.json).\n'
  const matchLine =
    match === undefined ? '' : `\n${describeMatchReport(match)} Results: bench/results/match.json.\n`
  const learnerSection = learner === undefined ? '' : `\n${formatLearnerRecordReport(learner)}`
  await writeFile(
    join(resultsDirectory, 'latest.md'),
    formatMarkdown(report) + engineLine + matchLine + learnerSection,
  )
  console.log(`\n${formatTable(report)}${engineLine}${matchLine}`)
  console.log(`Results: ${join(resultsDirectory, 'latest.json')} and latest.md`)
  if (settings.cpuProf) {
    console.log(`CPU profiles of the measured windows: ${profiles} (summarise with bench/profile-summary.ts)`)
  }

  const disturbed = report.targets.filter((target) => target.disturbed)
  if (disturbed.length > 0) {
    console.warn(
      `\nWarning: other work used more than ${disturbedPercent}% of a core during ` +
        `${disturbed.map((target) => target.path).join(' and ')}; those figures are not reliable. ` +
        'Run again on a quiet machine.',
    )
  }

  const failures = report.targets.flatMap((target) => target.failures)
  if (failures.length > 0) {
    console.error(`\nThe run is not valid:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`)
    process.exitCode = 1
  } else if (settings.enforce && report.targets.some((target) => !target.budgetsMet)) {
    console.error('\nA performance budget was missed.')
    process.exitCode = 1
  }
}

/** Fetches each target from Trellis twice (the second is a response-cache hit) and keeps the second. */
async function recordTrellis(
  server: ServerProcess,
  responses: TargetReport['response'][],
): Promise<Recording[]> {
  const recordings: Recording[] = []
  for (const target of targets) {
    await fetchOnce(server.origin, target.path, target.headers)
    const response = await fetchOnce(server.origin, target.path, target.headers)
    if (response.statusCode !== 200) {
      throw new Error(`Trellis answered ${response.statusCode} for ${target.path}: ${response.body}`)
    }
    recordings.push({
      url: target.path,
      contentType: response.contentType,
      bodyBase64: response.body.toString('base64'),
    })
    responses.push({
      contentType: response.contentType,
      bodyBytes: response.body.length,
      trellisHeaderBytes: response.headerBytes,
      bareHeaderBytes: 0,
      trellisCache: String(response.headers['x-cache'] ?? 'none'),
    })
  }
  return recordings
}

/** The bare server must send exactly what Trellis sent: same status, content-type and body bytes. */
async function checkBare(
  server: ServerProcess,
  recordingsFile: string,
  responses: TargetReport['response'][],
): Promise<void> {
  const recordings = JSON.parse(await readFile(recordingsFile, 'utf8')) as Recording[]
  for (const [index, target] of targets.entries()) {
    const response = await fetchOnce(server.origin, target.path, target.headers)
    const recording = recordings[index]!
    if (
      response.statusCode !== 200 ||
      response.contentType !== recording.contentType ||
      !response.body.equals(Buffer.from(recording.bodyBase64, 'base64'))
    ) {
      throw new Error(`the bare server does not replay ${target.path} exactly`)
    }
    responses[index] = { ...responses[index]!, bareHeaderBytes: response.headerBytes }
  }
}

function slug(path: string): string {
  return path
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
}

function countLines(text: string): number {
  let lines = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++
  return lines
}

if (!existsSync(join(repoRoot, 'content'))) throw new Error(`no content/ under ${repoRoot}`)
await main()
