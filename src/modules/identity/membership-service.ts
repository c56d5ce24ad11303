import { randomUUID } from 'node:crypto'
import {
  commandLineOrigin,
  recordAudit,
  type AuditActor,
  type AuditOrigin,
} from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import type { Mailer } from '../../platform/email/mailer.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { RateLimiter } from '../../platform/http/rate-limit.ts'
import type { RequestContext } from '../../platform/http/request-context.ts'
import { createToken, digestToken } from '../../platform/security/tokens.ts'
import { normaliseEmail } from './account.ts'
import { invitationMessage } from './account-emails.ts'
import type { AccountRepository } from './account-repository.ts'
import type { Outcome, StartedSession } from './account-service.ts'
import {
  findUngrantableRoles,
  grantableRoles,
  mergeRoles,
  roleLabels,
  rolesByOrganisationKind,
  type RoleName,
} from './membership.ts'
import type {
  Invitation,
  MemberListing,
  MembershipListing,
  MembershipRepository,
  OrganisationSummary,
} from './membership-repository.ts'
import type { SignInMethod } from './session.ts'
import type { SessionService } from './session-service.ts'

export const invitationLifetimeDays = 7
export const frameworkTeamId = 'framework-team'

export interface OrganisationMembers {
  readonly organisation: OrganisationSummary
  readonly members: readonly MemberListing[]
  readonly invitations: readonly Invitation[]
  /** The roles the person looking may give here. */
  readonly grantable: readonly RoleName[]
}

export type InvitationState =
  | { readonly state: 'valid'; readonly invitation: Invitation; readonly organisation: OrganisationSummary }
  | { readonly state: 'expired' | 'used' | 'revoked' | 'unknown' }

/** Why a lead cannot change their own roles or remove themselves: someone else must. */
export const cannotManageYourself =
  'You cannot change your own roles or remove yourself. Ask another lead of this organisation, or the Trellis framework team.'

export interface MembershipService {
  listForUser(userId: string): Promise<MembershipListing[]>
  findOrganisation(id: string): Promise<OrganisationSummary | null>
  /** Null when there is no such organisation. */
  listMembers(actor: Principal, organisationId: string): Promise<OrganisationMembers | null>
  invite(
    actor: Principal,
    organisationId: string,
    email: string,
    roles: readonly RoleName[],
    context: RequestContext,
  ): Promise<Outcome<Invitation>>
  inspectInvitation(token: string): Promise<InvitationState>
  /** Accepts for the signed-in person; their session is replaced, since what they may do has changed. */
  acceptInvitation(
    userId: string,
    sessionId: string,
    token: string,
    context: RequestContext,
  ): Promise<InvitationState | Outcome<StartedSession & { readonly organisationId: string }>>
  /** Nobody changes their own roles here, so that no organisation is left without a lead by accident. */
  changeRoles(
    actor: Principal,
    organisationId: string,
    userId: string,
    roles: readonly RoleName[],
    context: RequestContext,
  ): Promise<Outcome<null>>
  /**
   * Adds roles to a person's membership of an organisation within the caller's transaction, keeping the roles
   * they hold: for another module's action that brings a role with it (enrolling at a university makes the
   * person a learner there). The actor's right to act is the caller's to check. Audited when it changes
   * anything. The person's sessions go on: a role added takes nothing away, and every request reads memberships
   * afresh. Returns the roles before and after; null when there is no such organisation.
   */
  addRoles(
    tx: Sql,
    actor: AuditActor,
    organisationId: string,
    userId: string,
    roles: readonly RoleName[],
    origin: AuditOrigin,
  ): Promise<{ readonly from: readonly RoleName[]; readonly to: readonly RoleName[] } | null>
  /**
   * Takes roles away from a person's membership within the caller's transaction, for another module's action
   * that ends what the role stood for (an enrolment that ends, by transfer or otherwise, ends being a learner
   * there). A membership left with no role is removed. Audited when it changes anything; the person's sessions
   * go on, as every request reads memberships afresh. Returns the roles before and after; null when the
   * person is not a member.
   */
  removeRoles(
    tx: Sql,
    actor: AuditActor,
    organisationId: string,
    userId: string,
    roles: readonly RoleName[],
    origin: AuditOrigin,
  ): Promise<{ readonly from: readonly RoleName[]; readonly to: readonly RoleName[] } | null>
  /** Nobody removes themselves here: another lead, or the framework team, does. */
  removeMember(
    actor: Principal,
    organisationId: string,
    userId: string,
    context: RequestContext,
  ): Promise<'removed' | 'not-a-member' | 'yourself'>
  revokeInvitation(
    actor: Principal,
    organisationId: string,
    invitationId: string,
    context: RequestContext,
  ): Promise<boolean>
  /** `trellis admin create EMAIL`: makes an existing person a framework admin, or invites the address to be one. */
  createFrameworkAdmin(
    email: string,
  ): Promise<
    | { readonly kind: 'granted'; readonly userId: string }
    | { readonly kind: 'invited'; readonly link: string }
  >
}

export interface MembershipServiceDependencies {
  readonly db: Database
  readonly memberships: MembershipRepository
  readonly accounts: AccountRepository
  readonly sessions: SessionService
  readonly mailer: Mailer
  readonly rateLimiter: RateLimiter
  /** Starts a session inside the caller's transaction (the account service's). */
  readonly startSession: (
    tx: Sql,
    userId: string,
    method: SignInMethod,
    context: RequestContext,
  ) => Promise<StartedSession>
  readonly publicUrl: string
  readonly now?: () => Date
}

export function createMembershipService(deps: MembershipServiceDependencies): MembershipService {
  const { db, memberships, accounts, sessions, mailer, rateLimiter, publicUrl } = deps
  const now = deps.now ?? (() => new Date())
  const audit = (
    tx: Sql,
    actor: AuditActor,
    action: string,
    subjectType: string,
    subjectId: string,
    origin: AuditOrigin,
    details: Record<string, unknown>,
  ) => recordAudit(tx, { actor, action, subjectType, subjectId, origin, details })

  const grantableFor = (actor: Principal, organisation: OrganisationSummary) =>
    grantableRoles(
      (actor.memberships.find((m) => m.organisationId === organisation.id)?.roles ??
        []) as readonly RoleName[],
      holdsRole(actor, 'framework-admin'),
      organisation.kind,
    )

  async function createInvitation(
    organisation: OrganisationSummary,
    email: string,
    roles: readonly RoleName[],
    invitedBy: string | null,
    actor: AuditActor,
    origin: AuditOrigin,
  ): Promise<{ invitation: Invitation; link: string }> {
    const token = createToken()
    const at = now()
    const invitation: Invitation = {
      id: randomUUID(),
      organisationId: organisation.id,
      email,
      roles,
      invitedBy,
      createdAt: at,
      expiresAt: new Date(at.getTime() + invitationLifetimeDays * 86_400_000),
      acceptedAt: null,
      acceptedBy: null,
      revokedAt: null,
    }
    await db.transaction(async (tx) => {
      await memberships.insertInvitation(tx, { ...invitation, tokenHash: digestToken(token) })
      await audit(tx, actor, 'invitation.created', 'organisation', organisation.id, origin, {
        invitation: invitation.id,
        roles,
      })
    })
    const link = `${publicUrl}/invitations/accept?token=${token}`
    await mailer.send(
      invitationMessage(email, organisation.name, roles.map((role) => roleLabels[role]).join(', '), link),
    )
    return { invitation, link }
  }

  return {
    listForUser: (userId) => memberships.listForUser(userId),
    findOrganisation: (id) => memberships.findOrganisation(id),

    async listMembers(actor, organisationId) {
      const organisation = await memberships.findOrganisation(organisationId)
      if (organisation === null) return null
      const [members, invitations] = await Promise.all([
        memberships.listForOrganisation(organisationId),
        memberships.listPendingInvitations(organisationId, now()),
      ])
      return { organisation, members, invitations, grantable: grantableFor(actor, organisation) }
    },

    async invite(actor, organisationId, rawEmail, roles, context) {
      const organisation = await memberships.findOrganisation(organisationId)
      if (organisation === null)
        return { ok: false, errors: [{ field: 'organisation', message: 'There is no such organisation' }] }
      const ungrantable = findUngrantableRoles(roles, grantableFor(actor, organisation))
      if (ungrantable.length > 0) {
        const allowed = rolesByOrganisationKind[organisation.kind].map((role) => roleLabels[role]).join(', ')
        return {
          ok: false,
          errors: [
            {
              field: 'roles',
              message: `You cannot give the role ${ungrantable.map((r) => roleLabels[r]).join(', ')} here. ${organisation.name} has these roles: ${allowed}`,
            },
          ],
        }
      }
      await rateLimiter.hit({ name: 'invitations', limit: 100, windowSeconds: 3600 }, [actor.userId])
      const { invitation } = await createInvitation(
        organisation,
        normaliseEmail(rawEmail),
        roles,
        actor.userId,
        { userId: actor.userId },
        context,
      )
      return { ok: true, value: invitation }
    },

    async inspectInvitation(token) {
      const invitation = await memberships.findInvitationByTokenHash(digestToken(token))
      return stateOf(
        invitation,
        now(),
        await (invitation === null ? null : memberships.findOrganisation(invitation.organisationId)),
      )
    },

    async acceptInvitation(userId, sessionId, token, context) {
      const invitation = await memberships.findInvitationByTokenHash(digestToken(token))
      const organisation =
        invitation === null ? null : await memberships.findOrganisation(invitation.organisationId)
      const state = stateOf(invitation, now(), organisation)
      if (state.state !== 'valid') return state
      const user = await accounts.findUserById(userId)
      if (user === null || user.email !== state.invitation.email) {
        return {
          ok: false,
          errors: [
            {
              field: 'invitation',
              message: `This invitation was sent to ${state.invitation.email}. Sign in with the account for that address to accept it.`,
            },
          ],
        }
      }
      if (user.emailVerifiedAt === null) {
        return {
          ok: false,
          errors: [
            { field: 'invitation', message: 'Confirm your email address first, then accept the invitation' },
          ],
        }
      }
      const result = await db.transaction(async (tx) => {
        if (!(await memberships.acceptInvitation(tx, state.invitation.id, userId, now()))) return null
        const current = (await memberships.findRoles(userId, state.organisation.id, tx)) ?? []
        const roles = mergeRoles(current, state.invitation.roles, state.organisation.kind)
        await memberships.setRoles(tx, userId, state.organisation.id, roles, now())
        await audit(tx, { userId }, 'invitation.accepted', 'organisation', state.organisation.id, context, {
          invitation: state.invitation.id,
          roles,
        })
        // The new session carries on the way the person signed in (password, link or their organisation).
        const method = await sessions.end(tx, sessionId)
        return deps.startSession(tx, userId, method ?? 'password', context)
      })
      return result === null
        ? { state: 'used' }
        : { ok: true, value: { ...result, organisationId: state.organisation.id } }
    },

    async changeRoles(actor, organisationId, userId, roles, context) {
      const organisation = await memberships.findOrganisation(organisationId)
      if (organisation === null)
        return { ok: false, errors: [{ field: 'roles', message: 'There is no such organisation' }] }
      if (userId === actor.userId)
        return { ok: false, errors: [{ field: 'roles', message: cannotManageYourself }] }
      const ungrantable = findUngrantableRoles(roles, grantableFor(actor, organisation))
      if (ungrantable.length > 0) {
        return {
          ok: false,
          errors: [
            {
              field: 'roles',
              message: `You cannot give the role ${ungrantable.map((r) => roleLabels[r]).join(', ')} here`,
            },
          ],
        }
      }
      const changed = await db.transaction(async (tx) => {
        const current = await memberships.findRoles(userId, organisationId, tx)
        if (current === null) return false
        await memberships.setRoles(
          tx,
          userId,
          organisationId,
          mergeRoles([], roles, organisation.kind),
          now(),
        )
        // What they may do has changed: their sessions end, and they sign in again to a new one.
        await sessions.endAll(tx, userId)
        await audit(
          tx,
          { userId: actor.userId },
          'membership.roles-changed',
          'organisation',
          organisationId,
          context,
          { member: userId, from: current, to: roles },
        )
        return true
      })
      return changed
        ? { ok: true, value: null }
        : {
            ok: false,
            errors: [{ field: 'roles', message: 'This person is not a member of the organisation' }],
          }
    },

    async addRoles(tx, actor, organisationId, userId, roles, origin) {
      const organisation = await memberships.findOrganisation(organisationId, tx)
      if (organisation === null) return null
      const from = (await memberships.lockRoles(tx, userId, organisationId)) ?? []
      const to = mergeRoles(from, roles, organisation.kind)
      if (to.some((role) => !from.includes(role))) {
        await memberships.setRoles(tx, userId, organisationId, to, now())
        await audit(tx, actor, 'membership.roles-changed', 'organisation', organisationId, origin, {
          member: userId,
          from,
          to,
        })
      }
      return { from, to }
    },

    async removeRoles(tx, actor, organisationId, userId, roles, origin) {
      const from = await memberships.lockRoles(tx, userId, organisationId)
      if (from === null) return null
      const to = from.filter((role) => !roles.includes(role))
      if (to.length === from.length) return { from, to }
      if (to.length === 0) {
        await memberships.remove(tx, userId, organisationId)
        await audit(tx, actor, 'membership.removed', 'organisation', organisationId, origin, {
          member: userId,
          roles: from,
        })
      } else {
        await memberships.setRoles(tx, userId, organisationId, to, now())
        await audit(tx, actor, 'membership.roles-changed', 'organisation', organisationId, origin, {
          member: userId,
          from,
          to,
        })
      }
      return { from, to }
    },

    async removeMember(actor, organisationId, userId, context) {
      if (userId === actor.userId) return 'yourself'
      return db.transaction(async (tx) => {
        if (!(await memberships.remove(tx, userId, organisationId))) return 'not-a-member'
        await sessions.endAll(tx, userId)
        await audit(
          tx,
          { userId: actor.userId },
          'membership.removed',
          'organisation',
          organisationId,
          context,
          { member: userId },
        )
        return 'removed'
      })
    },

    async revokeInvitation(actor, organisationId, invitationId, context) {
      const invitation = await memberships.findInvitation(invitationId)
      if (invitation === null || invitation.organisationId !== organisationId) return false
      return db.transaction(async (tx) => {
        if (!(await memberships.revokeInvitation(tx, invitationId, now()))) return false
        await audit(
          tx,
          { userId: actor.userId },
          'invitation.revoked',
          'organisation',
          organisationId,
          context,
          { invitation: invitationId },
        )
        return true
      })
    },

    async createFrameworkAdmin(rawEmail) {
      const email = normaliseEmail(rawEmail)
      const organisation = await memberships.findOrganisation(frameworkTeamId)
      if (organisation === null)
        throw new Error('The framework team organisation is missing: run the migrations')
      const user = await accounts.findUserByEmail(email)
      if (user !== null && user.emailVerifiedAt !== null) {
        await db.transaction(async (tx) => {
          const current = (await memberships.findRoles(user.id, frameworkTeamId, tx)) ?? []
          await memberships.setRoles(
            tx,
            user.id,
            frameworkTeamId,
            mergeRoles(current, ['framework-admin'], 'framework'),
            now(),
          )
          await sessions.endAll(tx, user.id)
          await audit(
            tx,
            { label: 'command line' },
            'membership.roles-changed',
            'organisation',
            frameworkTeamId,
            commandLineOrigin,
            {
              member: user.id,
              from: current,
              to: ['framework-admin'],
            },
          )
        })
        return { kind: 'granted', userId: user.id }
      }
      const { link } = await createInvitation(
        organisation,
        email,
        ['framework-admin'],
        null,
        { label: 'command line' },
        commandLineOrigin,
      )
      return { kind: 'invited', link }
    },
  }
}

function stateOf(
  invitation: Invitation | null,
  at: Date,
  organisation: OrganisationSummary | null,
): InvitationState {
  if (invitation === null || organisation === null) return { state: 'unknown' }
  if (invitation.revokedAt !== null) return { state: 'revoked' }
  if (invitation.acceptedAt !== null) return { state: 'used' }
  if (invitation.expiresAt <= at) return { state: 'expired' }
  return { state: 'valid', invitation, organisation }
}
