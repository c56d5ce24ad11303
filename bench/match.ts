/**
 * The matching benchmark: a national round (50,000 applicants, 10,000 programmes with 1 to 10 places each, 20
 * choices each: bench/match-round.ts) matched by `matchApplicants`, against the budget of ≤ 0.5 s of one core
 * (ARCHITECTURE.md). `npm run bench` runs it in a child process pinned to one CPU (bench/run.ts); it also runs
 * alone:
 *
 *   taskset -c 1 node --import tsx bench/match.ts                 3 passes of warm-up, then 15 timed
 *   node --import tsx bench/match.ts --passes 30 --enforce        exit 1 when the budget is missed
 *
 * Each pass is a whole call, from the round as the CLI hands it over (read from JSON text: ids as strings) to
 * the canonical result (every programme's applicants in its rank order, the unmatched in order of id, the
 * figures). Checking the input's JSON is not in it: `parseMatchInput` is timed once, apart, for information.
 * Writes bench/results/match.json and prints a line.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { matchApplicants, parseMatchInput, type MatchResult } from '../src/modules/placements/index.ts'
import { quietPercent, waitForIdle } from './load.ts'
import { buildMatchRound, countBlockingPairs, nationalRound } from './match-round.ts'

/** The budget: a national round in at most this many seconds of one core. */
export const matchBudgetSeconds = 0.5

export interface MatchReport {
  readonly date: string
  readonly node: string
  readonly cpuModel: string
  /** The CPU the process was pinned to, when bench/run.ts pinned it. */
  readonly pinnedCpu: string
  readonly round: {
    readonly applicants: number
    readonly programs: number
    readonly choicesEach: number
    readonly places: number
    readonly seed: number
    readonly matched: number
    readonly unmatched: number
    /** How many got their 1st, 2nd, 3rd … choice. */
    readonly byChoice: readonly number[]
    readonly proposals: number
    /** Checked once, before timing: 0 for a stable matching. */
    readonly blockingPairs: number
  }
  /** How busy the whole machine was, in % of one core, just before the warm-up (other work skews figures). */
  readonly machineBusyBeforePercent: number | null
  readonly warmupPasses: number
  readonly passes: number
  /**
   * The median pass's CPU time: the process's, all its threads (the garbage collector's too). The budget is
   * about this, "0.5 s of one core": on a shared machine other work takes turns on the pinned core and stretches
   * the elapsed time of a pass without making it cost more. The median is not swayed by the odd slow pass.
   */
  readonly cpuSecondsPerRound: number
  /** The median pass's elapsed time, and the fastest and slowest: equal to the CPU time on a quiet machine. */
  readonly secondsPerRound: number
  readonly fastestSeconds: number
  readonly slowestSeconds: number
  /** Applications per CPU-second of the median pass. */
  readonly proposalsPerSecond: number
  /** `parseMatchInput` on the round's JSON text (what `trellis match` does first), one pass: not in the budget. */
  readonly inputCheckSeconds: number
  readonly budgetSeconds: number
  readonly budgetMet: boolean
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const resultsDirectory = join(repoRoot, 'bench', 'results')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passes: { type: 'string' },
      warmup: { type: 'string' },
      'pinned-cpu': { type: 'string' },
      'idle-wait': { type: 'string' },
      enforce: { type: 'boolean' },
    },
  })
  const passes = Number(values.passes ?? process.env.BENCH_MATCH_PASSES ?? 15)
  const warmupPasses = Number(values.warmup ?? 3)
  const idleWaitSeconds = Number(values['idle-wait'] ?? process.env.BENCH_IDLE_WAIT ?? 60)
  if (!Number.isInteger(passes) || passes < 1 || !Number.isInteger(warmupPasses) || warmupPasses < 0) {
    throw new Error('--passes must be a whole number ≥ 1 and --warmup ≥ 0')
  }

  // The round as `trellis match` hands it to the engine: read from JSON text and checked.
  const text = JSON.stringify(buildMatchRound(nationalRound))
  const checkStart = process.hrtime.bigint()
  const checked = parseMatchInput(text)
  const inputCheckSeconds = Number(process.hrtime.bigint() - checkStart) / 1e9
  if (!checked.ok) throw new Error('the benchmark round does not pass parseMatchInput')
  const input = checked.input
  const first = matchApplicants(input)
  const blockingPairs = countBlockingPairs(input, first)
  if (blockingPairs > 0) {
    throw new Error(`the engine's matching of the round has ${blockingPairs} blocking pairs`)
  }

  const busyBefore = idleWaitSeconds > 0 ? await waitForIdle(idleWaitSeconds, quietPercent) : undefined
  for (let pass = 0; pass < warmupPasses; pass++) read(matchApplicants(input))
  const seconds: number[] = []
  const cpuSeconds: number[] = []
  let total = 0
  for (let pass = 0; pass < passes; pass++) {
    const cpuBefore = process.cpuUsage()
    const start = process.hrtime.bigint()
    const result = matchApplicants(input)
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9)
    const cpu = process.cpuUsage(cpuBefore)
    cpuSeconds.push((cpu.user + cpu.system) / 1e6)
    total += read(result)
  }
  if (total !== passes * read(first)) throw new Error('a pass gave another result')

  const sorted = [...seconds].sort((a, b) => a - b)
  const cpuMedian = median(cpuSeconds)
  const report: MatchReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    pinnedCpu: values['pinned-cpu'] ?? 'none',
    round: {
      applicants: nationalRound.applicants,
      programs: nationalRound.programs,
      choicesEach: nationalRound.choices,
      places: first.totalPlaces,
      seed: nationalRound.seed,
      matched: first.matchedCount,
      unmatched: first.unmatchedCount,
      byChoice: first.byChoice,
      proposals: first.proposals,
      blockingPairs,
    },
    machineBusyBeforePercent: busyBefore ?? null,
    warmupPasses,
    passes,
    cpuSecondsPerRound: round4(cpuMedian),
    secondsPerRound: round4(median(seconds)),
    fastestSeconds: round4(sorted[0]!),
    slowestSeconds: round4(sorted[sorted.length - 1]!),
    proposalsPerSecond: Math.round(first.proposals / cpuMedian),
    inputCheckSeconds: round4(inputCheckSeconds),
    budgetSeconds: matchBudgetSeconds,
    budgetMet: cpuMedian <= matchBudgetSeconds,
  }
  await mkdir(resultsDirectory, { recursive: true })
  await writeFile(join(resultsDirectory, 'match.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log(describeMatchReport(report))
  if (values.enforce === true && !report.budgetMet) {
    console.error('The matching budget was missed.')
    process.exitCode = 1
  }
}

/** What a caller reads of a result, summed: used, so that no part of the work can be optimised away. */
function read(result: MatchResult): number {
  return result.programs.length + result.unmatched.length + result.proposals + result.matchedCount
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000
}

export function describeMatchReport(report: MatchReport): string {
  const figure = (value: number) => value.toLocaleString('en-GB')
  const { round } = report
  return (
    `matching, national round: ${report.cpuSecondsPerRound} s of one core a round (median of ` +
    `${report.passes} passes; elapsed ${report.secondsPerRound} s, ${report.fastestSeconds}–` +
    `${report.slowestSeconds} s; machine ${report.machineBusyBeforePercent ?? '?'}% busy before), ` +
    `${figure(report.proposalsPerSecond)} proposals/s, budget ≤ ${report.budgetSeconds} s: ` +
    `${report.budgetMet ? 'met' : 'MISSED'}. ` +
    `${figure(round.applicants)} applicants, ${figure(round.programs)} programmes with ${figure(round.places)} ` +
    `places, ${round.choicesEach} choices each: ${figure(round.matched)} matched ` +
    `(${figure(round.byChoice[0] ?? 0)} to their 1st choice), ${figure(round.unmatched)} not, ` +
    `${figure(round.proposals)} proposals, ${round.blockingPairs} blocking pairs. ` +
    `Checking the input's JSON: ${report.inputCheckSeconds} s (not in the budget).`
  )
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main()
}
