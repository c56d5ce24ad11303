import { describe, expect, it } from 'vitest'
import { redactUrl } from './logger-options.ts'

describe('redactUrl', () => {
  it('keeps secret query values out of the logs', () => {
    expect(redactUrl('/sign-in/link?token=abc123&next=/home')).toBe(
      '/sign-in/link?token=[redacted]&next=/home',
    )
    expect(redactUrl('/callback?code=xyz&state=s1')).toBe('/callback?code=[redacted]&state=[redacted]')
    expect(redactUrl('/search?q=token')).toBe('/search?q=token')
  })
})
