import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RoutePolicy } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formProblems } from '../learning/index.ts'
import { clearingField, type PlacementService } from './placement-service.ts'

/**
 * Clearing: who may look (learners, to take a place; framework admins and programme leads, to see the places
 * left and the learners without one). The service shows each only what is theirs to see.
 */
export const clearingReaderPolicy: RoutePolicy = {
  access: 'role',
  roles: ['learner', 'framework-admin', 'programme-lead'],
}

/** Taking a place in clearing: learners, in any organisation. */
export const clearingTakerPolicy: RoutePolicy = { access: 'role', roles: ['learner'] }

const takeParams = z.strictObject({ offerId: z.uuid({ error: 'must be the id of a placement offer' }) })

const reasons: Readonly<Record<string, string>> = {
  unmatched: 'Not matched',
  declined: 'Declined their match',
  lapsed: 'Did not accept in time',
}

/** The clearing page (`/placement-clearing`) and taking a place on it, first come first served. */
export function registerPlacementPages(
  app: FastifyInstance,
  deps: { readonly placements: PlacementService },
): void {
  const { placements } = deps

  const showClearing = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; code?: number } = {},
  ) => {
    const view = await placements.viewClearing(request.principal!)
    return reply.code(extra.code ?? 200).view('placements/views/placement-clearing.njk', {
      pageTitle: 'Clearing',
      clearing: view,
      unplaced:
        view.unplaced?.map((learner) => ({ ...learner, reasonText: reasons[learner.reason] })) ?? null,
      ...formProblems(extra.errors ?? [], {}),
    })
  }

  app.get('/placement-clearing', { config: { policy: clearingReaderPolicy } }, showClearing)

  app.post(
    '/placement-clearing/:offerId',
    { config: { policy: clearingTakerPolicy } },
    async (request, reply) => {
      const { offerId } = parseParameters(takeParams, request.params, 'path')
      const result = await placements.takeFromClearing(request.principal!, offerId, requestContextOf(request))
      if (!result.ok)
        return showClearing(request, reply, {
          errors: result.errors.map((error) => ({ ...error, field: clearingField })),
          code: 409,
        })
      return reply.redirect('/placement-choices?done=taken', 303)
    },
  )
}
