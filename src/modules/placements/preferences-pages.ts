import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RoutePolicy } from '../../platform/http/access-control.ts'
import { withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formProblems, readDateField } from '../learning/index.ts'
import { offerParams } from './offers-schemas.ts'
import type { OffersService } from './offers-service.ts'
import { matchField, type PlacementService } from './placement-service.ts'
import type { OfferApplicant } from './preferences-repository.ts'
import { maximumChoices, type PreferencesService } from './preferences-service.ts'

/** Choosing placements: learners, in any organisation. */
export const placementChooserPolicy: RoutePolicy = { access: 'role', roles: ['learner'] }

/** Ranking an offer's applicants: the organisation's mentors (the service lets only the offer's own mentor in). */
export const applicantRankerPolicy: RoutePolicy = {
  access: 'role',
  roles: ['mentor'],
  organisationParam: 'organisationId',
}

/** Running, publishing and discarding match rounds: framework admins and programme leads (ARCHITECTURE.md). */
export const matchRoundPolicy: RoutePolicy = { access: 'role', roles: ['framework-admin', 'programme-lead'] }

const roundParams = z.strictObject({ roundId: z.uuid({ error: 'must be the id of a match round' }) })
const doneQuery = z.strictObject({
  done: z.enum(['saved', 'run', 'published', 'discarded', 'accepted', 'declined', 'taken']).optional(),
})
const rankedQuery = z.strictObject({ done: z.enum(['ranked']).optional() })

/** The highest rank a mentor may type: far more than any offer's applicants. */
const maximumApplicantRank = 9999

const notices: Readonly<Record<string, string>> = {
  saved: 'Your placement choices are saved.',
  run: 'Round run. Check its figures, then publish it.',
  published: 'Round published.',
  discarded: 'Round discarded. You can run a new round.',
  accepted: 'You have accepted your placement.',
  declined: 'You have declined the placement.',
  taken: 'You have taken a place in clearing.',
  ranked: 'Your ranking of the applicants is saved.',
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
function ordinal(n: number): string {
  const suffix =
    n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10]
  return `${n}${suffix ?? 'th'}`
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`

/**
 * The learner's "Your placement choices" page (a rank beside each approved offer: no JavaScript needed), and the
 * framework admin's match round pages (run a round, see its figures, publish it).
 */
export function registerPreferencePages(
  app: FastifyInstance,
  deps: {
    readonly preferences: PreferencesService
    readonly offers: OffersService
    readonly placements: PlacementService
  },
): void {
  const { preferences, offers, placements } = deps
  const chooserRoute = { config: { policy: placementChooserPolicy } }
  const rankerRoute = { config: { policy: applicantRankerPolicy } }
  const roundRoute = { config: { policy: matchRoundPolicy } }

  // The learner's choices ----------------------------------------------------------------------------------------

  const showChoices = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      errors?: readonly FieldError[]
      values?: Record<string, unknown>
      notice?: string | null
      code?: number
    } = {},
  ) => {
    const learnerId = request.principal!.userId
    const [match, placement] = await Promise.all([
      placements.findMatchOf(learnerId),
      placements.findActivePlacement(learnerId),
    ])
    const offers = await preferences.listChoosableOffers()
    const current = new Map(
      (await preferences.listPreferences(request.principal!.userId)).map((p) => [p.offerId, p.rank]),
    )
    const values = extra.values ?? {}
    const ranks = Math.min(maximumChoices, offers.length)
    return reply
      .code(extra.code ?? ((extra.errors?.length ?? 0) > 0 ? 400 : 200))
      .view('placements/views/placement-choices.njk', {
        pageTitle: 'Your placement choices',
        notice: extra.notice ?? null,
        match,
        matchChoice: match?.choice == null ? '' : `Your ${ordinal(match.choice)} choice`,
        placement,
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

  // Accepting or declining the match: the form names the round, so the answer is to what the learner saw.
  for (const response of ['accept', 'decline'] as const) {
    app.post(`/placement-choices/${response}`, chooserRoute, async (request, reply) => {
      const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
      const result = await placements.respondToMatch(
        request.principal!,
        typeof values.roundId === 'string' ? values.roundId : '',
        response,
        requestContextOf(request),
      )
      if (!result.ok)
        return showChoices(request, reply, {
          errors: result.errors.map((error) => ({ ...error, field: matchField })),
          code: 409,
        })
      return reply.redirect(`/placement-choices?done=${response}ed`, 303)
    })
  }

  // The mentor's ranking of an offer's applicants ----------------------------------------------------------------

  const applicantsPath = (organisationId: string, offerId: string) =>
    `/organisations/${organisationId}/placement-offers/${offerId}/applicants`

  const showApplicants = async (
    request: FastifyRequest,
    reply: FastifyReply,
    organisationId: string,
    offerId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) => {
    const offer = await offers.findOfferAt(organisationId, offerId)
    if (offer === null) throw new NotFoundError('There is no such placement offer at this organisation.')
    const applicants = await preferences.listApplicants(request.principal!, offerId)
    if (applicants === null) throw new NotFoundError('There is no such placement offer at this organisation.')
    const values = extra.values ?? {}
    const submitted = extra.values !== undefined
    return reply
      .code((extra.errors?.length ?? 0) > 0 ? 400 : 200)
      .view('placements/views/offer-applicants.njk', {
        pageTitle: `Applicants: ${offer.study.briefTitle}`,
        organisationId,
        offer,
        notice: extra.notice ?? null,
        mayRank: offer.status === 'approved',
        applicants: applicants.map((applicant) => {
          const rankField = `rank-${applicant.learnerId}`
          const unacceptableField = `unacceptable-${applicant.learnerId}`
          return {
            ...applicant,
            rankField,
            unacceptableField,
            currentLabel: applicant.unacceptable
              ? 'unacceptable'
              : applicant.rank === null
                ? 'Not ranked'
                : String(applicant.rank),
            rankValue: submitted
              ? typeof values[rankField] === 'string'
                ? values[rankField]
                : ''
              : String(applicant.rank ?? ''),
            unacceptableChecked: submitted ? values[unacceptableField] === 'yes' : applicant.unacceptable,
          }
        }),
        ...formProblems(extra.errors ?? [], values),
      })
  }

  app.get(
    '/organisations/:organisationId/placement-offers/:offerId/applicants',
    rankerRoute,
    async (request, reply) => {
      const { organisationId, offerId } = parseParameters(offerParams, request.params, 'path')
      const query = parseParameters(rankedQuery, request.query, 'query')
      return showApplicants(request, reply, organisationId, offerId, {
        notice: query.done === undefined ? null : notices[query.done],
      })
    },
  )

  app.post(
    '/organisations/:organisationId/placement-offers/:offerId/applicants',
    rankerRoute,
    async (request, reply) => {
      const { organisationId, offerId } = parseParameters(offerParams, request.params, 'path')
      const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
      const offer = await offers.findOfferAt(organisationId, offerId)
      if (offer === null) throw new NotFoundError('There is no such placement offer at this organisation.')
      const applicants = await preferences.listApplicants(request.principal!, offerId)
      if (applicants === null)
        throw new NotFoundError('There is no such placement offer at this organisation.')
      const { errors, ranking } = readApplicantRanking(applicants, values)
      if (errors.length > 0)
        return showApplicants(request, reply, organisationId, offerId, { errors, values })
      const result = await preferences.rankApplicants(
        request.principal!,
        offerId,
        ranking,
        requestContextOf(request),
      )
      if (result === null) throw new NotFoundError('There is no such placement offer at this organisation.')
      if (!result.ok)
        return showApplicants(request, reply, organisationId, offerId, {
          errors: result.errors.map((error) => ({ ...error, field: 'applicants' })),
          values,
        })
      return reply.redirect(`${applicantsPath(organisationId, offerId)}?done=ranked`, 303)
    },
  )

  // Match rounds ---------------------------------------------------------------------------------------------------

  const showRounds = async (
    reply: FastifyReply,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) => {
    const rounds = await preferences.listRounds()
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/match-rounds.njk', {
      pageTitle: 'Match rounds',
      notice: extra.notice ?? null,
      rounds,
      mayRun: !rounds.some((round) => round.status === 'draft'),
      statusLabels: { draft: 'Draft', published: 'Published', discarded: 'Discarded' },
      values,
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/placement-rounds', roundRoute, async (request, reply) => {
    const query = parseParameters(doneQuery, request.query, 'query')
    return showRounds(reply, { notice: query.done === undefined ? null : notices[query.done] })
  })

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

  app.post('/placement-rounds/:roundId/discard', roundRoute, async (request, reply) => {
    const { roundId } = parseParameters(roundParams, request.params, 'path')
    const result = await preferences.discardRound(request.principal!, roundId, requestContextOf(request))
    if (result === null) throw new NotFoundError('There is no such match round.')
    if (!result.ok) return showRound(reply, roundId, { errors: result.errors })
    return reply.redirect('/placement-rounds?done=discarded', 303)
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

/**
 * The mentor's form read into a ranking: a whole-number rank, or "unacceptable", beside each applicant. Ranks
 * need not run 1, 2, 3: only their order counts. The problems name the field of the applicant they are about.
 */
export function readApplicantRanking(
  applicants: readonly OfferApplicant[],
  values: Readonly<Record<string, unknown>>,
): { errors: FieldError[]; ranking: { ranked: string[]; unacceptable: string[] } } {
  const errors: FieldError[] = []
  const ranked: { learnerId: string; rank: number }[] = []
  const unacceptable: string[] = []
  const rankedBy = new Map<number, OfferApplicant>()
  for (const applicant of applicants) {
    const rankField = `rank-${applicant.learnerId}`
    const raw = values[rankField]
    const text = typeof raw === 'string' ? raw.trim() : ''
    const isUnacceptable = values[`unacceptable-${applicant.learnerId}`] === 'yes'
    if (text !== '' && isUnacceptable) {
      errors.push({
        field: rankField,
        message: `Give ${applicant.fullName} a rank or mark them unacceptable, not both`,
      })
      continue
    }
    if (isUnacceptable) {
      unacceptable.push(applicant.learnerId)
      continue
    }
    if (text === '') continue
    const rank = /^\d{1,4}$/.test(text) ? Number(text) : NaN
    if (!(rank >= 1 && rank <= maximumApplicantRank)) {
      errors.push({
        field: rankField,
        message: `Enter the rank for ${applicant.fullName} as a whole number from 1 to ${maximumApplicantRank}`,
      })
      continue
    }
    const clash = rankedBy.get(rank)
    if (clash !== undefined) {
      errors.push({
        field: rankField,
        message: `Give ${applicant.fullName} a different rank from ${clash.fullName}`,
      })
      continue
    }
    rankedBy.set(rank, applicant)
    ranked.push({ learnerId: applicant.learnerId, rank })
  }
  return {
    errors,
    ranking: { ranked: ranked.sort((a, b) => a.rank - b.rank).map((r) => r.learnerId), unacceptable },
  }
}
