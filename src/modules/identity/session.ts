import type { RoleName } from './membership.ts'

export type SignInMethod = 'password' | 'email-link' | 'oidc'

export interface Session {
  readonly id: string
  readonly userId: string
  readonly method: SignInMethod
  readonly createdAt: Date
  readonly lastSeenAt: Date
  /** The absolute end: no activity extends a session past it. */
  readonly expiresAt: Date
  readonly userAgent: string | null
  readonly ip: string | null
}

export interface SessionLimits {
  readonly idleMinutes: number
  readonly absoluteHours: number
}

/** A session ends after `idleMinutes` without a request, or `absoluteHours` after sign-in, whichever is first. */
export function isSessionLive(
  session: Pick<Session, 'lastSeenAt' | 'expiresAt'>,
  now: Date,
  limits: SessionLimits,
): boolean {
  return now < session.expiresAt && now.getTime() - session.lastSeenAt.getTime() < limits.idleMinutes * 60_000
}

export function sessionExpiry(createdAt: Date, limits: SessionLimits): Date {
  return new Date(createdAt.getTime() + limits.absoluteHours * 3_600_000)
}

/** Recording activity costs a write: once a minute is precise enough for a time-out counted in minutes. */
export function shouldRecordActivity(session: Pick<Session, 'lastSeenAt'>, now: Date): boolean {
  return now.getTime() - session.lastSeenAt.getTime() >= 60_000
}

export interface SessionMembership {
  readonly organisationId: string
  readonly roles: readonly RoleName[]
}
