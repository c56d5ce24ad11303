import type {} from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SessionService } from './session-service.ts'

export interface SessionCookieSettings {
  /** `__Host-` names need Secure, so development over plain HTTP uses the plain name. */
  readonly name: string
  readonly secure: boolean
}

export function sessionCookieSettings(
  environment: 'development' | 'test' | 'production',
): SessionCookieSettings {
  return environment === 'production'
    ? { name: '__Host-trellis_session', secure: true }
    : { name: 'trellis_session', secure: false }
}

/** Loads who is signed in from the session cookie, once per request, before access control. */
export function registerSessionLoading(
  app: FastifyInstance,
  sessions: SessionService,
  cookie: SessionCookieSettings,
): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[cookie.name]
    // Stylesheets, scripts and images are the same for everyone: no database read, and fetching them is not
    // activity that keeps an idle session alive.
    if (token === undefined || request.url.startsWith('/assets/')) return
    request.principal = await sessions.resolve(token)
    // An ended or expired session: forget the cookie so the browser stops sending it.
    if (request.principal === null) clearSessionCookie(reply, cookie)
  })
}

export function setSessionCookie(reply: FastifyReply, token: string, cookie: SessionCookieSettings): void {
  reply.setCookie(cookie.name, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookie.secure })
}

export function clearSessionCookie(reply: FastifyReply, cookie: SessionCookieSettings): void {
  reply.clearCookie(cookie.name, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookie.secure })
}
