import type { Sql } from '../../platform/database/database.ts'
import { insertPlacement, type NewPlacement } from './supervision-repository.ts'

/**
 * The places an offer holds, as SQL over the offer `o` and the London date `today` (parameter `$today`, given by
 * the caller's numbering): its placements active or signed off, and the matches of published rounds not yet
 * answered whose date to accept by is today or later. An accepted match is counted once, by its placement.
 */
export function placesHeldSql(offer: string, today: string): string {
  return `((SELECT count(*) FROM placements taken
             WHERE taken.offer_id = ${offer} AND taken.status IN ('active', 'signed-off'))
         + (SELECT count(*) FROM placement_match_results pending
              JOIN placement_match_rounds pending_round ON pending_round.id = pending.round_id
            WHERE pending.offer_id = ${offer} AND pending.response IS NULL
              AND pending_round.status = 'published' AND pending_round.accept_by >= ${today}::date))`
}

/** SQL for the learners who hold a place on London date `today`: an active placement, or an unanswered match. */
export function learnersHoldingPlaceSql(today: string): string {
  return `(SELECT active.learner_id FROM placements active WHERE active.status = 'active'
           UNION
           SELECT pending.learner_id FROM placement_match_results pending
             JOIN placement_match_rounds pending_round ON pending_round.id = pending.round_id
           WHERE pending.offer_id IS NOT NULL AND pending.response IS NULL
             AND pending_round.status = 'published' AND pending_round.accept_by >= ${today}::date)`
}

export type MatchResponse = 'accepted' | 'declined'

/** A learner's outcome in a published round, with the offer they were matched to. */
export interface LearnerMatch {
  readonly roundId: string
  readonly roundName: string
  readonly acceptBy: string
  /** Null when the learner was not matched. */
  readonly offer: {
    readonly id: string
    readonly studyTitle: string
    readonly facility: string
    readonly specialty: string
  } | null
  readonly choice: number | null
  readonly response: MatchResponse | null
  readonly respondedAt: Date | null
}

/** A learner's accepted place. */
export interface Placement {
  readonly id: string
  readonly offerId: string
  readonly learnerId: string
  readonly roundId: string | null
  readonly universityId: string
  readonly mentorId: string
  readonly status: 'active' | 'signed-off' | 'withdrawn'
  readonly acceptedAt: Date
}

/** The offer behind a place, locked while a place on it is taken. */
export interface LockedOffer {
  readonly id: string
  readonly status: string
  readonly places: number
  readonly mentorId: string
}

/** An approved offer with places left, for clearing. */
export interface ClearingOffer {
  readonly id: string
  readonly studyTitle: string
  readonly facility: string
  readonly specialty: string
  readonly places: number
  readonly placesLeft: number
}

/** A learner without a place after the latest published round, and why. */
export interface UnplacedLearner {
  readonly learnerId: string
  readonly fullName: string
  readonly email: string | null
  readonly reason: 'unmatched' | 'declined' | 'lapsed'
}

/** SQL for accepting, declining and taking places. Lists are ordered; writes take a transaction. */
export interface PlacementRepository {
  /** The learner's outcome in the latest published round they were in, or null. */
  findLatestMatch(learnerId: string, tx?: Sql): Promise<LearnerMatch | null>
  /** The learner's result in a published round, locked, or null. */
  lockMatch(
    tx: Sql,
    roundId: string,
    learnerId: string,
  ): Promise<{ offerId: string | null; response: MatchResponse | null; acceptBy: string } | null>
  /** The offer, locked (`FOR UPDATE`) until the transaction ends: places are taken on it one at a time. */
  lockOffer(tx: Sql, offerId: string): Promise<LockedOffer | null>
  countPlacesHeld(tx: Sql, offerId: string, today: string): Promise<number>
  findActivePlacement(learnerId: string, tx?: Sql): Promise<Placement | null>
  /** Whether the learner has an unanswered match whose date to accept by is `today` or later. */
  hasPendingMatch(learnerId: string, today: string, tx?: Sql): Promise<boolean>
  insertPlacement(tx: Sql, placement: NewPlacement): Promise<void>
  setResponse(tx: Sql, roundId: string, learnerId: string, response: MatchResponse, at: Date): Promise<void>
  /** Whether any round is published: clearing opens after the first. */
  hasPublishedRound(tx?: Sql): Promise<boolean>
  /** Whether a draft round is open: clearing waits for it to be published or discarded. */
  hasOpenRound(tx?: Sql): Promise<boolean>
  listClearingOffers(today: string): Promise<ClearingOffer[]>
  /**
   * The learners of the latest published round unmatched, declined or lapsed, without an active placement: all,
   * or only those actively enrolled at one of `universityIds`.
   */
  listUnplacedLearners(today: string, universityIds: readonly string[] | 'all'): Promise<UnplacedLearner[]>
}

interface PlacementRow {
  id: string
  offer_id: string
  learner_id: string
  round_id: string | null
  university_id: string
  mentor_id: string
  status: Placement['status']
  accepted_at: Date
}

const toPlacement = (row: PlacementRow): Placement => ({
  id: row.id,
  offerId: row.offer_id,
  learnerId: row.learner_id,
  roundId: row.round_id,
  universityId: row.university_id,
  mentorId: row.mentor_id,
  status: row.status,
  acceptedAt: row.accepted_at,
})

export function createPlacementRepository(db: Sql): PlacementRepository {
  return {
    async findLatestMatch(learnerId, tx) {
      const [row] = await (tx ?? db).query<{
        round_id: string
        name: string
        accept_by: string
        offer_id: string | null
        brief_title: string | null
        facility: string | null
        specialty: string | null
        choice: number | null
        response: MatchResponse | null
        responded_at: Date | null
      }>(
        `SELECT m.id AS round_id, m.name, m.accept_by, r.offer_id, st.brief_title, s.facility, o.specialty,
           r.choice, r.response, r.responded_at
         FROM placement_match_results r
           JOIN placement_match_rounds m ON m.id = r.round_id
           LEFT JOIN placement_offers o ON o.id = r.offer_id
           LEFT JOIN studies st ON st.id = o.study_id
           LEFT JOIN study_sites s ON s.id = o.study_site_id
         WHERE r.learner_id = $1 AND m.status = 'published'
         ORDER BY m.published_at DESC, m.id
         LIMIT 1`,
        [learnerId],
      )
      if (row === undefined) return null
      return {
        roundId: row.round_id,
        roundName: row.name,
        acceptBy: row.accept_by,
        offer:
          row.offer_id === null
            ? null
            : {
                id: row.offer_id,
                studyTitle: row.brief_title ?? '',
                facility: row.facility ?? '',
                specialty: row.specialty ?? '',
              },
        choice: row.choice === null ? null : Number(row.choice),
        response: row.response,
        respondedAt: row.responded_at,
      }
    },

    async lockMatch(tx, roundId, learnerId) {
      const [row] = await tx.query<{
        offer_id: string | null
        response: MatchResponse | null
        accept_by: string
      }>(
        `SELECT r.offer_id, r.response, m.accept_by
         FROM placement_match_results r JOIN placement_match_rounds m ON m.id = r.round_id
         WHERE r.round_id = $1 AND r.learner_id = $2 AND m.status = 'published'
         FOR UPDATE OF r`,
        [roundId, learnerId],
      )
      return row === undefined
        ? null
        : { offerId: row.offer_id, response: row.response, acceptBy: row.accept_by }
    },

    async lockOffer(tx, offerId) {
      const [row] = await tx.query<{ id: string; status: string; places: number; mentor_id: string }>(
        'SELECT id, status, places, mentor_id FROM placement_offers WHERE id = $1 FOR UPDATE',
        [offerId],
      )
      return row === undefined
        ? null
        : { id: row.id, status: row.status, places: Number(row.places), mentorId: row.mentor_id }
    },

    async countPlacesHeld(tx, offerId, today) {
      const [row] = await tx.query<{ held: number | string }>(
        `SELECT ${placesHeldSql('$1::uuid', '$2')} AS held`,
        [offerId, today],
      )
      return Number(row!.held)
    },

    async findActivePlacement(learnerId, tx) {
      const [row] = await (tx ?? db).query<PlacementRow>(
        `SELECT id, offer_id, learner_id, round_id, university_id, mentor_id, status, accepted_at
         FROM placements WHERE learner_id = $1 AND status = 'active'`,
        [learnerId],
      )
      return row === undefined ? null : toPlacement(row)
    },

    async hasPendingMatch(learnerId, today, tx) {
      const rows = await (tx ?? db).query(
        `SELECT 1 FROM placement_match_results r JOIN placement_match_rounds m ON m.id = r.round_id
         WHERE r.learner_id = $1 AND r.offer_id IS NOT NULL AND r.response IS NULL
           AND m.status = 'published' AND m.accept_by >= $2::date`,
        [learnerId, today],
      )
      return rows.length > 0
    },

    insertPlacement,

    async setResponse(tx, roundId, learnerId, response, at) {
      await tx.query(
        `UPDATE placement_match_results SET response = $3, responded_at = $4
         WHERE round_id = $1 AND learner_id = $2`,
        [roundId, learnerId, response, at],
      )
    },

    async hasPublishedRound(tx) {
      const rows = await (tx ?? db).query(
        "SELECT 1 FROM placement_match_rounds WHERE status = 'published' LIMIT 1",
      )
      return rows.length > 0
    },

    async hasOpenRound(tx) {
      const rows = await (tx ?? db).query("SELECT 1 FROM placement_match_rounds WHERE status = 'draft'")
      return rows.length > 0
    },

    async listClearingOffers(today) {
      const rows = await db.query<{
        id: string
        brief_title: string
        facility: string
        specialty: string
        places: number
        held: number | string
      }>(
        `SELECT * FROM (
           SELECT o.id, st.brief_title, s.facility, o.specialty, o.places, ${placesHeldSql('o.id', '$1')} AS held
           FROM placement_offers o
             JOIN studies st ON st.id = o.study_id
             JOIN study_sites s ON s.id = o.study_site_id
           WHERE o.status = 'approved'
         ) offers
         WHERE held < places
         ORDER BY lower(brief_title), facility, id`,
        [today],
      )
      return rows.map((row) => ({
        id: row.id,
        studyTitle: row.brief_title,
        facility: row.facility,
        specialty: row.specialty,
        places: Number(row.places),
        placesLeft: Number(row.places) - Number(row.held),
      }))
    },

    async listUnplacedLearners(today, universityIds) {
      if (universityIds !== 'all' && universityIds.length === 0) return []
      const rows = await db.query<{
        learner_id: string
        full_name: string
        email: string | null
        reason: UnplacedLearner['reason']
      }>(
        `WITH latest AS (
           SELECT id, accept_by FROM placement_match_rounds WHERE status = 'published'
           ORDER BY published_at DESC, id LIMIT 1
         )
         SELECT r.learner_id, u.full_name, u.email,
           CASE WHEN r.offer_id IS NULL THEN 'unmatched'
                WHEN r.response = 'declined' THEN 'declined'
                ELSE 'lapsed' END AS reason
         FROM placement_match_results r
           JOIN latest ON latest.id = r.round_id
           JOIN users u ON u.id = r.learner_id
         WHERE (r.offer_id IS NULL OR r.response = 'declined' OR (r.response IS NULL AND latest.accept_by < $1::date))
           AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.learner_id = r.learner_id AND p.status = 'active')
           AND ($2::text[] IS NULL OR EXISTS (
             SELECT 1 FROM enrolments e
             WHERE e.learner_id = r.learner_id AND e.status = 'active' AND e.university_id = ANY($2::text[])))
         ORDER BY lower(u.full_name), r.learner_id`,
        [today, universityIds === 'all' ? null : universityIds],
      )
      return rows.map((row) => ({
        learnerId: row.learner_id,
        fullName: row.full_name,
        email: row.email,
        reason: row.reason,
      }))
    },
  }
}
