import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RoutePolicy } from '../../platform/http/access-control.ts'
import { withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formProblems, readDateField } from '../learning/index.ts'
import { maximumChoices, type PreferencesService } from './preferences-service.ts'

/** Choosing placements: learners, in any organisation. */
export const placementChooserPolicy: RoutePolicy = { access: 'role', roles: ['learner'] }

/** Running and publishing match rounds: framework admins. */
export const matchRoundPolicy: RoutePolicy = { access: 'role', roles: ['framework-admin'] }

const roundParams = z.strictObject({ roundId: z.uuid({ error: 'must be the id of a match round' }) })
const doneQuery = z.strictObject({ done: z.enum(['saved', 'run', 'published']).optional() })

const notices: Readonly<Record<string, string>> = {
  saved: 'Your placement choices are saved.',
  run: 'Round run. Check its figures, then publish it.',
  published: 'Round published.',
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`

/**
 * The learner's "Your placement choices" page (a rank beside each approved offer: no JavaScript needed), and the
 * framework admin's match round pages (run a round, see its figures, publish it).
 */
export function registerPreferencePages(
  app: FastifyInstance,
  deps: { readonly preferences: PreferencesService },
): void {
  const { preferences } = deps
  const chooserRoute = { config: { policy: placementChooserPolicy } }
  const roundRoute = { config: { policy: matchRoundPolicy } }

  // The learner's choices ----------------------------------------------------------------------------------------

  const showChoices = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) => {
    const offers = await preferences.listChoosableOffers()
    const current = new Map(
      (await preferences.listPreferences(request.principal!.userId)).map((p) => [p.offerId, p.rank]),
    )
    const values = extra.values ?? {}
    const ranks = Math.min(maximumChoices, offers.length)
    return reply
      .code((extra.errors?.length ?? 0) > 0 ? 400 : 200)
      .view('placements/views/placement-choices.njk', {
        pageTitle: 'Your placement choices',
        notice: extra.notice ?? null,
        maximumChoices,
        offers: offers.map((offer) => {
          const field = `rank-${offer.id}`
          const chosen =
            field in values ? String(values[field] as string) : String(current.get(offer.id) ?? '')
          return {
            ...offer,
            field,
            rankItems: [
              { value: '', text: 'Not chosen', selected: chosen === '' },
              ...Array.from({ length: ranks }, (_, at) => ({
                value: String(at + 1),
                text: String(at + 1),
                selected: chosen === String(at + 1),
              })),
            ],
          }
        }),
        ...formProblems(extra.errors ?? [], values),
      })
  }

  app.get('/placement-choices', chooserRoute, async (request, reply) => {
    const query = parseParameters(doneQuery, request.query, 'query')
    return showChoices(request, reply, { notice: query.done === undefined ? null : notices[query.done] })
  })

  app.post('/placement-choices', chooserRoute, async (request, reply) => {
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const chosen: { offerId: string; rank: number }[] = []
    let problem: string | null = null
    for (const [field, value] of Object.entries(values)) {
      if (!field.startsWith('rank-') || value === '') continue
      const rank = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : NaN
      if (!(rank >= 1 && rank <= maximumChoices))
        problem = `Give each placement a rank from 1 to ${maximumChoices}`
      else chosen.push({ offerId: field.slice('rank-'.length), rank })
    }
    if (problem === null && new Set(chosen.map((c) => c.rank)).size !== chosen.length)
      problem = 'Give each placement you choose a different rank'
    if (problem !== null)
      return showChoices(request, reply, { errors: [{ field: 'offerIds', message: problem }], values })
    const offerIds = chosen.sort((a, b) => a.rank - b.rank).map((c) => c.offerId)
    const result = await preferences.setPreferences(request.principal!, offerIds, requestContextOf(request))
    if (!result.ok) return showChoices(request, reply, { errors: result.errors, values })
    return reply.redirect('/placement-choices?done=saved', 303)
  })

  // Match rounds ---------------------------------------------------------------------------------------------------

  const showRounds = async (
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown> } = {},
  ) => {
    const rounds = await preferences.listRounds()
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/match-rounds.njk', {
      pageTitle: 'Match rounds',
      rounds,
      mayRun: !rounds.some((round) => round.status === 'draft'),
      values,
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/placement-rounds', roundRoute, async (_request, reply) => showRounds(reply))

  app.post('/placement-rounds', roundRoute, async (request, reply) => {
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
    const name = typeof values.name === 'string' ? values.name : ''
    const result = await preferences.runRound(request.principal!, name, requestContextOf(request))
    if (!result.ok) return showRounds(reply, { errors: result.errors, values })
    return reply.redirect(`/placement-rounds/${result.value.id}?done=run`, 303)
  })

  const showRound = async (
    reply: FastifyReply,
    roundId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) => {
    const round = await preferences.findRound(roundId)
    if (round === null) throw new NotFoundError('There is no such match round.')
    const values = extra.values ?? {}
    const { figures } = round
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/match-round.njk', {
      pageTitle: `Match round: ${round.name}`,
      round,
      notice: extra.notice ?? null,
      figureRows: [
        ['Learners in the round', String(figures.applicants)],
        ['Matched', String(figures.matched)],
        ['Unmatched', String(figures.unmatched)],
        ['Matched to their 1st choice', percent(figures.firstChoiceShare)],
        ['Matched to their 2nd choice', percent(figures.secondChoiceShare)],
        ['Matched to their 3rd choice', percent(figures.thirdChoiceShare)],
        ['Places', String(figures.totalPlaces)],
        ['Places left', String(figures.placesLeft)],
      ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
      values,
      ...formProblems(extra.errors ?? [], values, ['acceptBy']),
    })
  }

  app.get('/placement-rounds/:roundId', roundRoute, async (request, reply) => {
    const { roundId } = parseParameters(roundParams, request.params, 'path')
    const query = parseParameters(doneQuery, request.query, 'query')
    return showRound(reply, roundId, { notice: query.done === undefined ? null : notices[query.done] })
  })

  app.post('/placement-rounds/:roundId/publish', roundRoute, async (request, reply) => {
    const { roundId } = parseParameters(roundParams, request.params, 'path')
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>) as Record<string, string>
    const reading = readDateField(values, 'acceptBy', 'Date to accept by', {
      required: 'Enter the date learners must accept their placement by',
    })
    if ('error' in reading)
      return showRound(reply, roundId, { errors: [{ field: 'acceptBy', message: reading.error }], values })
    const result = await preferences.publishRound(
      request.principal!,
      roundId,
      reading.iso ?? '',
      requestContextOf(request),
    )
    if (result === null) throw new NotFoundError('There is no such match round.')
    if (!result.ok) return showRound(reply, roundId, { errors: result.errors, values })
    return reply.redirect(`/placement-rounds/${roundId}?done=published`, 303)
  })
}
