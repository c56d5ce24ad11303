import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** A fresh nonce for this response's inline script (nhsuk-frontend's `js-enabled` line). */
    cspNonce: string
  }
}

/**
 * Security headers on every response, with a Content-Security-Policy whose script nonce changes per request,
 * and the request id for tracing. Only our own origin may supply scripts, styles and images; nothing may
 * frame Trellis. Everything but the nonce is built once: this runs on every request.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { readonly isProduction: boolean },
): void {
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
    const nonce = randomBytes(16).toString('base64')
    request.cspNonce = nonce
    reply.headers(fixedHeaders)
    reply.header('content-security-policy', policyBefore + nonce + policyAfter)
    reply.header('x-request-id', request.id)
    done()
  })
}
