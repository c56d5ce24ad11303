import { readFileSync } from 'node:fs'
import autocannon, { type Result } from 'autocannon'
import type { ServerProcess } from './children.ts'

export interface LoadSettings {
  readonly connections: number
  readonly warmupSeconds: number
  readonly durationSeconds: number
}

/** One measured run of one URL against one server. */
export interface Measurement {
  /** Mean of the per-second samples of completed requests. */
  readonly requestsPerSecond: number
  readonly requestsPerSecondStddev: number
  readonly totalRequests: number
  /** Milliseconds (autocannon records whole milliseconds). */
  readonly latency: {
    readonly mean: number
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
  }
  /** Mean bytes a second received, headers and bodies. */
  readonly bytesPerSecond: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly mismatches: number
  readonly statusCodes: Record<string, number>
  /** Server CPU use during the measured window, in % of one core (all its threads), when known. */
  readonly serverCpuPercent: number | undefined
  /** The load generator's CPU use (this process) during the window, in % of one core. */
  readonly clientCpuPercent: number
  /**
   * The whole machine's busy CPU time during the window (every process and the kernel, from /proc/stat), in
   * % of one core, when known. Much more than server + load generator means something else was running.
   */
  readonly machineCpuPercent: number | undefined
  /** Machine busy time (% of one core) in the two seconds before the warm-up, once any wait for quiet ended. */
  readonly machineBusyBeforePercent: number | undefined
  /** Anything that makes the run invalid: non-2xx responses, errors, timeouts. */
  readonly failures: readonly string[]
}

/** Warms the server up on this URL, then measures it. Both phases must answer only 2xx. */
export async function measure(
  server: ServerProcess,
  path: string,
  headers: Readonly<Record<string, string>>,
  settings: LoadSettings,
  options: {
    /** Where to write a CPU profile of the server during the measured window, if wanted. */
    readonly profileFile: string | undefined
    /** How long to wait for the machine to be quiet before starting. */
    readonly idleWaitSeconds: number
  },
): Promise<Measurement> {
  const { profileFile } = options
  const machineBusyBeforePercent =
    options.idleWaitSeconds > 0 ? await waitForIdle(options.idleWaitSeconds, quietPercent) : undefined
  const load = { url: server.origin + path, connections: settings.connections, headers: { ...headers } }
  const failures: string[] = []
  if (settings.warmupSeconds > 0) {
    const warmup = await autocannon({ ...load, duration: settings.warmupSeconds })
    failures.push(...problemsOf(warmup).map((problem) => `warm-up: ${problem}`))
  }

  if (profileFile !== undefined) await server.profile({ type: 'profile-start' })
  const machineBefore = machineBusySeconds()
  const serverCpuBefore = server.cpuSeconds()
  const clientCpuBefore = process.cpuUsage()
  const startedAt = process.hrtime.bigint()
  const result = await autocannon({ ...load, duration: settings.durationSeconds })
  const elapsedSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9
  const serverCpuAfter = server.cpuSeconds()
  const machineAfter = machineBusySeconds()
  const clientCpu = process.cpuUsage(clientCpuBefore)
  if (profileFile !== undefined) await server.profile({ type: 'profile-stop', file: profileFile })
  failures.push(...problemsOf(result))

  return {
    requestsPerSecond: result.requests.average,
    requestsPerSecondStddev: result.requests.stddev,
    totalRequests: result.latency.totalCount,
    latency: {
      mean: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    bytesPerSecond: result.throughput.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
    serverCpuPercent:
      serverCpuBefore === undefined || serverCpuAfter === undefined
        ? undefined
        : round((100 * (serverCpuAfter - serverCpuBefore)) / elapsedSeconds, 1),
    clientCpuPercent: round((clientCpu.user + clientCpu.system) / 1e4 / elapsedSeconds, 1),
    machineCpuPercent:
      machineBefore === undefined || machineAfter === undefined
        ? undefined
        : round((100 * (machineAfter - machineBefore)) / elapsedSeconds, 1),
    machineBusyBeforePercent,
    failures,
  }
}

/** Below this share of one core busy, the machine counts as quiet. */
export const quietPercent = 25

/**
 * Waits until the machine is quiet (under `thresholdPercent` of one core busy over two seconds), for at most
 * `maxSeconds`. Returns the last busy reading, or undefined where /proc/stat is not available.
 */
export async function waitForIdle(maxSeconds: number, thresholdPercent: number): Promise<number | undefined> {
  const deadline = Date.now() + maxSeconds * 1000
  for (;;) {
    const before = machineBusySeconds()
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const after = machineBusySeconds()
    if (before === undefined || after === undefined) return undefined
    const busyPercent = round((100 * (after - before)) / 2, 1)
    if (busyPercent < thresholdPercent || Date.now() >= deadline) return busyPercent
  }
}

/** Busy time of every CPU (all but idle and iowait), from the first line of /proc/stat, in seconds. */
export function machineBusySeconds(): number | undefined {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number)
    const busy = user! + nice! + system! + irq! + softirq! + steal!
    return Number.isFinite(busy) && idle !== undefined && iowait !== undefined ? busy / 100 : undefined
  } catch {
    return undefined
  }
}

export function problemsOf(result: Result): string[] {
  const problems: string[] = []
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, stats]) => `${stats.count}×${code}`)
    problems.push(`${result.non2xx} non-2xx responses (${codes.join(', ')})`)
  }
  if (result.errors > 0) problems.push(`${result.errors} errors`)
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`)
  if (result.mismatches > 0) problems.push(`${result.mismatches} body mismatches`)
  if (result.latency.totalCount === 0) problems.push('no responses at all')
  return problems
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
