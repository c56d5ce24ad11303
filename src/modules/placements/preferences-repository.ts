import type { Sql } from '../../platform/database/database.ts'
import { learnersHoldingPlaceSql, placesHeldSql } from './placement-repository.ts'

/** An approved offer as a learner chooses it. */
export interface ChoosableOffer {
  readonly id: string
  readonly organisationId: string
  readonly studyTitle: string
  readonly facility: string
  readonly specialty: string
  readonly places: number
}

/** One entry of a learner's ranked list. */
export interface LearnerPreference {
  readonly offerId: string
  readonly rank: number
  readonly appliedAt: Date
}

/** A learner who applied to an offer, with the mentor's ranking of them. */
export interface OfferApplicant {
  readonly learnerId: string
  readonly fullName: string
  readonly appliedAt: Date
  /** The mentor's rank, null when unranked or unacceptable. */
  readonly rank: number | null
  readonly unacceptable: boolean
}

/** The offer behind a ranking: who may rank its applicants. */
export interface RankableOffer {
  readonly id: string
  readonly organisationId: string
  readonly mentorId: string
  readonly status: string
}

export interface RoundFigures {
  readonly applicants: number
  readonly offers: number
  readonly matched: number
  readonly unmatched: number
  /** `byChoice[k]`: learners matched to their (k + 1)th choice. */
  readonly byChoice: readonly number[]
  /** Of the learners in the round, the share matched to their 1st, 2nd and 3rd choice: 0 to 1. */
  readonly firstChoiceShare: number
  readonly secondChoiceShare: number
  readonly thirdChoiceShare: number
  readonly totalPlaces: number
  readonly placesLeft: number
  readonly proposals: number
}

export type RoundStatus = 'draft' | 'published' | 'discarded'

export interface MatchRound {
  readonly id: string
  readonly name: string
  readonly status: RoundStatus
  readonly createdBy: string
  readonly createdAt: Date
  readonly runAt: Date
  readonly publishedAt: Date | null
  readonly acceptBy: string | null
  readonly discardedAt: Date | null
  readonly figures: RoundFigures
}

/** A learner's outcome in a round: the offer matched, or null, and which of their choices it was. */
export interface RoundResult {
  readonly learnerId: string
  readonly offerId: string | null
  readonly choice: number | null
}

/**
 * What a round is run over: approved offers with places left (their places less those held), and the lists and
 * rankings that concern them, of learners who hold no place.
 */
export interface RoundData {
  /** `places`: the places left. */
  readonly offers: readonly { readonly id: string; readonly places: number }[]
  /** Learners' lists of approved offers, by learner then rank. */
  readonly preferences: readonly {
    readonly learnerId: string
    readonly offerId: string
    /** The offer's rank on the learner's whole list, which may have offers left out of the round. */
    readonly rank?: number
  }[]
  /**
   * The mentors' order of each approved offer's applicants: the ranked first by rank, then those not ranked yet
   * in order of application; the unacceptable left out.
   */
  readonly rankOrder: readonly { readonly offerId: string; readonly learnerId: string }[]
}

/** SQL for preferences, rankings and match rounds. Lists are ordered; writes take a transaction. */
export interface PreferencesRepository {
  listChoosableOffers(): Promise<ChoosableOffer[]>
  /** The approved offers among `offerIds`, locked against a change of status until the transaction ends. */
  findApprovedOffers(tx: Sql, offerIds: readonly string[]): Promise<string[]>
  listPreferences(learnerId: string, tx?: Sql): Promise<LearnerPreference[]>
  /** Locks the learner's row until the transaction ends: one change of their list at a time. */
  lockLearner(tx: Sql, learnerId: string): Promise<void>
  replacePreferences(
    tx: Sql,
    learnerId: string,
    entries: readonly { readonly offerId: string; readonly rank: number; readonly appliedAt: Date }[],
  ): Promise<void>
  findRankableOffer(
    offerId: string,
    options?: { readonly tx?: Sql; readonly lock?: boolean },
  ): Promise<RankableOffer | null>
  listApplicants(offerId: string, tx?: Sql): Promise<OfferApplicant[]>
  replaceRanking(
    tx: Sql,
    offerId: string,
    ranking: { readonly ranked: readonly string[]; readonly unacceptable: readonly string[] },
    by: { readonly userId: string; readonly at: Date },
  ): Promise<void>
  /** The open (draft) round, locked, or null. */
  findOpenRound(tx: Sql): Promise<MatchRound | null>
  /** The round's data on London date `today` (which decides the matches still held). */
  loadRoundData(tx: Sql, today: string): Promise<RoundData>
  insertRound(
    tx: Sql,
    round: { readonly id: string; readonly name: string; readonly createdBy: string; readonly at: Date },
    figures: RoundFigures,
    results: readonly RoundResult[],
  ): Promise<void>
  findRound(
    roundId: string,
    options?: { readonly tx?: Sql; readonly lock?: boolean },
  ): Promise<MatchRound | null>
  listRounds(): Promise<MatchRound[]>
  listResults(roundId: string): Promise<RoundResult[]>
  publishRound(
    tx: Sql,
    roundId: string,
    publication: { readonly by: string; readonly at: Date; readonly acceptBy: string },
  ): Promise<void>
  discardRound(tx: Sql, roundId: string, discard: { readonly by: string; readonly at: Date }): Promise<void>
}

interface RoundRow {
  id: string
  name: string
  status: RoundStatus
  created_by: string
  created_at: Date
  run_at: Date
  published_at: Date | null
  accept_by: string | null
  discarded_at: Date | null
  figures: RoundFigures | string
}

const roundSelect = `SELECT id, name, status, created_by, created_at, run_at, published_at, accept_by,
  discarded_at, figures
  FROM placement_match_rounds`

const toRound = (row: RoundRow): MatchRound => ({
  id: row.id,
  name: row.name,
  status: row.status,
  createdBy: row.created_by,
  createdAt: row.created_at,
  runAt: row.run_at,
  publishedAt: row.published_at,
  acceptBy: row.accept_by,
  discardedAt: row.discarded_at,
  figures: typeof row.figures === 'string' ? (JSON.parse(row.figures) as RoundFigures) : row.figures,
})

export function createPreferencesRepository(db: Sql): PreferencesRepository {
  return {
    async listChoosableOffers() {
      const rows = await db.query<{
        id: string
        organisation_id: string
        brief_title: string
        facility: string
        specialty: string
        places: number
      }>(
        `SELECT p.id, p.organisation_id, st.brief_title, s.facility, p.specialty, p.places
         FROM placement_offers p
           JOIN studies st ON st.id = p.study_id
           JOIN study_sites s ON s.id = p.study_site_id
         WHERE p.status = 'approved'
         ORDER BY lower(st.brief_title), s.facility, p.id`,
      )
      return rows.map((row) => ({
        id: row.id,
        organisationId: row.organisation_id,
        studyTitle: row.brief_title,
        facility: row.facility,
        specialty: row.specialty,
        places: Number(row.places),
      }))
    },

    async findApprovedOffers(tx, offerIds) {
      if (offerIds.length === 0) return []
      const rows = await tx.query<{ id: string }>(
        `SELECT id FROM placement_offers WHERE id = ANY($1::uuid[]) AND status = 'approved' ORDER BY id FOR SHARE`,
        [offerIds],
      )
      return rows.map((row) => row.id)
    },

    async listPreferences(learnerId, tx) {
      const rows = await (tx ?? db).query<{ offer_id: string; rank: number; applied_at: Date }>(
        'SELECT offer_id, rank, applied_at FROM placement_preferences WHERE learner_id = $1 ORDER BY rank',
        [learnerId],
      )
      return rows.map((row) => ({ offerId: row.offer_id, rank: Number(row.rank), appliedAt: row.applied_at }))
    },

    async lockLearner(tx, learnerId) {
      // NO KEY UPDATE: two saves of one list wait for each other, rows referring to the user do not.
      await tx.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [learnerId])
    },

    async replacePreferences(tx, learnerId, entries) {
      await tx.query('DELETE FROM placement_preferences WHERE learner_id = $1', [learnerId])
      if (entries.length === 0) return
      await tx.query(
        `INSERT INTO placement_preferences (learner_id, offer_id, rank, applied_at)
         SELECT $1, offer_id, rank, applied_at
         FROM unnest($2::uuid[], $3::integer[], $4::timestamptz[]) AS e (offer_id, rank, applied_at)`,
        [
          learnerId,
          entries.map((entry) => entry.offerId),
          entries.map((entry) => entry.rank),
          entries.map((entry) => entry.appliedAt.toISOString()),
        ],
      )
    },

    async findRankableOffer(offerId, options = {}) {
      const [row] = await (options.tx ?? db).query<{
        id: string
        organisation_id: string
        mentor_id: string
        status: string
      }>(
        `SELECT id, organisation_id, mentor_id, status FROM placement_offers WHERE id = $1${options.lock === true ? ' FOR UPDATE' : ''}`,
        [offerId],
      )
      return row === undefined
        ? null
        : { id: row.id, organisationId: row.organisation_id, mentorId: row.mentor_id, status: row.status }
    },

    async listApplicants(offerId, tx) {
      const rows = await (tx ?? db).query<{
        learner_id: string
        full_name: string
        applied_at: Date
        rank: number | null
        unacceptable: boolean | null
      }>(
        `SELECT p.learner_id, u.full_name, p.applied_at, r.rank, r.unacceptable
         FROM placement_preferences p
           JOIN users u ON u.id = p.learner_id
           LEFT JOIN placement_applicant_rankings r ON r.offer_id = p.offer_id AND r.learner_id = p.learner_id
         WHERE p.offer_id = $1
         ORDER BY r.rank NULLS LAST, p.applied_at, p.learner_id`,
        [offerId],
      )
      return rows.map((row) => ({
        learnerId: row.learner_id,
        fullName: row.full_name,
        appliedAt: row.applied_at,
        rank: row.rank === null ? null : Number(row.rank),
        unacceptable: row.unacceptable === true,
      }))
    },

    async replaceRanking(tx, offerId, ranking, by) {
      await tx.query('DELETE FROM placement_applicant_rankings WHERE offer_id = $1', [offerId])
      const learners = [...ranking.ranked, ...ranking.unacceptable]
      if (learners.length === 0) return
      await tx.query(
        `INSERT INTO placement_applicant_rankings (offer_id, learner_id, rank, unacceptable, ranked_by, ranked_at)
         SELECT $1, learner_id, rank, rank IS NULL, $4, $5
         FROM unnest($2::uuid[], $3::integer[]) AS e (learner_id, rank)`,
        [
          offerId,
          learners,
          learners.map((_, at) => (at < ranking.ranked.length ? at + 1 : null)),
          by.userId,
          by.at,
        ],
      )
    },

    async findOpenRound(tx) {
      const [row] = await tx.query<RoundRow>(`${roundSelect} WHERE status = 'draft' FOR UPDATE`)
      return row === undefined ? null : toRound(row)
    },

    async loadRoundData(tx, today) {
      // Locked first (FOR SHARE), so that no place is taken on them while the round reads what is held.
      await tx.query(`SELECT id FROM placement_offers WHERE status = 'approved' ORDER BY id FOR SHARE`)
      const offers = await tx.query<{ id: string; places_left: number | string }>(
        `SELECT id, places_left FROM (
           SELECT o.id, o.places - ${placesHeldSql('o.id', '$1')} AS places_left
           FROM placement_offers o WHERE o.status = 'approved'
         ) left_over
         WHERE places_left > 0
         ORDER BY id`,
        [today],
      )
      // The offers a round is over: approved with places left; the learners: those holding no place.
      const inRound = `o.status = 'approved' AND o.places > ${placesHeldSql('o.id', '$1')}
           AND p.learner_id NOT IN ${learnersHoldingPlaceSql('$1')}`
      const preferences = await tx.query<{ learner_id: string; offer_id: string; rank: number }>(
        `SELECT p.learner_id, p.offer_id, p.rank
         FROM placement_preferences p JOIN placement_offers o ON o.id = p.offer_id
         WHERE ${inRound}
         ORDER BY p.learner_id, p.rank`,
        [today],
      )
      const rankOrder = await tx.query<{ offer_id: string; learner_id: string }>(
        `SELECT p.offer_id, p.learner_id
         FROM placement_preferences p
           JOIN placement_offers o ON o.id = p.offer_id
           LEFT JOIN placement_applicant_rankings r ON r.offer_id = p.offer_id AND r.learner_id = p.learner_id
         WHERE ${inRound} AND r.unacceptable IS NOT TRUE
         ORDER BY p.offer_id, r.rank NULLS LAST, p.applied_at, p.learner_id`,
        [today],
      )
      return {
        offers: offers.map((row) => ({ id: row.id, places: Number(row.places_left) })),
        preferences: preferences.map((row) => ({
          learnerId: row.learner_id,
          offerId: row.offer_id,
          rank: Number(row.rank),
        })),
        rankOrder: rankOrder.map((row) => ({ offerId: row.offer_id, learnerId: row.learner_id })),
      }
    },

    async insertRound(tx, round, figures, results) {
      await tx.query(
        `INSERT INTO placement_match_rounds (id, name, status, created_by, created_at, run_at, figures)
         VALUES ($1, $2, 'draft', $3, $4, $4, $5::jsonb)`,
        [round.id, round.name, round.createdBy, round.at, JSON.stringify(figures)],
      )
      if (results.length === 0) return
      await tx.query(
        `INSERT INTO placement_match_results (round_id, learner_id, offer_id, choice)
         SELECT $1, learner_id, offer_id, choice
         FROM unnest($2::uuid[], $3::uuid[], $4::integer[]) AS e (learner_id, offer_id, choice)`,
        [
          round.id,
          results.map((result) => result.learnerId),
          results.map((result) => result.offerId),
          results.map((result) => result.choice),
        ],
      )
    },

    async findRound(roundId, options = {}) {
      const [row] = await (options.tx ?? db).query<RoundRow>(
        `${roundSelect} WHERE id = $1${options.lock === true ? ' FOR UPDATE' : ''}`,
        [roundId],
      )
      return row === undefined ? null : toRound(row)
    },

    async listRounds() {
      const rows = await db.query<RoundRow>(`${roundSelect} ORDER BY created_at DESC, id`)
      return rows.map(toRound)
    },

    async listResults(roundId) {
      const rows = await db.query<{ learner_id: string; offer_id: string | null; choice: number | null }>(
        `SELECT learner_id, offer_id, choice FROM placement_match_results WHERE round_id = $1
         ORDER BY learner_id`,
        [roundId],
      )
      return rows.map((row) => ({
        learnerId: row.learner_id,
        offerId: row.offer_id,
        choice: row.choice === null ? null : Number(row.choice),
      }))
    },

    async publishRound(tx, roundId, publication) {
      await tx.query(
        `UPDATE placement_match_rounds SET status = 'published', published_by = $2,
           published_at = GREATEST($3, run_at), accept_by = $4
         WHERE id = $1`,
        [roundId, publication.by, publication.at, publication.acceptBy],
      )
    },

    async discardRound(tx, roundId, discard) {
      await tx.query(
        `UPDATE placement_match_rounds SET status = 'discarded', discarded_by = $2,
           discarded_at = GREATEST($3, run_at)
         WHERE id = $1`,
        [roundId, discard.by, discard.at],
      )
    },
  }
}
