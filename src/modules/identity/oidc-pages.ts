import type {} from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { publicPolicy, signedInPolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, type FieldError } from '../../platform/http/forms.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { createToken } from '../../platform/security/tokens.ts'
import type { CatalogueService } from '../catalogue/index.ts'
import type { AccountService } from './account-service.ts'
import { detailsForm, isSafeNext, nextQuery } from './identity-schemas.ts'
import type { BeginOutcome, CallbackOutcome, OidcService } from './oidc-service.ts'
import { setSessionCookie, type SessionCookieSettings } from './session-http.ts'

export interface OidcPagesDependencies {
  readonly oidc: OidcService
  readonly accounts: Pick<AccountService, 'findUser' | 'updateDetails'>
  readonly catalogue: Pick<CatalogueService, 'listProfessions' | 'listProfessionGroups'>
  readonly cookie: SessionCookieSettings
}

const publicRoute = { config: { policy: publicPolicy } }
const signedInRoute = { config: { policy: signedInPolicy } }

const providerParams = z.strictObject({ providerId: z.string().regex(/^[a-z0-9-]{1,40}$/) })
const signInMethodsQuery = z.strictObject({
  linked: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
})

/**
 * Signing in with an organisation's own OpenID Connect provider: the way out to the provider and back, linking
 * a provider account to a signed-in person's account, and completing the profile of an account the provider's
 * claims made (profession and registration number, which no provider knows).
 */
export function registerOidcPages(app: FastifyInstance, deps: OidcPagesDependencies): void {
  const { oidc, accounts, cookie } = deps
  // Ties a flow to the browser that began it (against login CSRF). Only a random value: the verifier and the
  // nonce stay in the database. Sent on the provider's top-level redirect back, which SameSite=Lax allows.
  const flowCookie = cookie.secure ? '__Host-trellis_oidc' : 'trellis_oidc'

  const flowBrowserOf = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = request.cookies[flowCookie]
    if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
    const value = createToken()
    reply.setCookie(flowCookie, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: cookie.secure })
    return value
  }

  const providerOf = (request: FastifyRequest) => {
    const { providerId } = parseParameters(providerParams, request.params, 'path')
    const provider = oidc.findProvider(providerId)
    if (provider === null) throw new NotFoundError(`There is no sign-in provider called ${providerId}.`)
    return provider
  }

  const goToProvider = (
    reply: FastifyReply,
    started: BeginOutcome,
    provider: { readonly id: string; readonly name: string },
    purpose: 'sign-in' | 'link',
    next: string | null = null,
  ) => {
    if (!started.ok) {
      if (started.problem === 'unknown-provider')
        throw new NotFoundError('There is no such sign-in provider.')
      return showProblem(reply, 503, 'unavailable', {
        providerName: provider.name,
        providerId: provider.id,
        purpose,
        next,
      })
    }
    return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl.href, 303)
  }

  const showProblem = (
    reply: FastifyReply,
    status: number,
    kind: string,
    model: {
      providerName: string
      providerId?: string
      purpose?: string | null
      email?: string | null
      next?: string | null
    },
  ) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .view('identity/views/oidc-problem.njk', {
        pageTitle: problemTitles[kind] ?? problemTitles.failed,
        kind,
        ...model,
      })

  const professionOptions = async (selected?: unknown) => {
    const [groups, professions] = await Promise.all([
      deps.catalogue.listProfessionGroups(),
      deps.catalogue.listProfessions(),
    ])
    return [
      { value: '', text: 'Select your profession' },
      ...groups.flatMap((group) =>
        professions
          .filter((p) => p.groupId === group.id)
          .map((p) => ({ value: p.id, text: `${p.name} (${group.name})`, selected: p.id === selected })),
      ),
    ]
  }

  const showCompleteProfile = async (
    reply: FastifyReply,
    values: Record<string, unknown>,
    next: string | undefined,
    errors: readonly FieldError[] = [],
  ) =>
    reply.code(errors.length > 0 ? 400 : 200).view('identity/views/oidc-complete-profile.njk', {
      pageTitle: 'Complete your profile',
      values,
      next,
      professions: await professionOptions(values.profession),
      errors: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: errorsByField(errors),
    })

  // Out to the provider and back ------------------------------------------------------------------------

  app.get('/sign-in/oidc/:providerId', publicRoute, async (request, reply) => {
    const provider = providerOf(request)
    const { next } = parseParameters(nextQuery, request.query, 'query')
    if (request.principal !== null) return reply.redirect(next ?? '/account', 303)
    const started = await oidc.begin(
      provider.id,
      { purpose: 'sign-in' },
      { next: next ?? null, browser: flowBrowserOf(request, reply) },
      requestContextOf(request),
    )
    return goToProvider(reply, started, provider, 'sign-in', next ?? null)
  })

  app.get('/sign-in/oidc/:providerId/callback', publicRoute, async (request, reply) => {
    const provider = providerOf(request)
    const queryAt = request.url.indexOf('?')
    const outcome: CallbackOutcome = await oidc.complete(
      provider.id,
      queryAt === -1 ? '' : request.url.slice(queryAt + 1),
      { browser: request.cookies[flowCookie], currentUserId: request.principal?.userId ?? null },
      requestContextOf(request),
    )
    const model = { providerName: provider.name, providerId: provider.id }
    switch (outcome.outcome) {
      case 'signed-in': {
        setSessionCookie(reply, outcome.session.token, cookie)
        const next = outcome.next ?? undefined
        if (outcome.profileIncomplete)
          return reply.redirect(
            `/account/complete-profile${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`,
            303,
          )
        return reply.redirect(next ?? '/account', 303)
      }
      case 'linked':
        return reply.redirect(`/account/sign-in-methods?linked=${provider.id}`, 303)
      case 'refused':
        if (outcome.reason === 'email-in-use')
          return reply
            .code(409)
            .header('cache-control', 'no-store')
            .view('identity/views/oidc-account-exists.njk', {
              pageTitle: 'You already have a Trellis account',
              email: outcome.email,
              signedIn: request.principal !== null,
              ...model,
            })
        return showProblem(reply, 403, outcome.reason, {
          ...model,
          email: outcome.email,
          next: outcome.next,
        })
      case 'attempt-problem':
        return showProblem(
          reply,
          outcome.problem === 'unknown' ? 400 : outcome.problem === 'other-browser' ? 403 : 410,
          `attempt-${outcome.problem}`,
          { ...model, purpose: outcome.purpose, next: outcome.next },
        )
      case 'provider-error':
        request.log.info({ provider: provider.id, error: outcome.error }, 'the provider returned an error')
        return outcome.error === 'access_denied'
          ? showProblem(reply, 403, 'access-denied', {
              ...model,
              purpose: outcome.purpose,
              next: outcome.next,
            })
          : showProblem(reply, 502, 'provider-error', {
              ...model,
              purpose: outcome.purpose,
              next: outcome.next,
            })
      case 'failed':
        request.log.warn({ err: outcome.cause, provider: provider.id }, 'OpenID Connect sign-in failed')
        return showProblem(reply, 502, 'failed', { ...model, purpose: outcome.purpose, next: outcome.next })
      case 'unknown-provider':
        throw new NotFoundError('There is no such sign-in provider.')
    }
  })

  // Linking a provider account to the signed-in person's account -------------------------------------------

  app.post('/account/identities/:providerId/link', signedInRoute, async (request, reply) => {
    const provider = providerOf(request)
    const started = await oidc.begin(
      provider.id,
      { purpose: 'link', userId: request.principal!.userId },
      { next: '/account/sign-in-methods', browser: flowBrowserOf(request, reply) },
      requestContextOf(request),
    )
    return goToProvider(reply, started, provider, 'link')
  })

  app.get('/account/sign-in-methods', signedInRoute, async (request, reply) => {
    const { linked } = parseParameters(signInMethodsQuery, request.query, 'query')
    const userId = request.principal!.userId
    const [user, methods] = await Promise.all([accounts.findUser(userId), oidc.listSignInMethods(userId)])
    const linkedProvider = linked === undefined ? null : oidc.findProvider(linked)
    return reply.view('identity/views/oidc-sign-in-methods.njk', {
      pageTitle: 'How you sign in',
      user,
      methods,
      notice: linkedProvider === null ? null : `You can now sign in to Trellis with ${linkedProvider.name}.`,
    })
  })

  // Completing a profile made from a provider's claims ------------------------------------------------------

  app.get('/account/complete-profile', signedInRoute, async (request, reply) => {
    const { next } = parseParameters(nextQuery, request.query, 'query')
    const user = await accounts.findUser(request.principal!.userId)
    if (user !== null && user.professionId !== null) return reply.redirect(next ?? '/account', 303)
    return showCompleteProfile(
      reply,
      // A name made from the address (the provider gave none) is not offered back as the person's name.
      { fullName: user === null || user.fullName === user.email ? '' : user.fullName },
      next,
    )
  })

  app.post('/account/complete-profile', signedInRoute, async (request, reply) => {
    const posted = (request.body as { next?: unknown } | undefined)?.next
    const next = typeof posted === 'string' && posted.length <= 500 && isSafeNext(posted) ? posted : undefined
    const form = parseForm(detailsForm, request.body)
    const result = form.ok
      ? await accounts.updateDetails(request.principal!.userId, form.data, requestContextOf(request))
      : form
    if (!result.ok) return showCompleteProfile(reply, form.ok ? form.data : form.values, next, result.errors)
    return reply.redirect(next ?? '/account?details=saved', 303)
  })
}

const problemTitles: Readonly<Record<string, string>> = {
  unavailable: 'Sign-in with your organisation is not available at the moment',
  'email-missing': 'Your organisation did not share your email address',
  'email-unverified': 'Your organisation has not confirmed your email address',
  'linked-to-another-account': 'This account is already used by someone else on Trellis',
  'provider-already-linked': 'You have already added a different account from this organisation',
  'link-session-changed': 'You need to sign in again to add this',
  'attempt-unknown': 'Sign-in did not work',
  'attempt-expired': 'Sign-in took too long',
  'attempt-used': 'This sign-in has already been used',
  'attempt-other-browser': 'Sign-in started in a different browser',
  'access-denied': 'You did not sign in with your organisation',
  'provider-error': 'Your organisation could not sign you in',
  failed: 'Sign-in with your organisation did not work',
}
