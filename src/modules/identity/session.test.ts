import { describe, expect, it } from 'vitest'
import { isSessionLive, sessionExpiry, shouldRecordActivity } from './session.ts'

const limits = { idleMinutes: 30, absoluteHours: 12 }
const signedIn = new Date('2026-11-22T09:00:00Z')
const minutes = (count: number) => new Date(signedIn.getTime() + count * 60_000)

describe('session time-outs', () => {
  const session = { lastSeenAt: signedIn, expiresAt: sessionExpiry(signedIn, limits) }

  it('ends 12 hours after sign-in', () => {
    expect(session.expiresAt).toEqual(new Date('2026-11-22T21:00:00Z'))
  })

  it('stays live until 30 minutes without a request', () => {
    expect(isSessionLive(session, minutes(29), limits)).toBe(true)
    expect(isSessionLive(session, minutes(30), limits)).toBe(false)
  })

  it('ends at its absolute limit however recently it was used', () => {
    const busy = { ...session, lastSeenAt: minutes(12 * 60 - 1) }
    expect(isSessionLive(busy, minutes(12 * 60 - 1), limits)).toBe(true)
    expect(isSessionLive(busy, minutes(12 * 60), limits)).toBe(false)
  })

  it('records activity at most once a minute', () => {
    expect(shouldRecordActivity(session, new Date(signedIn.getTime() + 59_999))).toBe(false)
    expect(shouldRecordActivity(session, minutes(1))).toBe(true)
  })
})
