import { describe, expect, it } from 'vitest'
import { findNonceOffsets, withNonce } from './response-cache.ts'
import { createNonceSource, nonceLength } from './security-headers.ts'

describe('createNonceSource', () => {
  it('gives distinct nonces of a fixed length, across refills of its pool', () => {
    const next = createNonceSource(64)
    const nonces = Array.from({ length: 50 }, next)
    expect(new Set(nonces).size).toBe(50)
    expect(nonces.every((nonce) => nonce.length === nonceLength && /^[A-Za-z0-9+/]+=*$/.test(nonce))).toBe(
      true,
    )
  })
})

describe('a cached page’s nonce', () => {
  it('is replaced at every place it was written, leaving the other bytes and the cached copy alone', () => {
    const old = 'AAAAAAAAAAAAAAAAAAAAAA=='
    const body = Buffer.from(`<p>caf\u00e9 – ${old}</p><script nonce="${old}"></script>`)
    const entry = { body, nonceOffsets: findNonceOffsets(body, old) }
    expect(entry.nonceOffsets).toHaveLength(2)
    const fresh = 'BBBBBBBBBBBBBBBBBBBBBB=='
    expect(withNonce(entry, fresh).toString()).toBe(
      `<p>caf\u00e9 – ${fresh}</p><script nonce="${fresh}"></script>`,
    )
    expect(body.toString()).toContain(old)
  })

  it('leaves a body without a nonce as it is', () => {
    const body = Buffer.from('{"items":[]}')
    expect(withNonce({ body, nonceOffsets: findNonceOffsets(body, '') }, 'x')).toBe(body)
  })
})
