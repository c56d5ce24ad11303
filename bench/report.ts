import type { Measurement } from './load.ts'
import { round } from './load.ts'

/** From ARCHITECTURE.md, Performance budgets: a catalogue page or API read. */
export const budgets = {
  /** Trellis's requests a second over the bare server's, at least. */
  minThroughputRatio: 0.5,
  /** Trellis's p99 latency at the benchmark's connections, at most. */
  maxP99Ms: 25,
} as const

/**
 * Above this share of one core used by anything but the two processes, a measurement counts as disturbed.
 * The kernel's loopback networking alone takes some (see bench/README.md), hence not zero.
 */
export const disturbedPercent = 25

/** The medians over rounds (max: the highest) of one server on one URL. */
export interface ServerSummary {
  readonly requestsPerSecond: number
  readonly latencyMs: {
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
  }
  readonly bytesPerSecond: number
  readonly totalRequests: number
  readonly serverCpuPercent: number | undefined
  readonly clientCpuPercent: number
  /**
   * Busy CPU time of everything else on the machine (other processes, and the kernel's loopback networking)
   * during the measured window, in % of one core: the highest over rounds.
   */
  readonly otherCpuPercent: number | undefined
}

export interface TargetReport {
  readonly name: string
  readonly path: string
  readonly requestHeaders: Readonly<Record<string, string>>
  readonly response: {
    readonly contentType: string
    readonly bodyBytes: number
    readonly trellisHeaderBytes: number
    readonly bareHeaderBytes: number
    /** Trellis's x-cache header on the recorded response. */
    readonly trellisCache: string
  }
  readonly trellis: ServerSummary
  readonly bare: ServerSummary
  /** Trellis requests/s ÷ bare requests/s: what the budget is about. */
  readonly throughputRatio: number
  /**
   * The same ratio per CPU-second of each server (requests/s ÷ its CPU use): the cost of a request in Trellis
   * against the bare server, which stays meaningful when the load generator, not the server, is the limit.
   */
  readonly cpuNormalisedRatio: number | undefined
  readonly throughputBudgetMet: boolean
  readonly p99BudgetMet: boolean
  readonly budgetsMet: boolean
  /** Other work on the machine took more than `disturbedPercent` of a core while this URL was measured. */
  readonly disturbed: boolean
  readonly failures: readonly string[]
  readonly rounds: { readonly trellis: readonly Measurement[]; readonly bare: readonly Measurement[] }
}

export interface Report {
  readonly date: string
  readonly machine: {
    readonly cpuModel: string
    readonly cpus: number
    readonly cpuSpeedMHz: number
    readonly memoryGiB: number
    readonly os: string
    readonly node: string
    readonly autocannon: string
    readonly pinning: string
    readonly loadAverageAtStart: readonly number[]
  }
  readonly settings: {
    readonly connections: number
    readonly warmupSeconds: number
    readonly durationSeconds: number
    readonly rounds: number
    readonly pipelining: number
    readonly trellisLog: string
    readonly cpuProfile: boolean
    readonly idleWaitSeconds: number
  }
  readonly budgets: typeof budgets
  readonly targets: readonly TargetReport[]
}

export function summarise(
  name: string,
  path: string,
  requestHeaders: Readonly<Record<string, string>>,
  response: TargetReport['response'],
  trellisRuns: readonly Measurement[],
  bareRuns: readonly Measurement[],
): TargetReport {
  const trellis = summariseServer(trellisRuns)
  const bare = summariseServer(bareRuns)
  const throughputRatio =
    bare.requestsPerSecond === 0 ? 0 : trellis.requestsPerSecond / bare.requestsPerSecond
  const throughputBudgetMet = throughputRatio >= budgets.minThroughputRatio
  const p99BudgetMet = trellis.latencyMs.p99 <= budgets.maxP99Ms
  return {
    name,
    path,
    requestHeaders,
    response,
    trellis,
    bare,
    throughputRatio: round(throughputRatio, 3),
    cpuNormalisedRatio:
      trellis.serverCpuPercent === undefined ||
      bare.serverCpuPercent === undefined ||
      bare.requestsPerSecond === 0
        ? undefined
        : round(
            trellis.requestsPerSecond /
              trellis.serverCpuPercent /
              (bare.requestsPerSecond / bare.serverCpuPercent),
            3,
          ),
    throughputBudgetMet,
    p99BudgetMet,
    budgetsMet: throughputBudgetMet && p99BudgetMet,
    disturbed: [trellis, bare].some((summary) => (summary.otherCpuPercent ?? 0) > disturbedPercent),
    failures: [
      ...trellisRuns.flatMap((run) => run.failures.map((failure) => `Trellis ${path}: ${failure}`)),
      ...bareRuns.flatMap((run) => run.failures.map((failure) => `bare ${path}: ${failure}`)),
    ],
    rounds: { trellis: trellisRuns, bare: bareRuns },
  }
}

function summariseServer(runs: readonly Measurement[]): ServerSummary {
  const cpu = runs.map((run) => run.serverCpuPercent)
  return {
    requestsPerSecond: round(median(runs.map((run) => run.requestsPerSecond)), 1),
    latencyMs: {
      p50: median(runs.map((run) => run.latency.p50)),
      p90: median(runs.map((run) => run.latency.p90)),
      p99: median(runs.map((run) => run.latency.p99)),
      max: Math.max(...runs.map((run) => run.latency.max)),
    },
    bytesPerSecond: Math.round(median(runs.map((run) => run.bytesPerSecond))),
    totalRequests: runs.reduce((sum, run) => sum + run.totalRequests, 0),
    serverCpuPercent: cpu.every((value) => value !== undefined) ? round(median(cpu), 1) : undefined,
    clientCpuPercent: round(median(runs.map((run) => run.clientCpuPercent)), 1),
    otherCpuPercent: runs.every(
      (run) => run.machineCpuPercent !== undefined && run.serverCpuPercent !== undefined,
    )
      ? round(
          // Never below 0: the three readings are taken a moment apart, so they can disagree slightly.
          Math.max(
            0,
            ...runs.map((run) => run.machineCpuPercent! - run.serverCpuPercent! - run.clientCpuPercent),
          ),
          1,
        )
      : undefined,
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const columns = [
  'target',
  'server',
  'req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'MB/s',
  'server CPU',
  'loadgen CPU',
  'other CPU',
] as const

function rows(report: Report): string[][] {
  return report.targets.flatMap((target) =>
    (['trellis', 'bare'] as const).map((server) => {
      const summary = target[server]
      return [
        target.path,
        server === 'trellis' ? 'Trellis' : 'bare node:http',
        Math.round(summary.requestsPerSecond).toLocaleString('en-GB'),
        String(summary.latencyMs.p50),
        String(summary.latencyMs.p99),
        String(summary.latencyMs.max),
        (summary.bytesPerSecond / 1e6).toFixed(1),
        summary.serverCpuPercent === undefined ? '–' : `${summary.serverCpuPercent}%`,
        `${summary.clientCpuPercent}%`,
        summary.otherCpuPercent === undefined ? '–' : `${summary.otherCpuPercent}%`,
      ]
    }),
  )
}

function verdicts(report: Report): string[] {
  return report.targets.map(
    (target) =>
      `${target.path}: Trellis/bare = ${(target.throughputRatio * 100).toFixed(1)}% ` +
      `(budget ≥ ${budgets.minThroughputRatio * 100}%: ${target.throughputBudgetMet ? 'met' : 'NOT met'}); ` +
      `p99 ${target.trellis.latencyMs.p99} ms (budget ≤ ${budgets.maxP99Ms} ms: ` +
      `${target.p99BudgetMet ? 'met' : 'NOT met'})` +
      (target.cpuNormalisedRatio === undefined
        ? ''
        : `; per server CPU-second, Trellis/bare = ${(target.cpuNormalisedRatio * 100).toFixed(1)}%`),
  )
}

/** A plain-text table for the terminal. */
export function formatTable(report: Report): string {
  const all = [[...columns], ...rows(report)]
  const widths = columns.map((_, index) => Math.max(...all.map((row) => row[index]!.length)))
  const line = (row: string[]) =>
    row
      .map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ')
  return [line(all[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...all.slice(1).map(line), '']
    .concat(verdicts(report))
    .join('\n')
}

/** The same figures as Markdown, for bench/README.md. */
export function formatMarkdown(report: Report): string {
  const { machine, settings } = report
  const header = `| ${columns.join(' | ')} |\n|${columns.map((_, index) => (index < 2 ? ' --- ' : ' ---: ')).join('|')}|`
  const body = rows(report)
    .map((row) => `| ${row.map((cell, index) => (index === 0 ? `\`${cell}\`` : cell)).join(' | ')} |`)
    .join('\n')
  return [
    `Run of ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${machine.cpus} × ${machine.cpuModel} ` +
      `(${machine.cpuSpeedMHz === 0 ? 'clock speed not reported' : `${machine.cpuSpeedMHz} MHz`}), ${machine.memoryGiB} GiB, ${machine.os}, Node.js ${machine.node}, ` +
      `autocannon ${machine.autocannon}; ${machine.pinning}. ${settings.connections} connections, ` +
      `${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured, ${settings.rounds} round(s); ` +
      `Trellis logging: ${settings.trellisLog}.`,
    '',
    header,
    body,
    '',
    ...verdicts(report).map((verdict) => `- ${verdict}`),
    '',
  ].join('\n')
}
