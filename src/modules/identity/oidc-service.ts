import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto'
import * as openid from 'openid-client'
import { recordAudit, type AuditActor } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import { createRateLimiter, type RateLimiter, type RateLimitRule } from '../../platform/http/rate-limit.ts'
import type { RequestContext } from '../../platform/http/request-context.ts'
import { digestToken } from '../../platform/security/tokens.ts'
import { isNhsEmailDomain } from './account.ts'
import { createAccountRepository, type AccountRepository } from './account-repository.ts'
import type { AccountService, StartedSession } from './account-service.ts'
import {
  decideSignIn,
  readAssertedIdentity,
  type AssertedIdentity,
  type RefusalReason,
  type SignInDecision,
} from './oidc-linking.ts'
import { createOidcRepository, type OidcRepository, type SignInAttempt } from './oidc-repository.ts'

/** An OpenID Connect provider people may sign in with (OIDC_PROVIDERS). */
export interface OidcProviderSettings {
  /** Short id used in addresses: /sign-in/oidc/{id}. */
  readonly id: string
  /** "Sign in with {name}". */
  readonly name: string
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
}

export type FlowPurpose = SignInAttempt['purpose']

export type BeginOutcome =
  | { readonly ok: true; readonly authorizationUrl: URL }
  | { readonly ok: false; readonly problem: 'unknown-provider' | 'unavailable' }

/** Why the browser that came back cannot finish the flow it names. */
export type AttemptProblem = 'unknown' | 'expired' | 'used' | 'other-browser'

export type CallbackOutcome =
  | {
      readonly outcome: 'signed-in'
      readonly session: StartedSession
      /** A new account, made from the provider's claims just now. */
      readonly created: boolean
      /** No profession yet: the person completes their profile before anything else. */
      readonly profileIncomplete: boolean
      readonly next: string | null
    }
  | { readonly outcome: 'linked'; readonly providerName: string; readonly alreadyLinked: boolean }
  | {
      readonly outcome: 'refused'
      readonly reason: RefusalReason
      readonly purpose: FlowPurpose
      readonly providerName: string
      readonly email: string | null
      readonly next: string | null
    }
  | {
      readonly outcome: 'attempt-problem'
      readonly problem: AttemptProblem
      readonly purpose: FlowPurpose | null
      readonly providerName: string
      /** Where the person was going, when the attempt is known: a new try goes there too. */
      readonly next: string | null
    }
  | {
      /** The provider sent the person back with an error (`access_denied` when they cancelled or refused). */
      readonly outcome: 'provider-error'
      readonly error: string
      readonly purpose: FlowPurpose
      readonly providerName: string
      readonly next: string | null
    }
  | {
      /** The code exchange or the ID token's validation failed. */
      readonly outcome: 'failed'
      readonly purpose: FlowPurpose
      readonly providerName: string
      readonly next: string | null
      readonly cause: unknown
    }
  | { readonly outcome: 'unknown-provider' }

export interface SignInMethodSummary {
  readonly providerId: string
  readonly providerName: string
  /** False for an identity linked to a provider that is no longer configured. */
  readonly available: boolean
  readonly linkedAt: Date | null
}

/** Federated sign-in with OpenID Connect: the authorization code flow with PKCE, as a relying party. */
export interface OidcService {
  listProviders(): readonly { readonly id: string; readonly name: string }[]
  findProvider(providerId: string): { readonly id: string; readonly name: string } | null
  /**
   * Starts a flow: records it (keyed by a digest of its state) and gives the address to send the browser to.
   * `browser` is the value of the browser's flow cookie: only a browser holding it can finish the flow.
   */
  begin(
    providerId: string,
    flow: { readonly purpose: 'sign-in' } | { readonly purpose: 'link'; readonly userId: string },
    options: { readonly next: string | null; readonly browser: string },
    context: RequestContext,
  ): Promise<BeginOutcome>
  /** Finishes a flow from the provider's redirect (its raw query string), by the linking rules. */
  complete(
    providerId: string,
    rawQuery: string,
    options: { readonly browser: string | undefined; readonly currentUserId: string | null },
    context: RequestContext,
  ): Promise<CallbackOutcome>
  /** Every configured provider, and any linked identity of a provider no longer configured, for this person. */
  listSignInMethods(userId: string): Promise<SignInMethodSummary[]>
}

export interface OidcServiceDependencies {
  readonly db: Database
  readonly accountService: Pick<AccountService, 'startSession'>
  readonly providers: readonly OidcProviderSettings[]
  readonly publicUrl: string
  readonly accounts?: AccountRepository
  readonly attempts?: OidcRepository
  readonly rateLimiter?: RateLimiter
  readonly now?: () => Date
}

export const oidcScope = 'openid email profile'

/** Long enough for a person to find their phone for their organisation's second factor. */
const attemptLifetimeMinutes = 15
/** Ended attempts are kept a day, so that a late or repeated callback is told "expired" or "used". */
const attemptRetentionMs = 24 * 3_600_000

export const oidcRateLimit = {
  name: 'sign-ins with an organisation account from your network',
  // Generous: a whole trust's staff may come from one address.
  limit: 300,
  windowSeconds: 15 * 60,
} as const satisfies RateLimitRule

export function createOidcService(deps: OidcServiceDependencies): OidcService {
  const { db, accountService, providers, publicUrl } = deps
  const accounts = deps.accounts ?? createAccountRepository(db)
  const attempts = deps.attempts ?? createOidcRepository(db)
  const rateLimiter = deps.rateLimiter ?? createRateLimiter(db, deps.now)
  const now = deps.now ?? (() => new Date())
  const byId = new Map(providers.map((provider) => [provider.id, provider]))
  const configurations = createConfigurationCache()

  const redirectUriOf = (provider: OidcProviderSettings) =>
    `${publicUrl}/sign-in/oidc/${provider.id}/callback`

  const audit = (
    tx: Sql,
    actor: AuditActor,
    action: string,
    subjectId: string | null,
    context: RequestContext,
    details: Record<string, unknown>,
  ) => recordAudit(tx, { actor, action, subjectType: 'account', subjectId, origin: context, details })

  /** A sign-in or link that did not happen: on the account it concerns, when there is one. */
  const auditFailure = (
    attempt: SignInAttempt,
    provider: OidcProviderSettings,
    reason: string,
    context: RequestContext,
    subjectId: string | null = attempt.userId,
  ) =>
    db.transaction((tx) =>
      audit(
        tx,
        attempt.userId === null ? { label: 'anonymous' } : { userId: attempt.userId },
        'sign-in.failed',
        subjectId,
        context,
        { method: 'oidc', provider: provider.id, reason },
      ),
    )

  async function refuse(
    decision: Extract<SignInDecision, { action: 'refuse' }>,
    facts: { attempt: SignInAttempt; provider: OidcProviderSettings; asserted: AssertedIdentity },
    userIdWithEmail: string | null,
    context: RequestContext,
  ): Promise<CallbackOutcome> {
    const { attempt, provider, asserted } = facts
    // Someone tried to reach the account with this address: its own history says so.
    const subjectId = attempt.userId ?? (decision.reason === 'email-in-use' ? userIdWithEmail : null)
    await auditFailure(attempt, provider, decision.reason, context, subjectId)
    return {
      outcome: 'refused',
      reason: decision.reason,
      purpose: attempt.purpose,
      providerName: provider.name,
      email: asserted.email,
      next: attempt.next,
    }
  }

  /** Applies the linking rules; a unique-key race with another request is settled by deciding again. */
  async function settle(
    attempt: SignInAttempt,
    provider: OidcProviderSettings,
    asserted: AssertedIdentity,
    currentUserId: string | null,
    context: RequestContext,
  ): Promise<CallbackOutcome> {
    for (let round = 1; ; round += 1) {
      const linked = await accounts.findIdentity(asserted.issuer, asserted.subject)
      const withEmail =
        attempt.purpose === 'sign-in' && linked === null && asserted.email !== null
          ? await accounts.findUserByEmail(asserted.email)
          : null
      const ownIdentities = attempt.userId === null ? [] : await accounts.listIdentities(attempt.userId)
      const decision = decideSignIn({
        purpose: attempt.purpose,
        asserted,
        linkedUserId: linked?.userId ?? null,
        linkingUserId: attempt.userId,
        currentUserId,
        userIdWithEmail: withEmail?.id ?? null,
        hasOtherIdentityAtIssuer: ownIdentities.some(
          (identity) => identity.issuer === asserted.issuer && identity.subject !== asserted.subject,
        ),
      })
      try {
        return await carryOut(decision, attempt, provider, asserted, context, withEmail?.id ?? null)
      } catch (error) {
        if (round < 2 && isUniqueViolation(error)) continue
        throw error
      }
    }
  }

  async function carryOut(
    decision: SignInDecision,
    attempt: SignInAttempt,
    provider: OidcProviderSettings,
    asserted: AssertedIdentity,
    context: RequestContext,
    userIdWithEmail: string | null,
  ): Promise<CallbackOutcome> {
    const identity = { issuer: asserted.issuer, subject: asserted.subject, providerId: provider.id }
    const linkedDetails = { provider: provider.id, issuer: asserted.issuer }
    switch (decision.action) {
      case 'refuse':
        return refuse(decision, { attempt, provider, asserted }, userIdWithEmail, context)

      case 'sign-in': {
        const session = await db.transaction((tx) =>
          accountService.startSession(tx, decision.userId, 'oidc', context),
        )
        const user = await accounts.findUserById(decision.userId)
        return {
          outcome: 'signed-in',
          session,
          created: false,
          profileIncomplete: user?.professionId === null,
          next: attempt.next,
        }
      }

      case 'create': {
        const email = asserted.email!
        const userId = randomUUID()
        const session = await db.transaction(async (tx) => {
          await accounts.insertUser(tx, {
            id: userId,
            fullName: asserted.fullName ?? email,
            email,
            emailVerifiedAt: now(),
            isNhsEmail: isNhsEmailDomain(email),
            professionId: null,
            registrationNumber: null,
            passwordHash: null,
          })
          await audit(tx, { userId }, 'account.created', userId, context, {
            method: 'oidc',
            provider: provider.id,
          })
          await accounts.linkIdentity(tx, { ...identity, userId })
          await audit(tx, { userId }, 'oidc.linked', userId, context, linkedDetails)
          return accountService.startSession(tx, userId, 'oidc', context)
        })
        return { outcome: 'signed-in', session, created: true, profileIncomplete: true, next: attempt.next }
      }

      case 'link': {
        await db.transaction(async (tx) => {
          await accounts.linkIdentity(tx, { ...identity, userId: decision.userId })
          await audit(tx, { userId: decision.userId }, 'oidc.linked', decision.userId, context, linkedDetails)
        })
        return { outcome: 'linked', providerName: provider.name, alreadyLinked: false }
      }

      case 'already-linked':
        return { outcome: 'linked', providerName: provider.name, alreadyLinked: true }
    }
  }

  return {
    listProviders: () => providers.map(({ id, name }) => ({ id, name })),

    findProvider(providerId) {
      const provider = byId.get(providerId)
      return provider === undefined ? null : { id: provider.id, name: provider.name }
    },

    async begin(providerId, flow, options, context) {
      const provider = byId.get(providerId)
      if (provider === undefined) return { ok: false, problem: 'unknown-provider' }
      await rateLimiter.hit(oidcRateLimit, [context.ip])
      let configuration: openid.Configuration
      try {
        configuration = await configurations.get(provider)
      } catch {
        return { ok: false, problem: 'unavailable' }
      }
      const at = now()
      await attempts.deleteExpiredAttempts(new Date(at.getTime() - attemptRetentionMs))
      const state = openid.randomState()
      const nonce = openid.randomNonce()
      const codeVerifier = openid.randomPKCECodeVerifier()
      await attempts.insertAttempt({
        id: digestToken(state),
        providerId: provider.id,
        purpose: flow.purpose,
        userId: flow.purpose === 'link' ? flow.userId : null,
        codeVerifierSealed: sealWithState(codeVerifier, state),
        nonce,
        browserDigest: digestToken(options.browser),
        next: options.next,
        expiresAt: new Date(at.getTime() + attemptLifetimeMinutes * 60_000),
      })
      const authorizationUrl = openid.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUriOf(provider),
        scope: oidcScope,
        state,
        nonce,
        code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      })
      return { ok: true, authorizationUrl }
    },

    async complete(providerId, rawQuery, options, context) {
      const provider = byId.get(providerId)
      if (provider === undefined) return { outcome: 'unknown-provider' }
      const query = new URLSearchParams(rawQuery)
      const state = query.get('state')
      const attempt =
        state !== null && state.length > 0 && state.length <= 200
          ? await attempts.findAttempt(digestToken(state))
          : null
      const problem = (kind: AttemptProblem): CallbackOutcome => ({
        outcome: 'attempt-problem',
        problem: kind,
        purpose: kind === 'unknown' ? null : (attempt?.purpose ?? null),
        providerName: provider.name,
        next: kind === 'unknown' ? null : (attempt?.next ?? null),
      })
      if (state === null || attempt === null || attempt.providerId !== provider.id) return problem('unknown')
      if (attempt.usedAt !== null) return problem('used')
      if (attempt.expiresAt <= now()) return problem('expired')
      // Checked before the attempt is used up: a stranger's browser cannot spoil the flow of the one that began it.
      if (options.browser === undefined || digestToken(options.browser) !== attempt.browserDigest)
        return problem('other-browser')
      if (!(await attempts.useAttempt(attempt.id, now()))) return problem('used')

      const base = { purpose: attempt.purpose, providerName: provider.name, next: attempt.next }
      const error = query.get('error')
      if (error !== null) {
        await auditFailure(attempt, provider, error.slice(0, 100), context)
        return { outcome: 'provider-error', error: error.slice(0, 100), ...base }
      }

      let asserted: AssertedIdentity
      try {
        const configuration = await configurations.get(provider)
        const tokens = await openid.authorizationCodeGrant(
          configuration,
          new URL(`${redirectUriOf(provider)}?${query.toString()}`),
          {
            pkceCodeVerifier: openWithState(attempt.codeVerifierSealed, state),
            expectedState: state,
            expectedNonce: attempt.nonce,
            idTokenExpected: true,
          },
        )
        const claims = tokens.claims()
        if (claims === undefined) throw new Error('The provider returned no ID token')
        // The ID token of a code flow often carries only `sub`: the rest comes from userinfo when it is offered.
        const needsUserInfo =
          claims.email === undefined || claims.email_verified === undefined || claims.name === undefined
        const userInfo =
          needsUserInfo && configuration.serverMetadata().userinfo_endpoint !== undefined
            ? await openid.fetchUserInfo(configuration, tokens.access_token, claims.sub)
            : {}
        asserted = readAssertedIdentity(claims, userInfo)
      } catch (cause) {
        // A protocol answer (a refused code, a bad token) says nothing about the cached discovery; anything
        // else (the network, keys, metadata) may mean the provider changed: discover it again next time.
        if (
          !(cause instanceof openid.ResponseBodyError) &&
          !(cause instanceof openid.AuthorizationResponseError)
        )
          configurations.forget(provider.id)
        await auditFailure(attempt, provider, 'token-exchange-failed', context)
        return { outcome: 'failed', cause, ...base }
      }
      return settle(attempt, provider, asserted, options.currentUserId, context)
    },

    async listSignInMethods(userId) {
      const identities = await accounts.listIdentities(userId)
      const configured = providers.map((provider) => ({
        providerId: provider.id,
        providerName: provider.name,
        available: true,
        linkedAt: identities.find((identity) => identity.providerId === provider.id)?.linkedAt ?? null,
      }))
      const retired = identities
        .filter((identity) => !byId.has(identity.providerId))
        .map((identity) => ({
          providerId: identity.providerId,
          providerName: identity.providerId,
          available: false,
          linkedAt: identity.linkedAt,
        }))
      return [...configured, ...retired]
    },
  }
}

/**
 * Discovered provider configurations, one per provider, kept while they work. A failed discovery is not kept,
 * so the next sign-in tries again; `forget` drops one that stopped working.
 */
function createConfigurationCache() {
  const cache = new Map<string, Promise<openid.Configuration>>()

  async function discover(provider: OidcProviderSettings): Promise<openid.Configuration> {
    const issuer = new URL(provider.issuer)
    // Plain HTTP only to this machine (a provider in development or tests); anywhere else, TLS.
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname)
    const execute = insecure ? [openid.allowInsecureRequests] : []
    const discovered = await openid.discovery(
      issuer,
      provider.clientId,
      provider.clientSecret,
      openid.ClientSecretBasic(provider.clientSecret),
      { execute, timeout: 10 },
    )
    // client_secret_basic is the default of the standard; use client_secret_post only where it is all there is.
    const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported
    if (
      methods === undefined ||
      methods.includes('client_secret_basic') ||
      !methods.includes('client_secret_post')
    )
      return discovered
    const configuration = new openid.Configuration(
      discovered.serverMetadata(),
      provider.clientId,
      provider.clientSecret,
      openid.ClientSecretPost(provider.clientSecret),
    )
    for (const apply of execute) apply(configuration)
    return configuration
  }

  return {
    get(provider: OidcProviderSettings): Promise<openid.Configuration> {
      let found = cache.get(provider.id)
      if (found === undefined) {
        found = discover(provider)
        cache.set(provider.id, found)
        found.catch(() => {
          if (cache.get(provider.id) === found) cache.delete(provider.id)
        })
      }
      return found
    },
    forget(providerId: string): void {
      cache.delete(providerId)
    },
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** PostgreSQL's unique_violation, from either engine. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}

// The code verifier is stored encrypted under a key derived from the state, which only the browser and the
// provider hold: the stored row alone cannot redeem an intercepted code.

const sealKey = (state: string) => createHash('sha256').update(`trellis-oidc-verifier:${state}`).digest()

export function sealWithState(secret: string, state: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealKey(state), iv)
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.')
}

export function openWithState(sealed: string, state: string): string {
  const [iv, data, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'))
  if (iv === undefined || data === undefined || tag === undefined)
    throw new Error('A sealed value has three parts')
  const decipher = createDecipheriv('aes-256-gcm', sealKey(state), iv)
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
}
