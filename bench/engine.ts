/**
 * The credit-rules benchmark: learner records evaluated per second on one core (`evaluateRecord`, with the
 * rules from the real content/), against the budget of 100,000 records/s for records of up to 12 modules.
 * `npm run bench` runs it in a child process pinned to one CPU (bench/run.ts); it also runs alone:
 *
 *   taskset -c 1 node --import tsx bench/engine.ts                 5 s measured after 2 s of warm-up
 *   node --import tsx bench/engine.ts --seconds 10 --enforce      exit 1 when the budget is missed
 *
 * Writes bench/results/engine.json and prints a line for each set of records: a seeded, realistic mix of
 * learners (bench/engine-records.ts), then records of exactly 12 modules each, the heaviest the budget covers.
 * What each set holds (modules, awards) is printed beside its figure, so a change in the mix shows.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readCatalogue } from '../src/modules/catalogue/index.ts'
import {
  evaluateRecord,
  frameworkRulesFrom,
  type FrameworkRules,
  type LearnerRecord,
} from '../src/modules/framework/index.ts'
import { buildBenchRecords, buildTwelveModuleRecords } from './engine-records.ts'
import { quietPercent, waitForIdle } from './load.ts'

/** The budget of issue 4: records of up to 12 modules, evaluated on one core. */
export const engineBudgetPerSecond = 100_000

export interface MixReport {
  readonly name: string
  readonly records: number
  readonly meanModules: number
  readonly mostModules: number
  /** How many of the records hold no award, the PGCert, the PGDip and the Master's. */
  readonly awardsHeld: readonly number[]
  /** How busy the whole machine was, in % of one core, just before the warm-up (other work skews figures). */
  readonly machineBusyBeforePercent: number | null
  readonly measuredSeconds: number
  readonly evaluated: number
  /** Passes over the records that were timed. */
  readonly rounds: number
  /** The median pass's rate: other work on the machine slows some passes, and the median is not swayed by them. */
  readonly recordsPerSecond: number
  /** Every record evaluated over the whole measured time. */
  readonly overallRecordsPerSecond: number
  /** Records per second of CPU time used by the process (all its threads: the garbage collector's too). */
  readonly recordsPerCpuSecond: number
  readonly microsecondsPerRecord: number
  readonly budgetMet: boolean
}

export interface EngineReport {
  readonly date: string
  readonly node: string
  readonly cpuModel: string
  /** The CPU the process was pinned to, when bench/run.ts pinned it. */
  readonly pinnedCpu: string
  readonly warmupSeconds: number
  readonly budgetPerSecond: number
  /** The realistic mix, then records of exactly 12 modules each. */
  readonly mixes: readonly MixReport[]
  /** Both mixes reach the budget. */
  readonly budgetMet: boolean
  /** The realistic mix's figure: the one the budget is about. */
  readonly recordsPerSecond: number
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const resultsDirectory = join(repoRoot, 'bench', 'results')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      records: { type: 'string' },
      'pinned-cpu': { type: 'string' },
      'idle-wait': { type: 'string' },
      enforce: { type: 'boolean' },
    },
  })
  const seconds = Number(values.seconds ?? process.env.BENCH_ENGINE_SECONDS ?? 5)
  const warmupSeconds = Number(values.warmup ?? 2)
  const recordCount = Number(values.records ?? 10_000)
  const idleWaitSeconds = Number(values['idle-wait'] ?? process.env.BENCH_IDLE_WAIT ?? 60)
  if (![seconds, warmupSeconds, recordCount].every((value) => Number.isFinite(value) && value > 0)) {
    throw new Error('--seconds, --warmup and --records must be positive numbers')
  }
  const timing = { warmupSeconds, seconds, idleWaitSeconds }

  const catalogue = await readCatalogue(join(repoRoot, 'content'))
  if (catalogue.content === undefined || catalogue.problems.length > 0) {
    throw new Error('content/ is not valid: run `trellis catalogue check`')
  }
  const rules = frameworkRulesFrom(catalogue.content.framework)
  const mixes = [
    await measureMix('realistic mix', rules, buildBenchRecords(recordCount), timing),
    await measureMix('12 modules each', rules, buildTwelveModuleRecords(recordCount), timing),
  ]
  const report: EngineReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    pinnedCpu: values['pinned-cpu'] ?? 'none',
    warmupSeconds,
    budgetPerSecond: engineBudgetPerSecond,
    mixes,
    budgetMet: mixes.every((mix) => mix.budgetMet),
    recordsPerSecond: mixes[0]!.recordsPerSecond,
  }
  await mkdir(resultsDirectory, { recursive: true })
  await writeFile(join(resultsDirectory, 'engine.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log(describeEngineReport(report))
  if (values.enforce === true && !report.budgetMet) {
    console.error('The credit-rules budget was missed.')
    process.exitCode = 1
  }
}

/**
 * Checks the records (at most 12 modules), waits for a quiet machine (as the HTTP benchmark does), warms up,
 * then times passes over the records.
 */
async function measureMix(
  name: string,
  rules: FrameworkRules,
  records: readonly LearnerRecord[],
  timing: { readonly warmupSeconds: number; readonly seconds: number; readonly idleWaitSeconds: number },
): Promise<MixReport> {
  const awardsHeld = [0, 0, 0, 0]
  for (const record of records) awardsHeld[evaluateRecord(rules, record).achieved.length]!++
  const moduleCounts = records.map((record) => record.modules.length)
  const mostModules = Math.max(...moduleCounts)
  if (mostModules > 12) throw new Error(`${name}: a benchmark record holds more than 12 modules`)

  const busyBefore =
    timing.idleWaitSeconds > 0 ? await waitForIdle(timing.idleWaitSeconds, quietPercent) : undefined
  timePasses(timing.warmupSeconds, rules, records)
  const cpuBefore = process.cpuUsage()
  const passes = timePasses(timing.seconds, rules, records)
  const cpu = process.cpuUsage(cpuBefore)
  const elapsedSeconds = passes.reduce((sum, pass) => sum + pass, 0)
  const evaluated = passes.length * records.length
  const rates = passes.map((pass) => records.length / pass).sort((a, b) => a - b)
  const recordsPerSecond = Math.round(rates[Math.floor(rates.length / 2)]!)
  return {
    name,
    records: records.length,
    meanModules: Math.round((moduleCounts.reduce((sum, count) => sum + count, 0) / records.length) * 10) / 10,
    mostModules,
    awardsHeld,
    machineBusyBeforePercent: busyBefore ?? null,
    measuredSeconds: Math.round(elapsedSeconds * 100) / 100,
    evaluated,
    rounds: passes.length,
    recordsPerSecond,
    overallRecordsPerSecond: Math.round(evaluated / elapsedSeconds),
    recordsPerCpuSecond: Math.round(evaluated / ((cpu.user + cpu.system) / 1e6)),
    microsecondsPerRecord: Math.round((1e6 / recordsPerSecond) * 100) / 100,
    budgetMet: recordsPerSecond >= engineBudgetPerSecond,
  }
}

/** Evaluates the records, pass after pass, for at least `seconds`; returns each pass's seconds. */
function timePasses(seconds: number, rules: FrameworkRules, records: readonly LearnerRecord[]): number[] {
  const passes: number[] = []
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9))
  let read = 0
  for (let start = process.hrtime.bigint(); start < end;) {
    for (const record of records) {
      // What a caller reads, awards and words: used below, so that no part of it can be optimised away.
      const evaluation = evaluateRecord(rules, record)
      read +=
        evaluation.achieved.length + evaluation.problems.length + (evaluation.nextLevel?.missing.length ?? 0)
    }
    const now = process.hrtime.bigint()
    passes.push(Number(now - start) / 1e9)
    start = now
  }
  if (read < 0) console.log(read)
  return passes
}

export function describeEngineReport(report: EngineReport): string {
  const figure = (value: number) => value.toLocaleString('en-GB')
  return report.mixes
    .map(
      (mix) =>
        `credit rules, ${mix.name}: ${figure(mix.recordsPerSecond)} records/s on one core ` +
        `(median of ${mix.rounds} passes, ${mix.microsecondsPerRecord} µs a record; over the whole ` +
        `${mix.measuredSeconds} s ${figure(mix.overallRecordsPerSecond)}/s, ${figure(mix.recordsPerCpuSecond)} per ` +
        `CPU-second; machine ${mix.machineBusyBeforePercent ?? '?'}% busy before), ` +
        `budget ≥ ${figure(report.budgetPerSecond)}: ${mix.budgetMet ? 'met' : 'MISSED'}. ` +
        `${figure(mix.records)} records of ${mix.meanModules} modules on average (at most ${mix.mostModules}); ` +
        `awards held: none ${mix.awardsHeld[0]}, PGCert ${mix.awardsHeld[1]}, PGDip ${mix.awardsHeld[2]}, ` +
        `Master's ${mix.awardsHeld[3]}.`,
    )
    .join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(join(repoRoot, 'content'))) throw new Error(`no content/ under ${repoRoot}`)
  await main()
}
