import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { HttpError } from './problem.ts'

/**
 * A role a person holds in an organisation. The roles themselves are the identity module's (`roleNames`); the
 * platform only needs their names. The role `framework-admin` is held across every organisation.
 */
export type RoleName = string

/** The role that acts across every organisation. */
export const globalRole = 'framework-admin'

/**
 * Who may use a route, declared beside it (`config: { policy }`) and checked before its handler:
 * - `public`: anyone, signed in or not;
 * - `development-only`: anyone, but the route is only registered outside production;
 * - `signed-in`: anyone signed in;
 * - `role`: someone holding one of `roles` — in the organisation named by the path parameter `organisationParam`
 *   when given, in any organisation otherwise. `globalRole` (framework-admin) is held across all organisations.
 */
export type RoutePolicy =
  | { readonly access: 'public' }
  | { readonly access: 'development-only' }
  | { readonly access: 'signed-in' }
  | { readonly access: 'role'; readonly roles: readonly RoleName[]; readonly organisationParam?: string }

export const publicPolicy: RoutePolicy = { access: 'public' }
export const signedInPolicy: RoutePolicy = { access: 'signed-in' }

/** Who is making a request: the signed-in person, with their memberships, loaded once per request. */
export interface Principal {
  readonly userId: string
  /** The person's name, for the page header. */
  readonly displayName: string
  readonly sessionId: string
  readonly memberships: readonly { readonly organisationId: string; readonly roles: readonly RoleName[] }[]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

export type AccessDecision = 'allow' | 'sign-in' | 'forbid'

export function holdsRole(principal: Principal, role: RoleName, organisationId?: string): boolean {
  return principal.memberships.some(
    (membership) =>
      membership.roles.includes(role) &&
      (organisationId === undefined ||
        role === 'framework-admin' ||
        membership.organisationId === organisationId),
  )
}

/** The rule itself, pure: may this principal use a route with this policy and these path parameters? */
export function decideAccess(
  policy: RoutePolicy | undefined,
  principal: Principal | null,
  params: Readonly<Record<string, string | undefined>>,
): AccessDecision {
  if (policy === undefined) return 'forbid'
  switch (policy.access) {
    case 'public':
    case 'development-only':
      return 'allow'
    case 'signed-in':
      return principal === null ? 'sign-in' : 'allow'
    case 'role': {
      if (principal === null) return 'sign-in'
      const organisationId =
        policy.organisationParam === undefined ? undefined : params[policy.organisationParam]
      if (policy.organisationParam !== undefined && organisationId === undefined) return 'forbid'
      return policy.roles.some((role) => holdsRole(principal, role, organisationId)) ? 'allow' : 'forbid'
    }
  }
}

export interface RegisteredRoute {
  readonly method: string
  readonly url: string
  readonly policy: RoutePolicy | undefined
  /** 'not-needed' when the route declares that it needs no CSRF token (public, changing nothing). */
  readonly csrf: 'not-needed' | undefined
}

/**
 * Checks every route's declared policy before its handler runs. A route without a policy is refused (and
 * logged), never open by default. Returns the list of routes as they are registered, for the authorisation
 * matrix test and for the closing documentation of who may do what.
 */
export function registerAccessControl(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = []
  app.decorateRequest('principal', null)
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD') continue
      // Read when asked, not now: an encapsulated plugin's own onRoute hook, which runs after this one, may be
      // what declares the policy (the static assets do).
      routes.push({
        method,
        url: route.url,
        get policy() {
          return route.config?.policy
        },
        get csrf() {
          return route.config?.csrf
        },
      })
    }
  })
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const policy = request.routeOptions.config.policy
    // Fastify's own 404 handler has no route options of ours: it only ever says "not found".
    if (request.routeOptions.url === undefined) return
    if (policy === undefined)
      request.log.error({ url: request.routeOptions.url }, 'route has no access policy')
    const decision = decideAccess(policy, request.principal, request.params as Record<string, string>)
    if (decision === 'allow') return
    if (decision === 'sign-in') {
      if (request.method === 'GET' && !isApiRequest(request)) {
        return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)
      }
      throw new HttpError(401, 'Sign in required', 'You need to sign in to do this.')
    }
    throw new HttpError(
      403,
      'You do not have permission',
      'Your account does not have permission to do this.',
    )
  })
  return routes
}

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/')
}
