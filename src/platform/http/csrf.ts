import type {} from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createToken, safeEqual, signValue } from '../security/tokens.ts'
import { HttpError } from './problem.ts'

/** A posted form whose token is missing or does not belong to this browser's session. */
export class CsrfError extends HttpError {
  constructor() {
    super(
      403,
      'This form has expired',
      'Go back, reload the page and try again. Nothing you entered was saved.',
    )
    this.name = 'CsrfError'
  }
}

export interface CsrfOptions {
  readonly secret: string
  readonly secureCookies: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'not-needed': a route that changes nothing and reads no session, such as a public calculation. A forged
     * request to it can neither act for anyone nor read anything of theirs, so it needs no token.
     */
    csrf?: 'not-needed'
  }
}

const anonymousCookie = 'trellis_csrf'
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every state-changing request must carry a token tied to the browser: a hidden `_csrf` field in forms, or an
 * `x-csrf-token` header from API clients. The token is an HMAC of the session id — or, before sign-in, of a
 * random value in a cookie of its own — so it cannot be read or forged by another site. Checked before access
 * control and before the handler. Routes declared `csrf: 'not-needed'` (public, changing nothing, reading no
 * session) are the one exception.
 */
export function registerCsrfProtection(
  app: FastifyInstance,
  options: CsrfOptions,
): {
  tokenFor(request: FastifyRequest, reply: FastifyReply): string
} {
  const tokenForBinding = (binding: string) => signValue(options.secret, `csrf:${binding}`)

  const bindingOf = (request: FastifyRequest): string | undefined =>
    request.principal?.sessionId ?? request.cookies[anonymousCookie]

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!unsafeMethods.has(request.method) || request.routeOptions.config.csrf === 'not-needed') return
    const binding = bindingOf(request)
    const body = request.body as Record<string, unknown> | undefined
    const provided = typeof body?._csrf === 'string' ? body._csrf : request.headers['x-csrf-token']
    if (
      binding === undefined ||
      typeof provided !== 'string' ||
      !safeEqual(provided, tokenForBinding(binding))
    ) {
      throw new CsrfError()
    }
    // A form shown again with its errors carries the token it came with, so that it can be corrected and sent.
    reply.locals = { ...reply.locals, csrfToken: provided }
  })

  return {
    tokenFor(request, reply) {
      let binding = bindingOf(request)
      if (binding === undefined) {
        binding = createToken()
        request.cookies[anonymousCookie] = binding
        reply.setCookie(anonymousCookie, binding, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: options.secureCookies,
        })
      }
      return tokenForBinding(binding)
    },
  }
}
