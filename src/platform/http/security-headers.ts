import { randomFillSync } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** A fresh nonce for this response's inline script (nhsuk-frontend's `js-enabled` line). */
    cspNonce: string
  }
}

/** Every nonce is 16 random bytes, written as 24 base64 characters: a fixed length the cache relies on. */
export const nonceLength = 24
const nonceBytes = 16

/**
 * Cryptographically random nonces, drawn from a pool that is refilled a few hundred requests at a time: one
 * call to the CSPRNG per refill instead of one per request, on the hot path of every response.
 */
export function createNonceSource(poolSize = 4096): () => string {
  const pool = Buffer.alloc(poolSize - (poolSize % nonceBytes))
  let offset = pool.length
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool)
      offset = 0
    }
    const nonce = pool.toString('base64', offset, offset + nonceBytes)
    offset += nonceBytes
    return nonce
  }
}

/**
 * Security headers on every response, with a Content-Security-Policy whose script nonce changes per request,
 * and the request id for tracing. Only our own origin may supply scripts, styles and images; nothing may frame
 * Trellis. Everything but the nonce is built once: this runs on every request.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { readonly isProduction: boolean },
): void {
  const nextNonce = createNonceSource()
  const policyBefore = "default-src 'self'; script-src 'self' 'nonce-"
  const policyAfter = [
    "'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' https://assets.nhs.uk",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.isProduction ? ['upgrade-insecure-requests'] : []),
  ].join('; ')
  const fixedHeaders: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(options.isProduction ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }

  app.decorateRequest('cspNonce', '')
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const nonce = nextNonce()
    request.cspNonce = nonce
    reply.headers(fixedHeaders)
    reply.header('content-security-policy', policyBefore + nonce + policyAfter)
    reply.header('x-request-id', request.id)
    done()
  })
}
