import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { HttpError } from '../../platform/http/problem.ts'
import type { OfferableSite, OfferOrganisation, OffersRepository } from './offers-repository.ts'
import {
  checkOfferDraft,
  mayBeDecided,
  mayBeWithdrawn,
  maximumReasonLength,
  offerStatusLabels,
  type OfferDraft,
  type PlacementOffer,
} from './placement-offer.ts'

export type OfferOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** What the research lead decides about a pending offer. */
export type OfferDecision =
  { readonly outcome: 'approve' } | { readonly outcome: 'reject'; readonly reason: string }

/** Someone acting on an offer they may not act on: answered 403, as access control answers. */
export class OfferRefusedError extends HttpError {
  constructor(detail: string) {
    super(403, 'You do not have permission', detail)
    this.name = 'OfferRefusedError'
  }
}

export interface OffersService {
  /** An NHS organisation, or null when there is no NHS organisation with this id. */
  findOrganisation(id: string): Promise<OfferOrganisation | null>
  /** The study sites matched to the organisation: where its mentors may offer places. */
  listSitesAt(organisationId: string): Promise<OfferableSite[]>
  /** The organisation's offers, newest first. */
  listOffersAt(organisationId: string): Promise<PlacementOffer[]>
  findOfferAt(organisationId: string, offerId: string): Promise<PlacementOffer | null>
  /** A mentor at the organisation offers places on one of its study sites; the offer waits for approval. */
  createOffer(
    principal: Principal,
    organisationId: string,
    draft: OfferDraft,
    origin: AuditOrigin,
  ): Promise<OfferOutcome<PlacementOffer>>
  /**
   * The organisation's employer research lead (or a framework admin) approves or rejects a pending offer, with
   * a reason when rejecting. Null when there is no such offer at the organisation.
   */
  decideOffer(
    principal: Principal,
    organisationId: string,
    offerId: string,
    decision: OfferDecision,
    origin: AuditOrigin,
  ): Promise<OfferOutcome<PlacementOffer> | null>
  /** The mentor who made an offer withdraws it, pending or approved. Null when there is no such offer there. */
  withdrawOffer(
    principal: Principal,
    organisationId: string,
    offerId: string,
    origin: AuditOrigin,
  ): Promise<OfferOutcome<PlacementOffer> | null>
}

/** Who may decide an organisation's offers: its employer research leads, and framework admins. */
export const mayDecideOffersAt = (principal: Principal, organisationId: string): boolean =>
  holdsRole(principal, 'employer-research-lead', organisationId) || holdsRole(principal, 'framework-admin')

/** Who may offer places at an organisation: its mentors. */
export const mayOfferAt = (principal: Principal, organisationId: string): boolean =>
  holdsRole(principal, 'mentor', organisationId)

export function createOffersService(deps: {
  readonly db: Database
  readonly offers: OffersRepository
  readonly now?: () => Date
}): OffersService {
  const { db, offers } = deps
  const now = deps.now ?? (() => new Date())
  // The UK's date, which is what a start window in an NHS organisation is read against.
  const today = () =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now()).slice(0, 10)

  const reload = async (organisationId: string, offerId: string) => {
    const offer = await offers.findOfferAt(organisationId, offerId)
    if (offer === null) throw new Error(`offer ${offerId} vanished after it was written`)
    return offer
  }

  return {
    findOrganisation: (id) => offers.findNhsOrganisation(id),
    listSitesAt: (organisationId) => offers.listSitesAt(organisationId),
    listOffersAt: (organisationId) => offers.listOffersAt(organisationId),
    findOfferAt: (organisationId, offerId) => offers.findOfferAt(organisationId, offerId),

    async createOffer(principal, organisationId, draft, origin) {
      if (!mayOfferAt(principal, organisationId))
        throw new OfferRefusedError('Only mentors at this organisation may offer places here.')
      const checked = checkOfferDraft(draft, today())
      if (!checked.ok) return { ok: false, errors: checked.problems }
      const fields = checked.value
      const id = randomUUID()
      const written = await db.transaction(async (tx) => {
        // Locked, so that the site cannot be matched to another organisation before the offer is written.
        const site = await offers.findSiteForOffer(tx, fields.siteId)
        if (site === null || site.organisationId !== organisationId) return false
        const at = now()
        await offers.insertOffer(tx, {
          id,
          studyId: site.study.id,
          siteId: site.id,
          organisationId,
          mentorId: principal.userId,
          places: fields.places,
          specialty: fields.specialty,
          complexity: fields.complexity,
          activities: fields.activities,
          hoursPerWeek: fields.hoursPerWeek,
          startFrom: fields.startFrom,
          startBy: fields.startBy,
          prerequisites: fields.prerequisites,
          at,
        })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-offer.created',
          subjectType: 'placement-offer',
          subjectId: id,
          origin,
          details: {
            organisationId,
            studyId: site.study.id,
            siteId: site.id,
            places: fields.places,
            startFrom: fields.startFrom,
            startBy: fields.startBy,
          },
        })
        return true
      })
      if (!written)
        return {
          ok: false,
          errors: [{ field: 'siteId', message: 'Select a study site at this organisation' }],
        }
      return { ok: true, value: await reload(organisationId, id) }
    },

    async decideOffer(principal, organisationId, offerId, decision, origin) {
      if (!mayDecideOffersAt(principal, organisationId))
        throw new OfferRefusedError("Only this organisation's employer research leads may decide its offers.")
      const reason = decision.outcome === 'reject' ? decision.reason.trim() : null
      if (reason === '')
        return {
          ok: false,
          errors: [{ field: 'reason', message: 'Enter the reason for rejecting the offer' }],
        }
      if (reason !== null && reason.length > maximumReasonLength)
        return {
          ok: false,
          errors: [{ field: 'reason', message: `Reason must be ${maximumReasonLength} characters or fewer` }],
        }
      const result = await db.transaction(async (tx): Promise<OfferOutcome<null> | null> => {
        const offer = await offers.findOfferAt(organisationId, offerId, { tx, lock: true })
        if (offer === null) return null
        if (!mayBeDecided(offer.status))
          return {
            ok: false,
            errors: [
              {
                field: 'outcome',
                message: `This offer is ${offerStatusLabels[offer.status].toLowerCase()} already: it cannot be decided again`,
              },
            ],
          }
        const status = decision.outcome === 'approve' ? 'approved' : 'rejected'
        await offers.changeStatus(tx, offerId, { status, decidedBy: principal.userId, at: now(), reason })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: `placement-offer.${status}`,
          subjectType: 'placement-offer',
          subjectId: offerId,
          origin,
          details: { organisationId, ...(reason === null ? {} : { reason }) },
        })
        return { ok: true, value: null }
      })
      if (result === null) return null
      if (!result.ok) return result
      return { ok: true, value: await reload(organisationId, offerId) }
    },

    async withdrawOffer(principal, organisationId, offerId, origin) {
      const result = await db.transaction(async (tx): Promise<OfferOutcome<null> | null> => {
        const offer = await offers.findOfferAt(organisationId, offerId, { tx, lock: true })
        if (offer === null) return null
        if (offer.mentor.id !== principal.userId)
          throw new OfferRefusedError('Only the mentor who made an offer may withdraw it.')
        if (!mayBeWithdrawn(offer.status))
          return {
            ok: false,
            errors: [
              {
                field: 'withdraw',
                message: `This offer is ${offerStatusLabels[offer.status].toLowerCase()} already: it cannot be withdrawn`,
              },
            ],
          }
        await offers.changeStatus(tx, offerId, {
          status: 'withdrawn',
          decidedBy: principal.userId,
          at: now(),
          reason: null,
        })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-offer.withdrawn',
          subjectType: 'placement-offer',
          subjectId: offerId,
          origin,
          details: { organisationId, previousStatus: offer.status },
        })
        return { ok: true, value: null }
      })
      if (result === null) return null
      if (!result.ok) return result
      return { ok: true, value: await reload(organisationId, offerId) }
    },
  }
}
