import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A secret for a link or a cookie: 32 random bytes, URL-safe. Only its digest is ever stored. */
export function createToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The stored form of a token: SHA-256, hex. A leaked table does not give working links or sessions. */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function signValue(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url')
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
