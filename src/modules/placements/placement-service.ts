import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { OfferRefusedError } from './offers-service.ts'
import type {
  ClearingOffer,
  LearnerMatch,
  Placement,
  PlacementRepository,
  UnplacedLearner,
} from './placement-repository.ts'

/**
 * After the match (issue 5, item 3): a learner accepts or declines what a published round matched them to, by
 * its date to accept by (a London date, inclusive); places left go to clearing, where a learner without a place
 * takes one directly, first come first served. Either way an accepted place is a placement, made in one
 * transaction that locks the offer's row first, so that two instances of Trellis taking its last place at once
 * cannot both have it: the second waits for the first and then sees the place held.
 *
 * An offer's places held are its placements active or signed off, and the matches of published rounds not yet
 * answered whose date to accept by has not passed (placement-repository.ts: placesHeldSql).
 */

export type PlacementOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** Where a learner stands after the latest published round they were in. */
export type MatchState = 'pending' | 'accepted' | 'declined' | 'lapsed' | 'unmatched'

export interface LearnerMatchView extends LearnerMatch {
  readonly state: MatchState
}

export interface ClearingView {
  /** False before the first round is published, and while a draft round is open. */
  readonly open: boolean
  readonly reasonClosed: string | null
  readonly offers: ClearingOffer[]
  /** For learners: whether they may take a place, and if not why. */
  readonly learner: { readonly mayTake: boolean; readonly reason: string | null } | null
  /** For framework admins (everyone) and programme leads (their universities' learners); null for others. */
  readonly unplaced: UnplacedLearner[] | null
}

export interface PlacementService {
  /** The learner's outcome in the latest published round they were in, or null. */
  findMatchOf(learnerId: string): Promise<LearnerMatchView | null>
  findActivePlacement(learnerId: string): Promise<Placement | null>
  /** The learner accepts or declines their match in a published round. */
  respondToMatch(
    principal: Principal,
    roundId: string,
    response: 'accept' | 'decline',
    origin: AuditOrigin,
  ): Promise<PlacementOutcome<Placement | null>>
  viewClearing(principal: Principal): Promise<ClearingView>
  /** A learner takes a place on an offer in clearing. */
  takeFromClearing(
    principal: Principal,
    offerId: string,
    origin: AuditOrigin,
  ): Promise<PlacementOutcome<Placement>>
}

/** The field refusals of accepting and declining are shown at. */
export const matchField = 'match'
/** The field refusals of clearing are shown at. */
export const clearingField = 'clearing'

export const mayTakePlaces = (principal: Principal): boolean => holdsRole(principal, 'learner')
export const maySeeUnplacedLearners = (principal: Principal): boolean =>
  holdsRole(principal, 'framework-admin') || holdsRole(principal, 'programme-lead')

/** PostgreSQL's unique_violation: the learner has an active placement already (placements_one_active). */
const uniqueViolation = '23505'
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const messages = {
  enrolFirst:
    'You must be enrolled at a university before you take a placement: ask your university to enrol you on Trellis',
  placedAlready: 'You have a placement already',
  noPlacesLeft: 'There are no places left on this placement',
  lapsed: 'The date to accept this placement by has passed',
  noMatch: 'You have no match to answer in this round',
  clearingClosed: 'Clearing is not open',
  notOpen: 'This placement is not open to learners',
  pendingMatch: 'Accept or decline the placement you were matched to before you take another',
} as const

export function createPlacementService(deps: {
  readonly db: Database
  readonly placements: PlacementRepository
  /** The university of the learner's active enrolment, or null when they have none (composition: learning). */
  readonly activeUniversityOf: (learnerId: string) => Promise<string | null>
  readonly now?: () => Date
}): PlacementService {
  const { db, placements: repository, activeUniversityOf } = deps
  const now = deps.now ?? (() => new Date())
  const today = () =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now()).slice(0, 10)
  const refuse = (field: string, message: string): PlacementOutcome<never> => ({
    ok: false,
    errors: [{ field, message }],
  })

  const stateOf = (match: LearnerMatch, on: string): MatchState => {
    if (match.offer === null) return 'unmatched'
    if (match.response !== null) return match.response
    return match.acceptBy < on ? 'lapsed' : 'pending'
  }

  /**
   * Makes the placement, in `tx`, once the offer's row is locked: refused when the places held (with the
   * learner's own match, when accepting one) would exceed the offer's places.
   */
  const place = async (
    tx: Sql,
    principal: Principal,
    offerId: string,
    universityId: string,
    roundId: string | null,
    on: string,
    origin: AuditOrigin,
  ): Promise<PlacementOutcome<Placement>> => {
    const field = roundId === null ? clearingField : matchField
    const offer = await repository.lockOffer(tx, offerId)
    if (offer === null || (roundId === null && offer.status !== 'approved'))
      return refuse(field, messages.notOpen)
    // The learner's own unanswered match is among the places held: it reserves their place until they answer.
    const held = await repository.countPlacesHeld(tx, offerId, on)
    if (roundId === null ? held >= offer.places : held > offer.places)
      return refuse(field, messages.noPlacesLeft)
    if ((await repository.findActivePlacement(principal.userId, tx)) !== null)
      return refuse(field, messages.placedAlready)
    const placement: Placement = {
      id: randomUUID(),
      offerId,
      learnerId: principal.userId,
      roundId,
      universityId,
      mentorId: offer.mentorId,
      status: 'active',
      acceptedAt: now(),
    }
    await repository.insertPlacement(tx, placement)
    await recordAudit(tx, {
      actor: { userId: principal.userId },
      action: roundId === null ? 'placement.taken-from-clearing' : 'placement.accepted',
      subjectType: 'placement',
      subjectId: placement.id,
      origin,
      details: { offerId, roundId, universityId },
    })
    return { ok: true, value: placement }
  }

  /** Two requests of one learner at once: the one-active-placement index refuses the second. */
  const refusingSecondPlacement = async <T>(
    field: string,
    work: Promise<PlacementOutcome<T>>,
  ): Promise<PlacementOutcome<T>> =>
    work.catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code === uniqueViolation)
        return refuse(field, messages.placedAlready)
      throw error
    })

  return {
    async findMatchOf(learnerId) {
      const match = await repository.findLatestMatch(learnerId)
      return match === null ? null : { ...match, state: stateOf(match, today()) }
    },

    findActivePlacement: (learnerId) => repository.findActivePlacement(learnerId),

    async respondToMatch(principal, roundId, response, origin) {
      if (!mayTakePlaces(principal)) throw new OfferRefusedError('Only learners may answer a match.')
      if (!uuid.test(roundId)) return refuse(matchField, messages.noMatch)
      const universityId = response === 'accept' ? await activeUniversityOf(principal.userId) : null
      if (response === 'accept' && universityId === null) return refuse(matchField, messages.enrolFirst)
      const on = today()
      const work = db.transaction(async (tx): Promise<PlacementOutcome<Placement | null>> => {
        const match = await repository.lockMatch(tx, roundId, principal.userId)
        if (match === null || match.offerId === null) return refuse(matchField, messages.noMatch)
        if (match.response !== null)
          return refuse(matchField, `You have ${match.response} this placement already`)
        if (match.acceptBy < on) return refuse(matchField, messages.lapsed)
        if (response === 'decline') {
          await repository.setResponse(tx, roundId, principal.userId, 'declined', now())
          await recordAudit(tx, {
            actor: { userId: principal.userId },
            action: 'placement-match.declined',
            subjectType: 'placement-match-round',
            subjectId: roundId,
            origin,
            details: { offerId: match.offerId },
          })
          return { ok: true, value: null }
        }
        const placed = await place(tx, principal, match.offerId, universityId!, roundId, on, origin)
        if (placed.ok) await repository.setResponse(tx, roundId, principal.userId, 'accepted', now())
        return placed
      })
      return refusingSecondPlacement(matchField, work)
    },

    async viewClearing(principal) {
      const on = today()
      const published = await repository.hasPublishedRound()
      const draft = published && (await repository.hasOpenRound())
      const open = published && !draft
      const reasonClosed = !published
        ? 'Clearing opens when the first match round is published.'
        : draft
          ? 'A match round is being prepared: clearing opens again when it is published or discarded.'
          : null
      let learner: ClearingView['learner'] = null
      if (mayTakePlaces(principal)) {
        const reason =
          (await repository.findActivePlacement(principal.userId)) !== null
            ? 'You have a placement already.'
            : (await repository.hasPendingMatch(principal.userId, on))
              ? 'You have a match to accept or decline first.'
              : (await activeUniversityOf(principal.userId)) === null
                ? `${messages.enrolFirst}.`
                : null
        learner = { mayTake: open && reason === null, reason }
      }
      let unplaced: UnplacedLearner[] | null = null
      if (holdsRole(principal, 'framework-admin')) unplaced = await repository.listUnplacedLearners(on, 'all')
      else if (holdsRole(principal, 'programme-lead'))
        unplaced = await repository.listUnplacedLearners(
          on,
          principal.memberships
            .filter((m) => m.roles.includes('programme-lead'))
            .map((m) => m.organisationId),
        )
      return {
        open,
        reasonClosed,
        offers: open ? await repository.listClearingOffers(on) : [],
        learner,
        unplaced,
      }
    },

    async takeFromClearing(principal, offerId, origin) {
      if (!mayTakePlaces(principal)) throw new OfferRefusedError('Only learners may take a placement.')
      if (!uuid.test(offerId)) return refuse(clearingField, messages.notOpen)
      const universityId = await activeUniversityOf(principal.userId)
      if (universityId === null) return refuse(clearingField, messages.enrolFirst)
      const on = today()
      const work = db.transaction(async (tx): Promise<PlacementOutcome<Placement>> => {
        // The offer first (place locks it again, harmlessly): a round being run holds it (FOR SHARE) until its
        // draft is stored, so the check for a draft below, after the wait, sees it.
        await repository.lockOffer(tx, offerId)
        if (!(await repository.hasPublishedRound(tx)) || (await repository.hasOpenRound(tx)))
          return refuse(clearingField, messages.clearingClosed)
        if (await repository.hasPendingMatch(principal.userId, on, tx))
          return refuse(clearingField, messages.pendingMatch)
        return place(tx, principal, offerId, universityId, null, on, origin)
      })
      return refusingSecondPlacement(clearingField, work)
    },
  }
}
