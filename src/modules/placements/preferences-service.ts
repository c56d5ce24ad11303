import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { matchApplicants, type MatchInput, type MatchProgramInput, type MatchResult } from './matching.ts'
import { OfferRefusedError } from './offers-service.ts'
import type {
  ChoosableOffer,
  LearnerPreference,
  MatchRound,
  OfferApplicant,
  PreferencesRepository,
  RoundData,
  RoundFigures,
  RoundResult,
} from './preferences-repository.ts'

/**
 * Preferences and the match (issue 5, item 3). A learner ranks up to 20 approved offers: ranking an offer is
 * applying to it. The offer's mentor ranks the learners who applied, or marks them unacceptable. A framework
 * admin or programme lead runs a round over the places left on approved offers (their places less those held:
 * placement-repository.ts) and the learners who hold no place: learner-proposing deferred acceptance
 * (matching.ts), stored as a draft with its matches and figures; publishing the draft, with a date to accept by,
 * makes its results final, and discarding it lets a new round be run instead.
 *
 * An applicant the mentor has not ranked yet does not block the round, and is not left out: they come after
 * the ones the mentor ranked, in the order they applied (when they first put the offer on their list; reordering
 * a list keeps that). Only a learner marked unacceptable is never matched to the offer. One mentor late with a
 * ranking therefore cannot hold up a national round, and no applicant loses a place for it.
 */

export type PreferenceOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] }

/** The most offers a learner may rank, as in the issue. */
export const maximumChoices = 20
export const maximumRoundNameLength = 200

export interface ApplicantRanking {
  /** The applicants the mentor will take, most wanted first. */
  readonly ranked: readonly string[]
  /** The applicants the mentor will not take. */
  readonly unacceptable: readonly string[]
}

export interface PreferencesService {
  /** The offers open to learners. */
  listChoosableOffers(): Promise<ChoosableOffer[]>
  /** A learner's ranked list, first choice first. */
  listPreferences(learnerId: string): Promise<LearnerPreference[]>
  /** A learner replaces their whole ranked list of approved offers (empty to withdraw from the match). */
  setPreferences(
    principal: Principal,
    offerIds: readonly string[],
    origin: AuditOrigin,
  ): Promise<PreferenceOutcome<LearnerPreference[]>>
  /** The learners who applied to an offer, for its mentor. Null when there is no such offer. */
  listApplicants(principal: Principal, offerId: string): Promise<OfferApplicant[] | null>
  /** The offer's mentor replaces the ranking of its applicants. Null when there is no such offer. */
  rankApplicants(
    principal: Principal,
    offerId: string,
    ranking: ApplicantRanking,
    origin: AuditOrigin,
  ): Promise<PreferenceOutcome<OfferApplicant[]> | null>
  /**
   * A framework admin or programme lead runs a round: a draft with its matches and figures, over the places
   * left and the learners who hold none. Only one draft at a time.
   */
  runRound(principal: Principal, name: string, origin: AuditOrigin): Promise<PreferenceOutcome<MatchRound>>
  /** A framework admin publishes a draft round with the date its matches must be accepted by. */
  publishRound(
    principal: Principal,
    roundId: string,
    acceptBy: string,
    origin: AuditOrigin,
  ): Promise<PreferenceOutcome<MatchRound> | null>
  /** A framework admin or programme lead discards a draft round: a new one may then be run. */
  discardRound(
    principal: Principal,
    roundId: string,
    origin: AuditOrigin,
  ): Promise<PreferenceOutcome<MatchRound> | null>
  findRound(roundId: string): Promise<MatchRound | null>
  listRounds(): Promise<MatchRound[]>
  /** A round's outcome for each learner in it, matched or not, by learner id. */
  listResults(roundId: string): Promise<RoundResult[]>
}

export const mayChoosePlacements = (principal: Principal): boolean => holdsRole(principal, 'learner')
/** Framework admins, and programme leads (in any organisation), as ARCHITECTURE.md allows. */
export const mayRunRounds = (principal: Principal): boolean =>
  holdsRole(principal, 'framework-admin') || holdsRole(principal, 'programme-lead')

/** The round's input in the engine's shape, from the lists and rankings of approved offers. */
export function roundInput(data: RoundData): MatchInput {
  const applicants: Record<string, string[]> = {}
  for (const { learnerId, offerId } of data.preferences) (applicants[learnerId] ??= []).push(offerId)
  const rols: Record<string, string[]> = {}
  for (const { offerId, learnerId } of data.rankOrder) (rols[offerId] ??= []).push(learnerId)
  const programs: Record<string, MatchProgramInput> = {}
  for (const offer of data.offers) programs[offer.id] = { capacity: offer.places, rol: rols[offer.id] ?? [] }
  return { applicants, programs }
}

/**
 * The figures stored with a round. Given the results, which choice each match was is counted on the learners'
 * whole lists (roundResults), as the learners are told, rather than on the engine's lists without full offers.
 */
export function roundFigures(
  input: MatchInput,
  result: MatchResult,
  results?: readonly RoundResult[],
): RoundFigures {
  const applicants = Object.keys(input.applicants).length
  let byChoice = result.byChoice
  if (results !== undefined) {
    const longest = results.reduce((most, r) => Math.max(most, r.choice ?? 0), result.byChoice.length)
    const counts = new Array<number>(longest).fill(0)
    for (const { choice } of results) if (choice !== null) counts[choice - 1]!++
    byChoice = counts
  }
  const share = (choice: number) => (applicants === 0 ? 0 : (byChoice[choice] ?? 0) / applicants)
  return {
    applicants,
    offers: result.programs.length,
    matched: result.matchedCount,
    unmatched: result.unmatchedCount,
    byChoice,
    firstChoiceShare: share(0),
    secondChoiceShare: share(1),
    thirdChoiceShare: share(2),
    totalPlaces: result.totalPlaces,
    placesLeft: result.placesLeft,
    proposals: result.proposals,
  }
}

/**
 * Each learner's outcome: the offer matched and which choice it was on their whole list (offers with no places
 * left are not in the round, so it may differ from its place in the engine's input), or none.
 */
function roundResults(input: MatchInput, result: MatchResult, data: RoundData): RoundResult[] {
  const rankOf = new Map(data.preferences.map((p) => [`${p.learnerId} ${p.offerId}`, p.rank]))
  const results: RoundResult[] = []
  for (const program of result.programs) {
    for (const learnerId of program.matched) {
      const choice =
        rankOf.get(`${learnerId} ${program.id}`) ?? input.applicants[learnerId]!.indexOf(program.id) + 1
      results.push({ learnerId, offerId: program.id, choice })
    }
  }
  for (const learnerId of result.unmatched) results.push({ learnerId, offerId: null, choice: null })
  return results
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/
const isRealDate = (value: string) =>
  isoDate.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value
/** PostgreSQL's unique_violation. */
const uniqueViolation = '23505'
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The first id that occurs twice, if any. */
function firstDuplicate(ids: readonly string[]): string | undefined {
  const seen = new Set<string>()
  for (const id of ids) {
    if (seen.has(id)) return id
    seen.add(id)
  }
  return undefined
}

export function createPreferencesService(deps: {
  readonly db: Database
  readonly preferences: PreferencesRepository
  readonly now?: () => Date
}): PreferencesService {
  const { db, preferences: repository } = deps
  const now = deps.now ?? (() => new Date())
  const today = () =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now()).slice(0, 10)

  const rankableBy = async (
    principal: Principal,
    offerId: string,
    tx?: Parameters<typeof repository.findRankableOffer>[1],
  ) => {
    const offer = uuid.test(offerId) ? await repository.findRankableOffer(offerId, tx) : null
    if (offer === null) return null
    if (offer.mentorId !== principal.userId || !holdsRole(principal, 'mentor', offer.organisationId))
      throw new OfferRefusedError('Only the mentor of this offer may rank its applicants.')
    return offer
  }

  return {
    listChoosableOffers: () => repository.listChoosableOffers(),
    listPreferences: (learnerId) => repository.listPreferences(learnerId),
    findRound: (roundId) => (uuid.test(roundId) ? repository.findRound(roundId) : Promise.resolve(null)),
    listRounds: () => repository.listRounds(),
    listResults: (roundId) => repository.listResults(roundId),

    async setPreferences(principal, offerIds, origin) {
      if (!mayChoosePlacements(principal)) throw new OfferRefusedError('Only learners may choose placements.')
      const fail = (message: string): PreferenceOutcome<never> => ({
        ok: false,
        errors: [{ field: 'offerIds', message }],
      })
      if (offerIds.length > maximumChoices) return fail(`Choose ${maximumChoices} placements or fewer`)
      if (firstDuplicate(offerIds) !== undefined) return fail('Choose each placement only once')
      if (offerIds.some((id) => !uuid.test(id))) return fail('Choose only placements open to learners')
      const result = await db.transaction(async (tx): Promise<PreferenceOutcome<null>> => {
        // Two saves of one list at once: the second waits for the first, then replaces its list whole.
        await repository.lockLearner(tx, principal.userId)
        const approved = new Set(await repository.findApprovedOffers(tx, offerIds))
        if (offerIds.some((id) => !approved.has(id))) return fail('Choose only placements open to learners')
        const before = new Map(
          (await repository.listPreferences(principal.userId, tx)).map((entry) => [entry.offerId, entry]),
        )
        const at = now()
        await repository.replacePreferences(
          tx,
          principal.userId,
          offerIds.map((offerId, index) => ({
            offerId,
            rank: index + 1,
            appliedAt: before.get(offerId)?.appliedAt ?? at,
          })),
        )
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-preferences.set',
          subjectType: 'user',
          subjectId: principal.userId,
          origin,
          details: { offerIds: [...offerIds] },
        })
        return { ok: true, value: null }
      })
      if (!result.ok) return result
      return { ok: true, value: await repository.listPreferences(principal.userId) }
    },

    async listApplicants(principal, offerId) {
      const offer = await rankableBy(principal, offerId)
      return offer === null ? null : repository.listApplicants(offerId)
    },

    async rankApplicants(principal, offerId, ranking, origin) {
      const fail = (field: string, message: string): PreferenceOutcome<never> => ({
        ok: false,
        errors: [{ field, message }],
      })
      const result = await db.transaction(async (tx): Promise<PreferenceOutcome<null> | null> => {
        const offer = await rankableBy(principal, offerId, { tx, lock: true })
        if (offer === null) return null
        if (offer.status !== 'approved')
          return fail('ranked', 'Only an offer open to learners has applicants to rank')
        if (firstDuplicate(ranking.ranked) !== undefined)
          return fail('ranked', 'Rank each applicant only once')
        if (firstDuplicate(ranking.unacceptable) !== undefined)
          return fail('unacceptable', 'Mark each applicant unacceptable only once')
        const ranked = new Set(ranking.ranked)
        if (ranking.unacceptable.some((id) => ranked.has(id)))
          return fail('unacceptable', 'An applicant you rank cannot also be unacceptable')
        const applicants = new Set((await repository.listApplicants(offerId, tx)).map((a) => a.learnerId))
        if (ranking.ranked.some((id) => !applicants.has(id)))
          return fail('ranked', 'Rank only learners who applied to this placement')
        if (ranking.unacceptable.some((id) => !applicants.has(id)))
          return fail('unacceptable', 'Mark only learners who applied to this placement')
        await repository.replaceRanking(tx, offerId, ranking, { userId: principal.userId, at: now() })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-offer.applicants-ranked',
          subjectType: 'placement-offer',
          subjectId: offerId,
          origin,
          details: { ranked: ranking.ranked.length, unacceptable: ranking.unacceptable.length },
        })
        return { ok: true, value: null }
      })
      if (result === null) return null
      if (!result.ok) return result
      return { ok: true, value: await repository.listApplicants(offerId) }
    },

    async runRound(principal, name, origin) {
      if (!mayRunRounds(principal))
        throw new OfferRefusedError('Only framework admins and programme leads may run a match round.')
      const trimmed = name.trim()
      if (trimmed === '')
        return { ok: false, errors: [{ field: 'name', message: 'Enter a name for the round' }] }
      if (trimmed.length > maximumRoundNameLength)
        return {
          ok: false,
          errors: [{ field: 'name', message: `Name must be ${maximumRoundNameLength} characters or fewer` }],
        }
      const id = randomUUID()
      const openAlready: PreferenceOutcome<never> = {
        ok: false,
        errors: [
          { field: 'name', message: 'A round is open already: publish or discard it before running another' },
        ],
      }
      const run = db.transaction(async (tx): Promise<PreferenceOutcome<null>> => {
        if ((await repository.findOpenRound(tx)) !== null) return openAlready
        const data = await repository.loadRoundData(tx, today())
        const input = roundInput(data)
        const matched = matchApplicants(input)
        const results = roundResults(input, matched, data)
        const figures = roundFigures(input, matched, results)
        await repository.insertRound(
          tx,
          { id, name: trimmed, createdBy: principal.userId, at: now() },
          figures,
          results,
        )
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-match-round.run',
          subjectType: 'placement-match-round',
          subjectId: id,
          origin,
          details: { name: trimmed, ...figures },
        })
        return { ok: true, value: null }
      })
      // Two admins running a round at once: the index allowing one open round refuses the second.
      const result = await run.catch((error: unknown) => {
        if ((error as { code?: unknown } | null)?.code === uniqueViolation) return openAlready
        throw error
      })
      if (!result.ok) return result
      return { ok: true, value: (await repository.findRound(id))! }
    },

    async publishRound(principal, roundId, acceptBy, origin) {
      if (!mayRunRounds(principal))
        throw new OfferRefusedError('Only framework admins and programme leads may publish a match round.')
      if (!uuid.test(roundId)) return null
      const date = acceptBy.trim()
      if (!isRealDate(date))
        return { ok: false, errors: [{ field: 'acceptBy', message: 'Enter a real date to accept by' }] }
      if (date < today())
        return {
          ok: false,
          errors: [{ field: 'acceptBy', message: 'The date to accept by must be today or later' }],
        }
      const result = await db.transaction(async (tx): Promise<PreferenceOutcome<null> | null> => {
        const round = await repository.findRound(roundId, { tx, lock: true })
        if (round === null) return null
        if (round.status !== 'draft')
          return { ok: false, errors: [{ field: 'round', message: `This round is ${round.status} already` }] }
        await repository.publishRound(tx, roundId, { by: principal.userId, at: now(), acceptBy: date })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-match-round.published',
          subjectType: 'placement-match-round',
          subjectId: roundId,
          origin,
          details: { acceptBy: date, matched: round.figures.matched, unmatched: round.figures.unmatched },
        })
        return { ok: true, value: null }
      })
      if (result === null) return null
      if (!result.ok) return result
      return { ok: true, value: (await repository.findRound(roundId))! }
    },

    async discardRound(principal, roundId, origin) {
      if (!mayRunRounds(principal))
        throw new OfferRefusedError('Only framework admins and programme leads may discard a match round.')
      if (!uuid.test(roundId)) return null
      const result = await db.transaction(async (tx): Promise<PreferenceOutcome<null> | null> => {
        const round = await repository.findRound(roundId, { tx, lock: true })
        if (round === null) return null
        if (round.status !== 'draft')
          return { ok: false, errors: [{ field: 'round', message: `This round is ${round.status} already` }] }
        await repository.discardRound(tx, roundId, { by: principal.userId, at: now() })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'placement-match-round.discarded',
          subjectType: 'placement-match-round',
          subjectId: roundId,
          origin,
          details: { matched: round.figures.matched, unmatched: round.figures.unmatched },
        })
        return { ok: true, value: null }
      })
      if (result === null) return null
      if (!result.ok) return result
      return { ok: true, value: (await repository.findRound(roundId))! }
    },
  }
}
