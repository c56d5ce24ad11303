import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RoutePolicy } from '../../platform/http/access-control.ts'
import { parseForm, withoutSecrets, type FieldError } from '../../platform/http/forms.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { formatDate } from '../../platform/views/view-filters.ts'
import { formProblems, readDateField } from '../learning/index.ts'
import type { OfferOrganisation } from './offers-repository.ts'
import {
  decisionForm,
  offerForm,
  offerParams,
  offerQuery,
  offersParams,
  offersQuery,
} from './offers-schemas.ts'
import { mayDecideOffersAt, mayOfferAt, type OffersService } from './offers-service.ts'
import { describeActivity, placementActivities } from './placement-activities.ts'
import {
  complexityLabels,
  mayBeDecided,
  mayBeWithdrawn,
  maximumHoursPerWeek,
  maximumPlaces,
  offerComplexities,
  offerFieldOrder,
  offerStatuses,
  offerStatusLabels,
  type OfferStatus,
  type PlacementOffer,
} from './placement-offer.ts'

/** Seeing an organisation's placement offers: its mentors and employer research leads, and framework admins. */
export const offerReaderPolicy: RoutePolicy = {
  access: 'role',
  roles: ['mentor', 'employer-research-lead', 'framework-admin'],
  organisationParam: 'organisationId',
}

/** Offering places, and withdrawing one's own offer: the organisation's mentors. */
export const offerMentorPolicy: RoutePolicy = {
  access: 'role',
  roles: ['mentor'],
  organisationParam: 'organisationId',
}

/** Approving and rejecting offers: the organisation's employer research leads, and framework admins. */
export const offerDeciderPolicy: RoutePolicy = {
  access: 'role',
  roles: ['employer-research-lead', 'framework-admin'],
  organisationParam: 'organisationId',
}

const notices: Readonly<Record<string, string>> = {
  created: 'Offer sent. The employer research lead will approve it or say why not.',
  approved: 'Offer approved.',
  rejected: 'Offer rejected. The mentor can see your reason.',
  withdrawn: 'Offer withdrawn.',
}

/** The start window in words: "1 March 2027 to 31 May 2027". */
const describeWindow = (
  offer: Pick<PlacementOffer, 'startFrom' | 'startBy'>,
  format: (iso: string) => string,
) =>
  offer.startFrom === offer.startBy
    ? format(offer.startFrom)
    : `${format(offer.startFrom)} to ${format(offer.startBy)}`

function offerForView(offer: PlacementOffer) {
  return {
    ...offer,
    statusLabel: offerStatusLabels[offer.status],
    complexityLabel: complexityLabels[offer.complexity],
    activityLabels: offer.activities.map(describeActivity),
    windowLabel: describeWindow(offer, formatDate),
    siteLabel: offer.site.city === null ? offer.site.facility : `${offer.site.facility}, ${offer.site.city}`,
  }
}

/** The placement offers pages of an NHS organisation: the list, offering places, an offer and its decision. */
export function registerOfferPages(app: FastifyInstance, deps: { readonly offers: OffersService }): void {
  const { offers } = deps
  const readerRoute = { config: { policy: offerReaderPolicy } }
  const mentorRoute = { config: { policy: offerMentorPolicy } }
  const deciderRoute = { config: { policy: offerDeciderPolicy } }

  const requireOrganisation = async (organisationId: string): Promise<OfferOrganisation> => {
    const organisation = await offers.findOrganisation(organisationId)
    if (organisation === null)
      throw new NotFoundError(`There is no NHS organisation "${organisationId}" in Trellis.`)
    return organisation
  }

  // The list -------------------------------------------------------------------------------------------------

  app.get('/organisations/:organisationId/placement-offers', readerRoute, async (request, reply) => {
    const { organisationId } = parseParameters(offersParams, request.params, 'path')
    const query = parseParameters(offersQuery, request.query, 'query')
    const organisation = await requireOrganisation(organisationId)
    const all = await offers.listOffersAt(organisationId)
    const principal = request.principal!
    const shown: readonly OfferStatus[] = query.status === undefined ? offerStatuses : [query.status]
    return reply.view('placements/views/offers.njk', {
      pageTitle: `Placement offers at ${organisation.name}`,
      organisation,
      mayOffer: mayOfferAt(principal, organisationId),
      filter: query.status ?? null,
      filterLinks: [
        { text: 'All', href: `/organisations/${organisationId}/placement-offers`, current: !query.status },
        ...offerStatuses.map((status) => ({
          text: `${offerStatusLabels[status]} (${all.filter((offer) => offer.status === status).length})`,
          href: `/organisations/${organisationId}/placement-offers?status=${status}`,
          current: query.status === status,
        })),
      ],
      total: all.length,
      groups: shown
        .map((status) => ({
          status,
          label: offerStatusLabels[status],
          offers: all.filter((offer) => offer.status === status).map(offerForView),
        }))
        .filter((group) => group.offers.length > 0),
    })
  })

  // Offering places ------------------------------------------------------------------------------------------

  const showOfferForm = async (
    reply: FastifyReply,
    organisation: OfferOrganisation,
    extra: {
      errors?: readonly FieldError[]
      values?: Record<string, unknown>
      activities?: readonly string[]
    } = {},
  ) => {
    const values = extra.values ?? {}
    const ticked = extra.activities ?? []
    const sites = await offers.listSitesAt(organisation.id)
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/offer-new.njk', {
      pageTitle: `Offer placement places at ${organisation.name}`,
      organisation,
      values,
      hasSites: sites.length > 0,
      siteItems: [
        { value: '', text: 'Choose a study site', selected: (values.siteId ?? '') === '' },
        ...sites.map((site) => ({
          value: site.id,
          text: `${site.study.briefTitle}: ${site.facility}${site.city === null ? '' : `, ${site.city}`}`,
          selected: values.siteId === site.id,
        })),
      ],
      complexityItems: offerComplexities.map((complexity) => ({
        value: complexity,
        text: complexityLabels[complexity],
        hint: {
          text:
            complexity === 'complex'
              ? 'For example, an interventional trial of a medicine, or one with many procedures or visits'
              : 'For example, a questionnaire or observational study, or one with few procedures',
        },
        checked: values.complexity === complexity,
      })),
      activityItems: placementActivities.map((activity) => ({
        value: activity.id,
        text: activity.label,
        hint: { text: activity.description },
        checked: ticked.includes(activity.id),
      })),
      maximumPlaces,
      maximumHoursPerWeek,
      ...formProblems(extra.errors ?? [], values, ['startFrom', 'startBy']),
    })
  }

  app.get('/organisations/:organisationId/placement-offers/new', mentorRoute, async (request, reply) => {
    const { organisationId } = parseParameters(offersParams, request.params, 'path')
    return showOfferForm(reply, await requireOrganisation(organisationId))
  })

  app.post('/organisations/:organisationId/placement-offers/new', mentorRoute, async (request, reply) => {
    const { organisationId } = parseParameters(offersParams, request.params, 'path')
    const organisation = await requireOrganisation(organisationId)
    const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>) as Record<string, string>
    const form = parseForm(offerForm, request.body)
    if (!form.ok) return showOfferForm(reply, organisation, { errors: form.errors, values })
    const errors: FieldError[] = []
    const dates = { startFrom: '', startBy: '' }
    for (const [field, label, missing] of [
      ['startFrom', 'Earliest start date', 'Enter the earliest start date'],
      ['startBy', 'Latest start date', 'Enter the latest start date'],
    ] as const) {
      const reading = readDateField(values, field, label, { required: missing })
      if ('error' in reading) errors.push({ field, message: reading.error })
      else dates[field] = reading.iso ?? ''
    }
    const draft = { ...form.data, ...dates }
    const result = await offers.createOffer(
      request.principal!,
      organisationId,
      draft,
      requestContextOf(request),
    )
    if (!result.ok || errors.length > 0) {
      // A date that could not be read is the only problem shown for its field.
      const all = [
        ...errors,
        ...(result.ok ? [] : result.errors.filter((error) => !errors.some((e) => e.field === error.field))),
      ]
      return showOfferForm(reply, organisation, {
        errors: orderOfferErrors(all),
        values,
        activities: form.data.activities,
      })
    }
    return reply.redirect(
      `/organisations/${organisationId}/placement-offers/${result.value.id}?done=created`,
      303,
    )
  })

  // An offer ---------------------------------------------------------------------------------------------------

  const showOffer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    organisationId: string,
    offerId: string,
    extra: { errors?: readonly FieldError[]; values?: Record<string, unknown>; notice?: string | null } = {},
  ) => {
    const organisation = await requireOrganisation(organisationId)
    const offer = await offers.findOfferAt(organisationId, offerId)
    if (offer === null) throw new NotFoundError('There is no such placement offer at this organisation.')
    const principal = request.principal!
    const values = extra.values ?? {}
    return reply.code((extra.errors?.length ?? 0) > 0 ? 400 : 200).view('placements/views/offer.njk', {
      pageTitle: `Placement offer: ${offer.study.briefTitle}`,
      organisation,
      offer: offerForView(offer),
      notice: extra.notice ?? null,
      mayDecide: mayDecideOffersAt(principal, organisationId) && mayBeDecided(offer.status),
      mayWithdraw: offer.mentor.id === principal.userId && mayBeWithdrawn(offer.status),
      mayRankApplicants:
        offer.mentor.id === principal.userId &&
        mayOfferAt(principal, organisationId) &&
        offer.status === 'approved',
      values,
      outcomeItems: [
        { value: 'approve', text: 'Approve the offer', checked: values.outcome === 'approve' },
        { value: 'reject', text: 'Reject the offer', checked: values.outcome === 'reject' },
      ],
      ...formProblems(extra.errors ?? [], values),
    })
  }

  app.get('/organisations/:organisationId/placement-offers/:offerId', readerRoute, async (request, reply) => {
    const { organisationId, offerId } = parseParameters(offerParams, request.params, 'path')
    const query = parseParameters(offerQuery, request.query, 'query')
    return showOffer(request, reply, organisationId, offerId, {
      notice: query.done === undefined ? null : notices[query.done],
    })
  })

  app.post(
    '/organisations/:organisationId/placement-offers/:offerId/decision',
    deciderRoute,
    async (request, reply) => {
      const { organisationId, offerId } = parseParameters(offerParams, request.params, 'path')
      const values = withoutSecrets((request.body ?? {}) as Record<string, unknown>)
      const form = parseForm(decisionForm, request.body)
      if (!form.ok) return showOffer(request, reply, organisationId, offerId, { errors: form.errors, values })
      const result = await offers.decideOffer(
        request.principal!,
        organisationId,
        offerId,
        form.data.outcome === 'approve'
          ? { outcome: 'approve' }
          : { outcome: 'reject', reason: form.data.reason },
        requestContextOf(request),
      )
      if (result === null) throw new NotFoundError('There is no such placement offer at this organisation.')
      if (!result.ok)
        return showOffer(request, reply, organisationId, offerId, { errors: result.errors, values })
      return reply.redirect(
        `/organisations/${organisationId}/placement-offers/${offerId}?done=${result.value.status}`,
        303,
      )
    },
  )

  app.post(
    '/organisations/:organisationId/placement-offers/:offerId/withdraw',
    mentorRoute,
    async (request, reply) => {
      const { organisationId, offerId } = parseParameters(offerParams, request.params, 'path')
      const result = await offers.withdrawOffer(
        request.principal!,
        organisationId,
        offerId,
        requestContextOf(request),
      )
      if (result === null) throw new NotFoundError('There is no such placement offer at this organisation.')
      if (!result.ok) return showOffer(request, reply, organisationId, offerId, { errors: result.errors })
      return reply.redirect(
        `/organisations/${organisationId}/placement-offers/${offerId}?done=withdrawn`,
        303,
      )
    },
  )
}

/** The offer form's problems in the order of its fields. */
function orderOfferErrors(errors: readonly FieldError[]): FieldError[] {
  const position = (field: string) => {
    const index = (offerFieldOrder as readonly string[]).indexOf(field)
    return index === -1 ? offerFieldOrder.length : index
  }
  return [...errors].sort((a, b) => position(a.field) - position(b.field))
}
