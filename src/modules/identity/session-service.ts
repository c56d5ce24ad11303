import type { Sql } from '../../platform/database/database.ts'
import type { Principal } from '../../platform/http/access-control.ts'
import { createToken, digestToken } from '../../platform/security/tokens.ts'
import {
  isSessionLive,
  sessionExpiry,
  shouldRecordActivity,
  type SessionLimits,
  type SignInMethod,
} from './session.ts'
import type { SessionRepository } from './session-repository.ts'

export interface NewSessionContext {
  readonly userAgent: string | null
  readonly ip: string | null
}

/**
 * Server-side sessions: the browser holds a random token, the database its digest, so every app instance sees
 * the same sessions and a stolen database gives no working cookie.
 */
export interface SessionService {
  /** Starts a session (inside the caller's transaction); returns the token for the cookie. */
  start(
    tx: Sql,
    userId: string,
    method: SignInMethod,
    context: NewSessionContext,
  ): Promise<{ token: string; sessionId: string }>
  /** Who the token belongs to, or null when it is unknown, ended, idle too long or past its absolute limit. */
  resolve(token: string): Promise<Principal | null>
  /** Ends one session; returns how it was signed in to (null when it had ended already). */
  end(tx: Sql, sessionId: string): Promise<SignInMethod | null>
  /** Ends every session of this person, on every device ("sign out everywhere", password reset, account closed). */
  endAll(tx: Sql, userId: string): Promise<number>
}

export function sessionIdOf(token: string): string {
  return digestToken(token)
}

export function createSessionService(
  repository: SessionRepository,
  limits: SessionLimits,
  now: () => Date = () => new Date(),
): SessionService {
  return {
    async start(tx, userId, method, context) {
      const token = createToken()
      const at = now()
      const sessionId = sessionIdOf(token)
      await repository.insert(tx, {
        id: sessionId,
        userId,
        method,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: sessionExpiry(at, limits),
        userAgent: context.userAgent?.slice(0, 300) ?? null,
        ip: context.ip,
      })
      return { token, sessionId }
    },

    async resolve(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
      const id = sessionIdOf(token)
      const found = await repository.findWithMemberships(id)
      if (found === null) return null
      const at = now()
      if (!isSessionLive(found.session, at, limits)) return null
      if (shouldRecordActivity(found.session, at)) await repository.touch(id, at)
      return {
        userId: found.session.userId,
        displayName: found.displayName,
        sessionId: id,
        memberships: found.memberships,
      }
    },

    end: (tx, sessionId) => repository.delete(tx, sessionId),
    endAll: (tx, userId) => repository.deleteAllForUser(tx, userId),
  }
}
