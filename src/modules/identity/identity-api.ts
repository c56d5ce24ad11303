import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { signedInPolicy } from '../../platform/http/access-control.ts'
import { roleNames } from './membership.ts'
import { defineApiRoute, type ApiRoute } from '../../platform/http/api-routes.ts'
import { BadRequestError, NotFoundError } from '../../platform/http/problem.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import type { AccountService } from './account-service.ts'
import { invitationForm } from './identity-schemas.ts'
import type { MembershipService } from './membership-service.ts'
import { organisationLeadPolicy } from './membership-pages.ts'

const role = z.enum(roleNames)
const organisationResponse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['nhs-trust', 'university', 'framework']),
})

const meResponse = z.object({
  id: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  emailVerified: z.boolean(),
  isNhsEmail: z.boolean().describe('A verified address on an NHS or NIHR domain'),
  profession: z.string().nullable(),
  registrationNumber: z.string().nullable(),
  memberships: z.array(z.object({ organisation: organisationResponse, roles: z.array(role) })),
  csrfToken: z
    .string()
    .describe('Send it as the x-csrf-token header with every request that changes something'),
})

const invitationResponse = z.object({
  id: z.string(),
  organisation: z.string(),
  email: z.string(),
  roles: z.array(role),
  expiresAt: z.string().describe('ISO 8601'),
})

const membersResponse = z.object({
  organisation: organisationResponse,
  members: z.array(
    z.object({
      id: z.string(),
      fullName: z.string(),
      email: z.string().nullable(),
      roles: z.array(role),
      since: z.string(),
    }),
  ),
  invitations: z.array(invitationResponse),
})

const organisationParams = z.strictObject({
  organisationId: z.string().regex(/^[A-Za-z0-9-]{1,60}$/, 'must be an organisation id'),
})

export function identityApiRoutes(deps: {
  readonly accounts: AccountService
  readonly memberships: MembershipService
  readonly csrfTokenFor: (request: FastifyRequest, reply: FastifyReply) => string
}): ApiRoute[] {
  const { accounts, memberships } = deps
  return [
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in person, their organisations and roles, and their CSRF token',
      tag: 'Identity',
      policy: signedInPolicy,
      response: meResponse,
      handler: async ({ request, reply }) => {
        const principal = request.principal!
        const [user, listing] = await Promise.all([
          accounts.findUser(principal.userId),
          memberships.listForUser(principal.userId),
        ])
        if (user === null) throw new NotFoundError('Your account is closed.')
        reply.header('cache-control', 'no-store')
        return {
          id: user.id,
          fullName: user.fullName,
          email: user.email,
          emailVerified: user.emailVerifiedAt !== null,
          isNhsEmail: user.isNhsEmail,
          profession: user.professionId,
          registrationNumber: user.registrationNumber,
          memberships: listing.map((m) => ({ organisation: m.organisation, roles: [...m.roles] })),
          csrfToken: deps.csrfTokenFor(request, reply),
        }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/organisations/:organisationId/members',
      operationId: 'listMembers',
      summary: 'The members of an organisation and its open invitations (its leads and framework admins)',
      tag: 'Identity',
      policy: organisationLeadPolicy,
      params: organisationParams,
      response: membersResponse,
      mayBeNotFound: true,
      handler: async ({ params, request }) => {
        const view = await memberships.listMembers(request.principal!, params.organisationId)
        if (view === null) throw new NotFoundError(`There is no organisation "${params.organisationId}".`)
        return {
          organisation: view.organisation,
          members: view.members.map((m) => ({
            id: m.userId,
            fullName: m.fullName,
            email: m.email,
            roles: [...m.roles],
            since: m.since.toISOString(),
          })),
          invitations: view.invitations.map((i) => ({
            id: i.id,
            organisation: i.organisationId,
            email: i.email,
            roles: [...i.roles],
            expiresAt: i.expiresAt.toISOString(),
          })),
        }
      },
    }),
    defineApiRoute({
      method: 'POST',
      url: '/api/v1/organisations/:organisationId/invitations',
      operationId: 'createInvitation',
      summary: 'Invites someone by email to join an organisation with roles',
      tag: 'Identity',
      policy: organisationLeadPolicy,
      params: organisationParams,
      body: invitationForm,
      response: invitationResponse,
      successStatus: 201,
      mayBeNotFound: true,
      handler: async ({ params, body, request }) => {
        const organisation = await memberships.findOrganisation(params.organisationId)
        if (organisation === null)
          throw new NotFoundError(`There is no organisation "${params.organisationId}".`)
        const result = await memberships.invite(
          request.principal!,
          params.organisationId,
          body.email,
          body.roles,
          requestContextOf(request),
        )
        if (!result.ok)
          throw new BadRequestError(result.errors.map((e) => ({ name: e.field, reason: e.message })))
        const i = result.value
        return {
          id: i.id,
          organisation: i.organisationId,
          email: i.email,
          roles: [...i.roles],
          expiresAt: i.expiresAt.toISOString(),
        }
      },
    }),
  ] as ApiRoute[]
}
