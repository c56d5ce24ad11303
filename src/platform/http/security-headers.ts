import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

/**
 * The inline scripts a page may run, by their SHA-256 hash: only nhsuk-frontend's one line that marks the page
 * as having JavaScript. A hash rather than a per-request nonce keeps every page's bytes the same for everyone,
 * so cached pages are sent as they are (docs/adr/0008).
 */
export function hashInlineScripts(templatePath: string): string[] {
  const template = readFileSync(templatePath, 'utf8')
  const scripts = [...template.matchAll(/<script[^>]*>([^<]+)<\/script>/g)].map((match) => match[1]!)
  if (scripts.length === 0) throw new Error(`No inline script found in ${templatePath}`)
  return scripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`)
}

/**
 * Security headers on every response, and the request id for tracing. Only our own origin may supply scripts
 * (besides the hashed inline ones), styles and images; nothing may frame Trellis. The headers are built once:
 * this runs on every request.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  options: { readonly isProduction: boolean; readonly inlineScriptHashes: readonly string[] },
): void {
  const headers: Record<string, string> = {
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self' ${options.inlineScriptHashes.join(' ')}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self' https://assets.nhs.uk",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      ...(options.isProduction ? ['upgrade-insecure-requests'] : []),
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(options.isProduction ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.headers(headers)
    reply.header('x-request-id', request.id)
    done()
  })
}
