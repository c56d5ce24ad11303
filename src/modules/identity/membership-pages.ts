import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { publicPolicy, signedInPolicy, type RoutePolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, type FieldError } from '../../platform/http/forms.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { invitationForm, rolesForm, tokenQuery } from './identity-schemas.ts'
import {
  cannotManageYourself,
  type MembershipService,
  type OrganisationMembers,
} from './membership-service.ts'
import { roleLabels, type RoleName } from './membership.ts'
import { setSessionCookie, type SessionCookieSettings } from './session-http.ts'

/** An organisation's leads manage its members; framework admins manage every organisation's. */
export const organisationLeadPolicy: RoutePolicy = {
  access: 'role',
  roles: ['programme-lead', 'employer-research-lead', 'framework-admin'],
  organisationParam: 'organisationId',
}

const organisationParams = z.strictObject({
  organisationId: z.string().regex(/^[A-Za-z0-9-]{1,60}$/, 'must be an organisation id'),
})
const memberParams = organisationParams.extend({ userId: z.uuid({ error: 'must be the id of a person' }) })
const invitationParams = organisationParams.extend({
  invitationId: z.uuid({ error: 'must be the id of an invitation' }),
})

/** Membership pages: who belongs to an organisation, invitations by email, roles, and accepting an invitation. */
export function registerMembershipPages(
  app: FastifyInstance,
  deps: { readonly memberships: MembershipService; readonly cookie: SessionCookieSettings },
): void {
  const { memberships } = deps
  const leadRoute = { config: { policy: organisationLeadPolicy } }

  const roleItems = (grantable: readonly RoleName[], selected: readonly RoleName[] = []) =>
    grantable.map((role) => ({ value: role, text: roleLabels[role], checked: selected.includes(role) }))

  const showMembers = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: OrganisationMembers,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) =>
    reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('identity/views/members.njk', {
      pageTitle: `Members of ${view.organisation.name}`,
      organisation: view.organisation,
      members: view.members.map((m) => ({
        ...m,
        roleNames: m.roles.map((role) => roleLabels[role]),
        roleItems: roleItems(view.grantable, m.roles),
        isYou: m.userId === request.principal?.userId,
      })),
      invitations: view.invitations.map((i) => ({
        ...i,
        roleNames: i.roles.map((role) => roleLabels[role]),
      })),
      roleItems: roleItems(view.grantable, (extra.values?.roles as RoleName[] | undefined) ?? []),
      values: extra.values ?? {},
      notice: extra.notice ?? null,
      errors: (extra.errors ?? []).map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: errorsByField(extra.errors ?? []),
    })

  const loadMembers = async (
    actor: Parameters<MembershipService['listMembers']>[0],
    organisationId: string,
  ) => {
    const view = await memberships.listMembers(actor, organisationId)
    if (view === null) throw new NotFoundError(`There is no organisation "${organisationId}".`)
    return view
  }

  app.get('/organisations/:organisationId/members', leadRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const query = request.query as Record<string, unknown>
    const notice =
      query.invited === '1'
        ? 'Invitation sent.'
        : query.changed === '1'
          ? 'Roles changed.'
          : query.removed === '1'
            ? 'Member removed.'
            : query.revoked === '1'
              ? 'Invitation withdrawn.'
              : null
    return showMembers(request, reply, await loadMembers(request.principal!, organisationId), { notice })
  })

  app.post('/organisations/:organisationId/invitations', leadRoute, async (request, reply) => {
    const { organisationId } = parseParameters(organisationParams, request.params, 'path')
    const form = parseForm(invitationForm, request.body)
    const result = form.ok
      ? await memberships.invite(
          request.principal!,
          organisationId,
          form.data.email,
          form.data.roles,
          requestContextOf(request),
        )
      : form
    if (!result.ok) {
      const values = form.ok ? form.data : form.values
      return showMembers(request, reply, await loadMembers(request.principal!, organisationId), {
        errors: result.errors,
        values,
      })
    }
    return reply.redirect(`/organisations/${organisationId}/members?invited=1`, 303)
  })

  app.post('/organisations/:organisationId/members/:userId/roles', leadRoute, async (request, reply) => {
    const { organisationId, userId } = parseParameters(memberParams, request.params, 'path')
    const form = parseForm(rolesForm, request.body)
    const result = form.ok
      ? await memberships.changeRoles(
          request.principal!,
          organisationId,
          userId,
          form.data.roles,
          requestContextOf(request),
        )
      : form
    if (!result.ok) {
      return showMembers(request, reply, await loadMembers(request.principal!, organisationId), {
        errors: result.errors.map((error) => ({ ...error, field: `roles-${userId}` })),
      })
    }
    return reply.redirect(`/organisations/${organisationId}/members?changed=1`, 303)
  })

  app.post('/organisations/:organisationId/members/:userId/remove', leadRoute, async (request, reply) => {
    const { organisationId, userId } = parseParameters(memberParams, request.params, 'path')
    const removed = await memberships.removeMember(
      request.principal!,
      organisationId,
      userId,
      requestContextOf(request),
    )
    if (removed === 'not-a-member')
      throw new NotFoundError('That person is not a member of this organisation.')
    if (removed === 'yourself') {
      return showMembers(request, reply, await loadMembers(request.principal!, organisationId), {
        errors: [{ field: `member-${userId}`, message: cannotManageYourself }],
      })
    }
    return reply.redirect(`/organisations/${organisationId}/members?removed=1`, 303)
  })

  app.post(
    '/organisations/:organisationId/invitations/:invitationId/revoke',
    leadRoute,
    async (request, reply) => {
      const { organisationId, invitationId } = parseParameters(invitationParams, request.params, 'path')
      const revoked = await memberships.revokeInvitation(
        request.principal!,
        organisationId,
        invitationId,
        requestContextOf(request),
      )
      if (!revoked) throw new NotFoundError('That invitation is not open any more.')
      return reply.redirect(`/organisations/${organisationId}/members?revoked=1`, 303)
    },
  )

  // Accepting an invitation: anyone with the link may look; accepting needs the invited person signed in.
  app.get('/invitations/accept', { config: { policy: publicPolicy } }, async (request, reply) => {
    const { token } = parseParameters(tokenQuery, request.query, 'query')
    const state = await memberships.inspectInvitation(token)
    return reply
      .code(state.state === 'valid' ? 200 : state.state === 'unknown' ? 404 : 410)
      .view('identity/views/invitation.njk', {
        pageTitle:
          state.state === 'valid' ? `Join ${state.organisation.name}` : 'This invitation cannot be used',
        state: state.state,
        invitation:
          state.state === 'valid'
            ? { ...state.invitation, roleNames: state.invitation.roles.map((role) => roleLabels[role]) }
            : null,
        organisation: state.state === 'valid' ? state.organisation : null,
        token,
        signedIn: request.principal !== null,
        next: `/invitations/accept?token=${token}`,
      })
  })

  app.post('/invitations/accept', { config: { policy: signedInPolicy } }, async (request, reply) => {
    const { token } = parseParameters(
      tokenQuery,
      { token: (request.body as { token?: unknown })?.token },
      'query',
    )
    const principal = request.principal!
    const result = await memberships.acceptInvitation(
      principal.userId,
      principal.sessionId,
      token,
      requestContextOf(request),
    )
    if ('state' in result) {
      return reply.code(result.state === 'unknown' ? 404 : 410).view('identity/views/invitation.njk', {
        pageTitle: 'This invitation cannot be used',
        state: result.state,
        signedIn: true,
      })
    }
    if (!result.ok) {
      const state = await memberships.inspectInvitation(token)
      return reply.code(400).view('identity/views/invitation.njk', {
        pageTitle:
          state.state === 'valid' ? `Join ${state.organisation.name}` : 'This invitation cannot be used',
        state: state.state,
        invitation:
          state.state === 'valid'
            ? { ...state.invitation, roleNames: state.invitation.roles.map((role) => roleLabels[role]) }
            : null,
        organisation: state.state === 'valid' ? state.organisation : null,
        token,
        signedIn: true,
        errors: result.errors.map((error) => ({ text: error.message, href: '#accept' })),
      })
    }
    setSessionCookie(reply, result.value.token, deps.cookie)
    return reply.redirect(`/account?joined=${encodeURIComponent(result.value.organisationId)}`, 303)
  })
}
