/**
 * The part of autocannon 8's programmatic API that the benchmark uses (the package ships no types, and there
 * is no @types package in the project). Shapes follow node_modules/autocannon/lib/aggregateResult.js.
 */
declare module 'autocannon' {
  interface Options {
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    pipelining?: number
    /** Seconds before a request counts as timed out. */
    timeout?: number
    method?: 'GET' | 'HEAD'
    headers?: Record<string, string>
    title?: string
    /**
     * Requests sent in turn on each connection; `setupRequest` is called before each one is sent and returns
     * the request to send (a new path or headers: a different signed-in person each time).
     */
    requests?: RequestOptions[]
  }

  interface RequestOptions {
    method?: 'GET' | 'HEAD'
    path?: string
    headers?: Record<string, string>
    setupRequest?: (request: RequestOptions, context: Record<string, unknown>) => RequestOptions
  }

  /** The running benchmark: a promise of the result, and an emitter of each response as it arrives. */
  interface Instance extends PromiseLike<Result> {
    /** Each response: its status, bytes and latency in milliseconds (from process.hrtime, not rounded). */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): this
    stop(): void
  }

  /** A histogram summary: mean, spread and percentiles (p50, p99 …). */
  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p0_001: number
    p0_01: number
    p0_1: number
    p1: number
    p2_5: number
    p10: number
    p25: number
    p50: number
    p75: number
    p90: number
    p97_5: number
    p99: number
    p99_9: number
    p99_99: number
    p99_999: number
  }

  interface Result {
    title?: string
    url: string
    connections: number
    pipelining: number
    duration: number
    samples: number
    start: Date
    finish: Date
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    resets: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
    statusCodeStats: Record<string, { count: number }>
    /** Milliseconds, of 2xx responses only. */
    latency: Histogram & { totalCount: number }
    /** Completed requests per sample interval (a second by default). */
    requests: Histogram & { sent: number }
    /** Bytes (headers and body) per sample interval. */
    throughput: Histogram
  }

  /** Without a callback, autocannon returns an event emitter that is also a promise of the result. */
  function autocannon(options: Options): Instance
  export default autocannon
  export type { Histogram, Instance, Options, RequestOptions, Result }
}
