import type { Sql } from '../database/database.ts'
import { HttpError } from './problem.ts'

export interface RateLimitRule {
  /** What is limited, for the message: "sign-in attempts". */
  readonly name: string
  readonly limit: number
  readonly windowSeconds: number
}

export class TooManyRequestsError extends HttpError {
  constructor(
    rule: RateLimitRule,
    readonly retryAfterSeconds: number,
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      429,
      'Too many attempts',
      `There have been too many ${rule.name}. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`,
    )
    this.name = 'TooManyRequestsError'
  }
}

/**
 * Fixed-window counters in the database, so that every app instance counts the same attempts. Each call
 * counts one attempt for every key (by account and by address, say) and refuses when any is over its limit.
 */
export interface RateLimiter {
  hit(rule: RateLimitRule, keys: readonly string[]): Promise<void>
}

export function createRateLimiter(db: Sql, now: () => Date = () => new Date()): RateLimiter {
  return {
    async hit(rule, keys) {
      const at = now().getTime()
      const windowMs = rule.windowSeconds * 1000
      const windowStart = new Date(Math.floor(at / windowMs) * windowMs)
      let over = false
      for (const key of keys) {
        const bucket = `${rule.name}:${key}`
        await db.query('DELETE FROM rate_limit_hits WHERE bucket = $1 AND window_start < $2', [
          bucket,
          windowStart,
        ])
        const [row] = await db.query<{ hits: number }>(
          `INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
           RETURNING hits`,
          [bucket, windowStart],
        )
        if ((row?.hits ?? 0) > rule.limit) over = true
      }
      if (over)
        throw new TooManyRequestsError(rule, Math.ceil((windowStart.getTime() + windowMs - at) / 1000))
    },
  }
}
