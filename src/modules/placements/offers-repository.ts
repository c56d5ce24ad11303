import type { Sql } from '../../platform/database/database.ts'
import type { PlacementActivityId } from './placement-activities.ts'
import type { OfferComplexity, OfferStatus, PlacementOffer } from './placement-offer.ts'

/** An NHS organisation as the offers pages name it. */
export interface OfferOrganisation {
  readonly id: string
  readonly name: string
}

/** A study site matched to an NHS organisation: where places may be offered. */
export interface OfferableSite {
  readonly id: string
  readonly facility: string
  readonly city: string | null
  readonly organisationId: string | null
  readonly study: { readonly id: string; readonly briefTitle: string }
}

export interface NewPlacementOffer {
  readonly id: string
  readonly studyId: string
  readonly siteId: string
  readonly organisationId: string
  readonly mentorId: string
  readonly places: number
  readonly specialty: string
  readonly complexity: OfferComplexity
  readonly activities: readonly PlacementActivityId[]
  readonly hoursPerWeek: number
  readonly startFrom: string
  readonly startBy: string
  readonly prerequisites: string
  readonly at: Date
}

export interface OfferStatusChange {
  readonly status: Exclude<OfferStatus, 'pending'>
  readonly decidedBy: string
  readonly at: Date
  readonly reason: string | null
}

/** SQL for placement offers. Lists are ordered; writes take a transaction. */
export interface OffersRepository {
  /** An NHS trust by id, or null for any other organisation or none. */
  findNhsOrganisation(id: string): Promise<OfferOrganisation | null>
  /** The study sites matched to an organisation that the registry still lists, by study title, then its order. */
  listSitesAt(organisationId: string): Promise<OfferableSite[]>
  /**
   * A site the registry still lists, with its study, its row locked against a change of organisation until the
   * transaction ends.
   */
  findSiteForOffer(tx: Sql, siteId: string): Promise<OfferableSite | null>
  insertOffer(tx: Sql, offer: NewPlacementOffer): Promise<void>
  /** An organisation's offers, newest first. */
  listOffersAt(organisationId: string): Promise<PlacementOffer[]>
  /** An offer at an organisation; `lock` holds its row until the transaction ends. */
  findOfferAt(
    organisationId: string,
    offerId: string,
    options?: { readonly tx?: Sql; readonly lock?: boolean },
  ): Promise<PlacementOffer | null>
  changeStatus(tx: Sql, offerId: string, change: OfferStatusChange): Promise<void>
}

interface OfferRow {
  id: string
  organisation_id: string
  study_id: string
  brief_title: string
  study_site_id: string
  facility: string
  city: string | null
  mentor_id: string
  mentor_name: string
  places: number
  specialty: string
  complexity: OfferComplexity
  activities: PlacementActivityId[]
  hours_per_week: string | number
  start_from: string
  start_by: string
  prerequisites: string
  status: OfferStatus
  decided_by: string | null
  decider_name: string | null
  decided_at: Date | null
  reason: string | null
  created_at: Date
  updated_at: Date
}

// The people's names come from the identity module's accounts, as the studies' organisations do from theirs.
const offerSelect = `SELECT p.id, p.organisation_id, p.study_id, st.brief_title, p.study_site_id, s.facility,
    s.city, p.mentor_id, m.full_name AS mentor_name, p.places, p.specialty, p.complexity, p.activities,
    p.hours_per_week, p.start_from, p.start_by, p.prerequisites, p.status, p.decided_by,
    d.full_name AS decider_name, p.decided_at, p.reason, p.created_at, p.updated_at
  FROM placement_offers p
    JOIN studies st ON st.id = p.study_id
    JOIN study_sites s ON s.id = p.study_site_id
    JOIN users m ON m.id = p.mentor_id
    LEFT JOIN users d ON d.id = p.decided_by`

function toOffer(row: OfferRow): PlacementOffer {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    study: { id: row.study_id, briefTitle: row.brief_title },
    site: { id: row.study_site_id, facility: row.facility, city: row.city },
    mentor: { id: row.mentor_id, fullName: row.mentor_name },
    places: Number(row.places),
    specialty: row.specialty,
    complexity: row.complexity,
    activities: row.activities,
    hoursPerWeek: Number(row.hours_per_week),
    startFrom: row.start_from,
    startBy: row.start_by,
    prerequisites: row.prerequisites,
    status: row.status,
    decidedBy:
      row.decided_by === null ? null : { id: row.decided_by, fullName: row.decider_name ?? row.decided_by },
    decidedAt: row.decided_at,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

interface SiteRow {
  id: string
  facility: string
  city: string | null
  organisation_id: string | null
  study_id: string
  brief_title: string
}

const toSite = (row: SiteRow): OfferableSite => ({
  id: row.id,
  facility: row.facility,
  city: row.city,
  organisationId: row.organisation_id,
  study: { id: row.study_id, briefTitle: row.brief_title },
})

export function createOffersRepository(db: Sql): OffersRepository {
  return {
    async findNhsOrganisation(id) {
      const [row] = await db.query<OfferOrganisation>(
        "SELECT id, name FROM organisations WHERE id = $1 AND kind = 'nhs-trust'",
        [id],
      )
      return row === undefined ? null : { id: row.id, name: row.name }
    },

    async listSitesAt(organisationId) {
      const rows = await db.query<SiteRow>(
        `SELECT s.id, s.facility, s.city, s.organisation_id, st.id AS study_id, st.brief_title
         FROM study_sites s JOIN studies st ON st.id = s.study_id
         WHERE s.organisation_id = $1 AND s.listed
         ORDER BY lower(st.brief_title), st.id, s.position`,
        [organisationId],
      )
      return rows.map(toSite)
    },

    async findSiteForOffer(tx, siteId) {
      const [row] = await tx.query<SiteRow>(
        `SELECT s.id, s.facility, s.city, s.organisation_id, st.id AS study_id, st.brief_title
         FROM study_sites s JOIN studies st ON st.id = s.study_id
         WHERE s.id = $1 AND s.listed
         FOR SHARE OF s`,
        [siteId],
      )
      return row === undefined ? null : toSite(row)
    },

    async insertOffer(tx, offer) {
      await tx.query(
        `INSERT INTO placement_offers (id, study_id, study_site_id, organisation_id, mentor_id, places, specialty,
           complexity, activities, hours_per_week, start_from, start_by, prerequisites, status, created_at,
           updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $14)`,
        [
          offer.id,
          offer.studyId,
          offer.siteId,
          offer.organisationId,
          offer.mentorId,
          offer.places,
          offer.specialty,
          offer.complexity,
          offer.activities,
          offer.hoursPerWeek,
          offer.startFrom,
          offer.startBy,
          offer.prerequisites,
          offer.at,
        ],
      )
    },

    async listOffersAt(organisationId) {
      const rows = await db.query<OfferRow>(
        `${offerSelect} WHERE p.organisation_id = $1 ORDER BY p.created_at DESC, p.id`,
        [organisationId],
      )
      return rows.map(toOffer)
    },

    async findOfferAt(organisationId, offerId, options = {}) {
      const [row] = await (options.tx ?? db).query<OfferRow>(
        `${offerSelect} WHERE p.organisation_id = $1 AND p.id = $2${options.lock === true ? ' FOR UPDATE OF p' : ''}`,
        [organisationId, offerId],
      )
      return row === undefined ? null : toOffer(row)
    },

    async changeStatus(tx, offerId, change) {
      await tx.query(
        `UPDATE placement_offers SET status = $2, decided_by = $3, decided_at = $4, reason = $5,
           updated_at = GREATEST($4, created_at)
         WHERE id = $1`,
        [offerId, change.status, change.decidedBy, change.at, change.reason],
      )
    },
  }
}
