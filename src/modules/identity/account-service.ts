import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditActor } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import type { Mailer } from '../../platform/email/mailer.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import type { RateLimiter, RateLimitRule } from '../../platform/http/rate-limit.ts'
import type { RequestContext } from '../../platform/http/request-context.ts'
import type { PasswordHashing } from '../../platform/security/password-hash.ts'
import { createToken, digestToken } from '../../platform/security/tokens.ts'
import type { CatalogueService } from '../catalogue/index.ts'
import {
  checkRegistrationNumber,
  findPasswordProblem,
  isNhsEmailDomain,
  normaliseEmail,
  type PersonalData,
  type User,
} from './account.ts'
import {
  alreadyRegisteredMessage,
  confirmNewEmailMessage,
  emailChangeRequestedMessage,
  passwordChangedMessage,
  resetPasswordMessage,
  signInLinkMessage,
  verifyEmailMessage,
} from './account-emails.ts'
import type { AccountRepository, OneTimeToken, TokenPurpose } from './account-repository.ts'
import type { SignUpForm } from './identity-schemas.ts'
import type { MembershipRepository } from './membership-repository.ts'
import type { SessionRepository } from './session-repository.ts'
import type { SessionService } from './session-service.ts'
import type { SignInMethod } from './session.ts'

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** A signed-in session to set as the cookie. */
export interface StartedSession {
  readonly userId: string
  readonly token: string
  readonly sessionId: string
}

/** What a link's token turned out to be. */
export type LinkState =
  { readonly state: 'valid'; readonly email: string } | { readonly state: 'expired' | 'used' | 'unknown' }

export const rateLimits = {
  signIn: { name: 'sign-in attempts', limit: 10, windowSeconds: 15 * 60 },
  signInByAddress: { name: 'sign-in attempts from your network', limit: 100, windowSeconds: 15 * 60 },
  signUp: { name: 'accounts created from your network', limit: 10, windowSeconds: 60 * 60 },
  emailLinks: { name: 'requests for emailed links', limit: 5, windowSeconds: 60 * 60 },
  emailLinksByAddress: {
    name: 'requests for emailed links from your network',
    limit: 30,
    windowSeconds: 60 * 60,
  },
} as const satisfies Record<string, RateLimitRule>

const lifetimes: Readonly<Record<TokenPurpose, number>> = {
  'verify-email': 24 * 60,
  'sign-in': 15,
  'reset-password': 60,
  'change-email': 24 * 60,
}

/** Sign-up, sign-in (password or emailed link), email verification and change, password reset, your data. */
export interface AccountService {
  signUp(form: SignUpForm, context: RequestContext): Promise<Outcome<null>>
  resendVerification(email: string, context: RequestContext): Promise<void>
  signInWithPassword(
    email: string,
    password: string,
    context: RequestContext,
  ): Promise<Outcome<StartedSession>>
  requestSignInLink(email: string, context: RequestContext): Promise<void>
  requestPasswordReset(email: string, context: RequestContext): Promise<void>
  /** What a link is, without using it (the confirmation page shows before the POST uses it). */
  inspectLink(token: string, purposes: readonly TokenPurpose[]): Promise<LinkState>
  /** Uses a verify-email, change-email or sign-in link, and signs the person in. */
  useEmailLink(
    token: string,
    purposes: readonly TokenPurpose[],
    context: RequestContext,
  ): Promise<LinkState | StartedSession>
  resetPassword(
    token: string,
    password: string,
    confirmPassword: string,
    context: RequestContext,
  ): Promise<Outcome<StartedSession> | LinkState>
  changePassword(
    userId: string,
    current: string,
    password: string,
    confirm: string,
    context: RequestContext,
  ): Promise<Outcome<StartedSession>>
  requestEmailChange(
    userId: string,
    newEmail: string,
    currentPassword: string | undefined,
    context: RequestContext,
  ): Promise<Outcome<null>>
  updateDetails(
    userId: string,
    form: { fullName: string; profession: string; registrationNumber: string },
    context: RequestContext,
  ): Promise<Outcome<null>>
  /** Ends this session; returns how it had been signed in to. */
  signOut(sessionId: string, userId: string, context: RequestContext): Promise<SignInMethod | null>
  /** Ends every session of this person and starts a new one for the browser that asked. */
  /** Ends every session of the person, this one too, and starts a new one here, signed in the same way. */
  signOutEverywhere(userId: string, sessionId: string, context: RequestContext): Promise<StartedSession>
  findUser(userId: string): Promise<User | null>
  exportPersonalData(userId: string, context: RequestContext): Promise<PersonalData>
  closeAccount(
    userId: string,
    currentPassword: string | undefined,
    context: RequestContext,
  ): Promise<Outcome<null>>
  /** Starts a session for someone already authenticated (OpenID Connect), in the caller's transaction. */
  startSession(
    tx: Sql,
    userId: string,
    method: SignInMethod,
    context: RequestContext,
  ): Promise<StartedSession>
}

/**
 * Another module's share of what Trellis holds about a person (the learning module's learner record), given to
 * the account service by the composition root, so that identity depends on no module that depends on it.
 * "Download your data" includes its export; closing an account runs its erasure in the same transaction as the
 * account's own, so that an account is never closed with the rest of its data left behind, or the other way.
 */
export interface PersonalDataContributor {
  /** Its part's name in the download, such as `learningRecord`. */
  readonly section: string
  /** Everything it holds about the person, as plain JSON-ready data. */
  export(userId: string, tx?: Sql): Promise<unknown>
  /** Erases or anonymises the person's data; returns what it did, in numbers, for the audit log. */
  erase(tx: Sql, userId: string): Promise<Readonly<Record<string, number>>>
}

/** The download's own parts: no contributor may take their names. */
const ownSections = ['account', 'memberships', 'sessions', 'auditEvents']

export interface AccountServiceDependencies {
  readonly db: Database
  readonly accounts: AccountRepository
  readonly sessions: SessionService
  readonly sessionRecords: SessionRepository
  readonly memberships: Pick<MembershipRepository, 'removeAllForUser'>
  readonly passwords: PasswordHashing
  readonly mailer: Mailer
  readonly rateLimiter: RateLimiter
  readonly catalogue: Pick<CatalogueService, 'findProfession'>
  readonly publicUrl: string
  /** Other modules' data about a person, exported and erased with the account's. */
  readonly personalData?: readonly PersonalDataContributor[]
  readonly now?: () => Date
}

export function createAccountService(deps: AccountServiceDependencies): AccountService {
  const { db, accounts, sessions, passwords, mailer, rateLimiter, catalogue, publicUrl } = deps
  const now = deps.now ?? (() => new Date())
  const contributors = deps.personalData ?? []
  const sections = [...ownSections, ...contributors.map((contributor) => contributor.section)]
  if (new Set(sections).size !== sections.length)
    throw new Error(`Personal data sections must differ: ${sections.join(', ')}`)
  const link = (path: string, token: string) => `${publicUrl}${path}?token=${token}`
  const emailKey = (email: string) => digestToken(`email:${normaliseEmail(email)}`)
  // Compared against when nobody has that address, so that a wrong address takes as long as a wrong password.
  let decoyHash: Promise<string> | undefined
  const decoy = () => (decoyHash ??= passwords.hash(createToken()))

  const audit = (
    tx: Sql,
    actor: AuditActor,
    action: string,
    subjectId: string | null,
    context: RequestContext,
    details?: Record<string, unknown>,
  ) =>
    recordAudit(tx, {
      actor,
      action,
      subjectType: 'account',
      subjectId,
      origin: context,
      ...(details === undefined ? {} : { details }),
    })

  /** A new single-use link for this person and purpose; earlier unused ones stop working. */
  async function issueToken(tx: Sql, purpose: TokenPurpose, userId: string, email: string): Promise<string> {
    const token = createToken()
    const at = now()
    await accounts.expireTokens(tx, userId, purpose, at)
    await accounts.insertToken(tx, {
      id: digestToken(token),
      purpose,
      userId,
      email,
      expiresAt: new Date(at.getTime() + lifetimes[purpose] * 60_000),
    })
    return token
  }

  function stateOf(token: OneTimeToken | null, purposes: readonly TokenPurpose[]): LinkState {
    if (token === null || !purposes.includes(token.purpose)) return { state: 'unknown' }
    if (token.usedAt !== null) return { state: 'used' }
    if (token.expiresAt <= now()) return { state: 'expired' }
    return { state: 'valid', email: token.email }
  }

  async function checkProfession(
    professionId: string,
    registrationNumber: string,
  ): Promise<FieldError[] | string> {
    const profession = await catalogue.findProfession(professionId)
    if (profession === null) return [{ field: 'profession', message: 'Select your profession from the list' }]
    const check = checkRegistrationNumber(profession.registrations, registrationNumber)
    return check.ok ? check.normalised : [{ field: 'registrationNumber', message: check.message }]
  }

  async function startSession(
    tx: Sql,
    userId: string,
    method: SignInMethod,
    context: RequestContext,
  ): Promise<StartedSession> {
    const started = await sessions.start(tx, userId, method, context)
    await audit(tx, { userId }, 'session.signed-in', userId, context, { method })
    return { userId, ...started }
  }

  async function limitEmailLinks(email: string, context: RequestContext) {
    await rateLimiter.hit(rateLimits.emailLinks, [emailKey(email)])
    await rateLimiter.hit(rateLimits.emailLinksByAddress, [context.ip])
  }

  const service: AccountService = {
    async signUp(form, context) {
      await rateLimiter.hit(rateLimits.signUp, [context.ip])
      const email = normaliseEmail(form.email)
      const errors: FieldError[] = []
      const registration = await checkProfession(form.profession, form.registrationNumber)
      if (typeof registration !== 'string') errors.push(...registration)
      const passwordProblem = findPasswordProblem(form.password, { email, fullName: form.fullName })
      if (passwordProblem !== null) errors.push({ field: 'password', message: passwordProblem })
      else if (form.confirmPassword !== form.password)
        errors.push({ field: 'confirmPassword', message: 'Passwords do not match' })
      if (errors.length > 0 || typeof registration !== 'string')
        return { ok: false, errors: orderErrors(errors) }

      const existing = await accounts.findUserByEmail(email)
      if (existing !== null) {
        // Say nothing on the page that tells a stranger the address has an account: tell its owner instead.
        await mailer.send(
          alreadyRegisteredMessage(email, `${publicUrl}/sign-in`, `${publicUrl}/password-reset`),
        )
        return { ok: true, value: null }
      }
      const passwordHash = await passwords.hash(form.password)
      const userId = randomUUID()
      const token = await db.transaction(async (tx) => {
        await accounts.insertUser(tx, {
          id: userId,
          fullName: form.fullName,
          email,
          emailVerifiedAt: null,
          isNhsEmail: false,
          professionId: form.profession,
          registrationNumber: registration,
          passwordHash,
        })
        await audit(tx, { userId }, 'account.created', userId, context, { profession: form.profession })
        return issueToken(tx, 'verify-email', userId, email)
      })
      await mailer.send(verifyEmailMessage(email, link('/verify-email', token)))
      return { ok: true, value: null }
    },

    async resendVerification(rawEmail, context) {
      const email = normaliseEmail(rawEmail)
      await limitEmailLinks(email, context)
      const user = await accounts.findUserByEmail(email)
      if (user === null || user.emailVerifiedAt !== null) return
      const token = await db.transaction((tx) => issueToken(tx, 'verify-email', user.id, email))
      await mailer.send(verifyEmailMessage(email, link('/verify-email', token)))
    },

    async signInWithPassword(rawEmail, password, context) {
      const email = normaliseEmail(rawEmail)
      await rateLimiter.hit(rateLimits.signIn, [emailKey(email)])
      await rateLimiter.hit(rateLimits.signInByAddress, [context.ip])
      const user = await accounts.findUserByEmail(email)
      const hash = user === null ? null : await accounts.findPasswordHash(user.id)
      const matches = await passwords.verify(password, hash ?? (await decoy()))
      if (user === null || hash === null || !matches) {
        await db.transaction((tx) =>
          audit(
            tx,
            user === null ? { label: 'anonymous' } : { userId: user.id },
            'sign-in.failed',
            user?.id ?? null,
            context,
            {
              method: 'password',
            },
          ),
        )
        return {
          ok: false,
          errors: [{ field: 'email', message: 'The email address or password is not right' }],
        }
      }
      if (user.emailVerifiedAt === null) {
        return {
          ok: false,
          errors: [
            {
              field: 'email',
              message: 'Confirm your email address first: use the link we sent you, or ask for a new one',
            },
          ],
        }
      }
      return {
        ok: true,
        value: await db.transaction(async (tx) => {
          if (passwords.needsRehash(hash))
            await accounts.setPasswordHash(tx, user.id, await passwords.hash(password))
          return startSession(tx, user.id, 'password', context)
        }),
      }
    },

    async requestSignInLink(rawEmail, context) {
      const email = normaliseEmail(rawEmail)
      await limitEmailLinks(email, context)
      const user = await accounts.findUserByEmail(email)
      if (user === null) return
      const token = await db.transaction(async (tx) => {
        await audit(tx, { userId: user.id }, 'sign-in.link-requested', user.id, context)
        return issueToken(tx, 'sign-in', user.id, email)
      })
      await mailer.send(signInLinkMessage(email, link('/sign-in/link', token)))
    },

    async requestPasswordReset(rawEmail, context) {
      const email = normaliseEmail(rawEmail)
      await limitEmailLinks(email, context)
      const user = await accounts.findUserByEmail(email)
      if (user === null) return
      const token = await db.transaction(async (tx) => {
        await audit(tx, { userId: user.id }, 'password.reset-requested', user.id, context)
        return issueToken(tx, 'reset-password', user.id, email)
      })
      await mailer.send(resetPasswordMessage(email, link('/password-reset/new', token)))
    },

    async inspectLink(token, purposes) {
      return stateOf(await accounts.findToken(digestToken(token)), purposes)
    },

    async useEmailLink(token, purposes, context) {
      const id = digestToken(token)
      const outcome = await db.transaction(async (tx): Promise<LinkState | StartedSession> => {
        const found = await accounts.findToken(id, tx)
        const state = stateOf(found, purposes)
        if (state.state !== 'valid' || found === null) return state
        if (!(await accounts.useToken(tx, id, now()))) return { state: 'used' }
        const user = await accounts.findUserById(found.userId, tx)
        if (user === null || user.closedAt !== null) return { state: 'unknown' }
        if (found.purpose === 'change-email') {
          const taken = await accounts.findUserByEmail(found.email, tx)
          if (taken !== null && taken.id !== user.id) return { state: 'unknown' }
          await accounts.setEmail(tx, user.id, found.email, now(), isNhsEmailDomain(found.email))
          await audit(tx, { userId: user.id }, 'account.email-changed', user.id, context, {
            nhsEmail: isNhsEmailDomain(found.email),
          })
          // A privilege may have changed (NHS email): start afresh everywhere.
          await sessions.endAll(tx, user.id)
        } else if (user.emailVerifiedAt === null || user.email !== found.email) {
          if (user.email !== found.email) return { state: 'unknown' }
          await accounts.setEmail(tx, user.id, found.email, now(), isNhsEmailDomain(found.email))
          await audit(tx, { userId: user.id }, 'account.email-verified', user.id, context, {
            nhsEmail: isNhsEmailDomain(found.email),
          })
        }
        return startSession(tx, user.id, 'email-link', context)
      })
      return outcome
    },

    async resetPassword(token, password, confirmPassword, context) {
      const id = digestToken(token)
      const found = await accounts.findToken(id)
      const state = stateOf(found, ['reset-password'])
      if (state.state !== 'valid' || found === null) return state
      const user = await accounts.findUserById(found.userId)
      if (user === null || user.email === null) return { state: 'unknown' }
      const problem = findPasswordProblem(password, { email: user.email, fullName: user.fullName })
      if (problem !== null) return { ok: false, errors: [{ field: 'password', message: problem }] }
      if (confirmPassword !== password)
        return { ok: false, errors: [{ field: 'confirmPassword', message: 'Passwords do not match' }] }
      const hash = await passwords.hash(password)
      const result = await db.transaction(async (tx): Promise<LinkState | StartedSession> => {
        if (!(await accounts.useToken(tx, id, now()))) return { state: 'used' }
        await accounts.setPasswordHash(tx, user.id, hash)
        if (user.emailVerifiedAt === null)
          await accounts.setEmail(tx, user.id, found.email, now(), isNhsEmailDomain(found.email))
        await sessions.endAll(tx, user.id)
        await audit(tx, { userId: user.id }, 'password.reset', user.id, context)
        return startSession(tx, user.id, 'password', context)
      })
      if ('state' in result) return result
      await mailer.send(passwordChangedMessage(found.email))
      return { ok: true, value: result }
    },

    async changePassword(userId, current, password, confirm, context) {
      const user = await accounts.findUserById(userId)
      const hash = await accounts.findPasswordHash(userId)
      if (user === null || user.email === null)
        return { ok: false, errors: [{ field: 'currentPassword', message: 'Your account is closed' }] }
      await rateLimiter.hit(rateLimits.signIn, [emailKey(user.email)])
      if (hash !== null && !(await passwords.verify(current, hash))) {
        return {
          ok: false,
          errors: [{ field: 'currentPassword', message: 'Your current password is not right' }],
        }
      }
      const problem = findPasswordProblem(password, { email: user.email, fullName: user.fullName })
      if (problem !== null) return { ok: false, errors: [{ field: 'password', message: problem }] }
      if (confirm !== password)
        return { ok: false, errors: [{ field: 'confirmPassword', message: 'Passwords do not match' }] }
      const newHash = await passwords.hash(password)
      const session = await db.transaction(async (tx) => {
        await accounts.setPasswordHash(tx, userId, newHash)
        await sessions.endAll(tx, userId)
        await audit(tx, { userId }, 'password.changed', userId, context)
        return startSession(tx, userId, 'password', context)
      })
      await mailer.send(passwordChangedMessage(user.email))
      return { ok: true, value: session }
    },

    async requestEmailChange(userId, rawEmail, currentPassword, context) {
      const user = await accounts.findUserById(userId)
      if (user === null || user.email === null)
        return { ok: false, errors: [{ field: 'email', message: 'Your account is closed' }] }
      const email = normaliseEmail(rawEmail)
      if (email === user.email)
        return {
          ok: false,
          errors: [{ field: 'email', message: 'Enter a different email address from the one you use now' }],
        }
      await limitEmailLinks(user.email, context)
      const hash = await accounts.findPasswordHash(userId)
      if (hash !== null && !(await passwords.verify(currentPassword ?? '', hash))) {
        return {
          ok: false,
          errors: [{ field: 'currentPassword', message: 'Your current password is not right' }],
        }
      }
      const token = await db.transaction(async (tx) => {
        await audit(tx, { userId }, 'account.email-change-requested', userId, context)
        return issueToken(tx, 'change-email', userId, email)
      })
      // The new address confirms; the old one is told, so that a hijacker cannot change it silently.
      await mailer.send(confirmNewEmailMessage(email, link('/verify-email', token)))
      await mailer.send(emailChangeRequestedMessage(user.email, email))
      return { ok: true, value: null }
    },

    async updateDetails(userId, form, context) {
      const registration = await checkProfession(form.profession, form.registrationNumber)
      if (typeof registration !== 'string') return { ok: false, errors: registration }
      await db.transaction(async (tx) => {
        await accounts.setDetails(tx, userId, {
          fullName: form.fullName,
          professionId: form.profession,
          registrationNumber: registration,
        })
        await audit(tx, { userId }, 'account.details-changed', userId, context, {
          profession: form.profession,
        })
      })
      return { ok: true, value: null }
    },

    async signOut(sessionId, userId, context) {
      return db.transaction(async (tx) => {
        const method = await sessions.end(tx, sessionId)
        await audit(tx, { userId }, 'session.signed-out', userId, context)
        return method
      })
    },

    async signOutEverywhere(userId, sessionId, context) {
      return db.transaction(async (tx) => {
        const method = await sessions.end(tx, sessionId)
        const ended = (method === null ? 0 : 1) + (await sessions.endAll(tx, userId))
        await audit(tx, { userId }, 'session.signed-out-everywhere', userId, context, { sessions: ended })
        return startSession(tx, userId, method ?? 'password', context)
      })
    },

    findUser: (userId) => accounts.findUserById(userId),

    async exportPersonalData(userId, context) {
      const user = await accounts.findUserById(userId)
      if (user === null) throw new Error(`No account ${userId}`)
      const [identities, sessionList, memberships, events] = await Promise.all([
        accounts.listIdentities(userId),
        deps.sessionRecords.listForUser(userId),
        db.query<{ organisation_id: string; name: string; roles: string[] }>(
          `SELECT m.organisation_id, o.name, m.roles FROM memberships m JOIN organisations o ON o.id = m.organisation_id
           WHERE m.user_id = $1 ORDER BY o.name, m.organisation_id`,
          [userId],
        ),
        db.query<{ occurred_at: Date; action: string; subject_type: string; subject_id: string | null }>(
          `SELECT occurred_at, action, subject_type, subject_id FROM audit_events WHERE actor_user_id = $1
           ORDER BY occurred_at, id`,
          [userId],
        ),
      ])
      const contributed: Record<string, unknown> = {}
      for (const contributor of contributors)
        contributed[contributor.section] = await contributor.export(userId)
      await db.transaction((tx) => audit(tx, { userId }, 'account.data-exported', userId, context))
      const { hasPassword, ...account } = user
      return {
        account: {
          ...account,
          signInMethods: [
            ...(hasPassword ? ['password'] : []),
            'email-link',
            ...identities.map((identity) => `openid-connect: ${identity.providerId}`),
          ],
        },
        memberships: memberships.map((m) => ({
          organisationId: m.organisation_id,
          organisationName: m.name,
          roles: m.roles,
        })),
        sessions: sessionList.map((s) => ({
          createdAt: s.createdAt,
          lastSeenAt: s.lastSeenAt,
          method: s.method,
          userAgent: s.userAgent,
        })),
        auditEvents: events.map((e) => ({
          occurredAt: e.occurred_at,
          action: e.action,
          subjectType: e.subject_type,
          subjectId: e.subject_id,
        })),
        ...contributed,
      }
    },

    async closeAccount(userId, currentPassword, context) {
      const hash = await accounts.findPasswordHash(userId)
      if (hash !== null && !(await passwords.verify(currentPassword ?? '', hash))) {
        return {
          ok: false,
          errors: [{ field: 'currentPassword', message: 'Your current password is not right' }],
        }
      }
      await db.transaction(async (tx) => {
        const erased: Record<string, Readonly<Record<string, number>>> = {}
        for (const contributor of contributors)
          erased[contributor.section] = await contributor.erase(tx, userId)
        await deps.memberships.removeAllForUser(tx, userId)
        await sessions.endAll(tx, userId)
        await accounts.anonymise(tx, userId, now())
        await audit(
          tx,
          { userId },
          'account.closed',
          userId,
          context,
          contributors.length === 0 ? undefined : { erased },
        )
      })
      return { ok: true, value: null }
    },

    startSession,
  }
  return service
}

const fieldOrder = ['fullName', 'email', 'profession', 'registrationNumber', 'password', 'confirmPassword']

function orderErrors(errors: readonly FieldError[]): FieldError[] {
  return [...errors].sort((a, b) => fieldOrder.indexOf(a.field) - fieldOrder.indexOf(b.field))
}
