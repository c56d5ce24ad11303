import type { Sql } from '../../platform/database/database.ts'
import { writeRows } from '../../platform/database/bulk-write.ts'
import type {
  DateType,
  Study,
  StudyDate,
  StudyRecord,
  StudySite,
  StudySource,
  StudySummary,
} from './study.ts'

export interface NewStudySite {
  readonly id: string
  readonly position: number
  readonly facility: string
  readonly normalisedName: string
  readonly city: string | null
  readonly postcode: string | null
  readonly recruitmentStatus: string | null
  readonly organisationId: string | null
  readonly matchedBy: 'name' | 'alias' | null
}

export interface SiteAlias {
  readonly normalisedName: string
  readonly siteName: string
  readonly organisationId: string
  readonly matchedBy: string
  readonly matchedAt: Date
}

/** A site still to match, with its study. */
export interface UnmatchedSite extends StudySite {
  readonly study: { readonly id: string; readonly nctId: string | null; readonly briefTitle: string }
}

/** SQL for studies, their UK sites and the site names matched by hand. Lists are ordered; writes take a transaction. */
export interface StudiesRepository {
  /**
   * Inserts the study, or updates the one with its NCT id (keeping its id and when it was first imported).
   * Returns its id and whether it is new.
   */
  upsertStudy(
    tx: Sql,
    record: StudyRecord,
    meta: {
      readonly id: string
      readonly locationCount: number
      /** 'clinicaltrials.gov' unless given. */
      readonly source?: StudySource
      /** Who imported or entered it: a person, or null for the command line. */
      readonly importedBy: string | null
      readonly at: Date
    },
  ): Promise<{ id: string; created: boolean }>
  /**
   * Makes these the study's listed sites, in this order: a site whose id the study has already is updated in
   * place, and any other site of the study is kept but marked not listed (never deleted: offers refer to sites).
   */
  replaceSites(tx: Sql, studyId: string, sites: readonly NewStudySite[]): Promise<void>
  /** Every site of the study, listed or not, with what pairs a site in a later import with it. */
  listSiteKeys(
    tx: Sql,
    studyId: string,
  ): Promise<{ id: string; normalisedName: string; city: string | null; listed: boolean }[]>
  /** Every site name matched by hand: normalised name → organisation id. */
  loadAliases(tx?: Sql): Promise<Map<string, string>>
  saveAlias(tx: Sql, alias: SiteAlias): Promise<void>
  /**
   * Matches every site with this normalised name (in any study) to the organisation, as an alias: a match by
   * hand overrides one by name, as it does in later imports. Returns how many sites have the name.
   */
  applyAlias(tx: Sql, normalisedName: string, organisationId: string): Promise<number>
  /**
   * The pending and approved placement offers on sites of this normalised name that are matched to an
   * organisation other than this one, by organisation: what matching the name to it would move. Locks those
   * sites, so that no offer is made on them until the transaction ends (offers take a share lock on the site).
   */
  liveOffersElsewhere(
    tx: Sql,
    normalisedName: string,
    organisationId: string,
  ): Promise<{ organisationName: string; offers: number }[]>
  listStudies(): Promise<StudySummary[]>
  findStudy(id: string, tx?: Sql): Promise<Study | null>
  /** The studies with this NCT id or this ISRCTN (either may be null), by title. */
  findStudiesByIdentifiers(
    identifiers: { readonly nctId: string | null; readonly isrctn: string | null },
    tx?: Sql,
  ): Promise<Study[]>
  /** The sites the registry lists now, in its order. */
  listSites(studyId: string, tx?: Sql): Promise<StudySite[]>
  findSite(studyId: string, siteId: string, tx?: Sql): Promise<StudySite | null>
  listUnmatchedSites(): Promise<UnmatchedSite[]>
}

interface StudyRow {
  id: string
  nct_id: string | null
  isrctn: string | null
  iras_id: string | null
  org_study_id: string | null
  brief_title: string
  official_title: string | null
  acronym: string | null
  overall_status: string
  phases: string[]
  conditions: string[]
  lead_sponsor: string | null
  start_date: string | null
  start_date_type: DateType | null
  primary_completion_date: string | null
  primary_completion_date_type: DateType | null
  completion_date: string | null
  completion_date_type: DateType | null
  location_count: number
  source: StudySource
  created_at: Date
  updated_at: Date
}

const studyColumns = `id, nct_id, isrctn, iras_id, org_study_id, brief_title, official_title, acronym,
  overall_status, phases, conditions, lead_sponsor, start_date, start_date_type, primary_completion_date,
  primary_completion_date_type, completion_date, completion_date_type, location_count, source, created_at,
  updated_at`

interface SiteRow {
  id: string
  study_id: string
  position: number
  facility: string
  normalised_name: string
  city: string | null
  postcode: string | null
  recruitment_status: string | null
  organisation_id: string | null
  organisation_name: string | null
  matched_by: 'name' | 'alias' | null
}

const siteColumns = `s.id, s.study_id, s.position, s.facility, s.normalised_name, s.city, s.postcode,
  s.recruitment_status, s.organisation_id, o.name AS organisation_name, s.matched_by`

const dateOf = (date: string | null, type: DateType | null): StudyDate | null =>
  date === null ? null : { date, type }

function toStudy(row: StudyRow): Study {
  return {
    id: row.id,
    nctId: row.nct_id,
    isrctn: row.isrctn,
    irasId: row.iras_id,
    orgStudyId: row.org_study_id,
    briefTitle: row.brief_title,
    officialTitle: row.official_title,
    acronym: row.acronym,
    overallStatus: row.overall_status,
    phases: row.phases,
    conditions: row.conditions,
    leadSponsor: row.lead_sponsor,
    startDate: dateOf(row.start_date, row.start_date_type),
    primaryCompletionDate: dateOf(row.primary_completion_date, row.primary_completion_date_type),
    completionDate: dateOf(row.completion_date, row.completion_date_type),
    locationCount: Number(row.location_count),
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toSite(row: SiteRow): StudySite {
  return {
    id: row.id,
    studyId: row.study_id,
    position: Number(row.position),
    facility: row.facility,
    normalisedName: row.normalised_name,
    city: row.city,
    postcode: row.postcode,
    recruitmentStatus: row.recruitment_status,
    organisation:
      row.organisation_id === null
        ? null
        : { id: row.organisation_id, name: row.organisation_name ?? row.organisation_id },
    matchedBy: row.matched_by,
  }
}

export function createStudiesRepository(db: Sql): StudiesRepository {
  return {
    async upsertStudy(tx, record, meta) {
      const [row] = await tx.query<{ id: string; created: boolean }>(
        `INSERT INTO studies (id, nct_id, isrctn, iras_id, org_study_id, brief_title, official_title, acronym,
           overall_status, phases, conditions, lead_sponsor, start_date, start_date_type, primary_completion_date,
           primary_completion_date_type, completion_date, completion_date_type, location_count, source,
           recorded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $22,
           $20, $21, $21)
         ON CONFLICT (nct_id) DO UPDATE SET
           isrctn = excluded.isrctn, iras_id = excluded.iras_id, org_study_id = excluded.org_study_id,
           brief_title = excluded.brief_title, official_title = excluded.official_title,
           acronym = excluded.acronym, overall_status = excluded.overall_status, phases = excluded.phases,
           conditions = excluded.conditions, lead_sponsor = excluded.lead_sponsor,
           start_date = excluded.start_date, start_date_type = excluded.start_date_type,
           primary_completion_date = excluded.primary_completion_date,
           primary_completion_date_type = excluded.primary_completion_date_type,
           completion_date = excluded.completion_date, completion_date_type = excluded.completion_date_type,
           location_count = excluded.location_count, source = excluded.source,
           recorded_by = excluded.recorded_by, updated_at = GREATEST(excluded.updated_at, studies.created_at)
         RETURNING id, (xmax = 0) AS created`,
        [
          meta.id,
          record.identifiers.nctId,
          record.identifiers.isrctn,
          record.identifiers.irasId,
          record.identifiers.orgStudyId,
          record.briefTitle,
          record.officialTitle,
          record.acronym,
          record.overallStatus,
          record.phases,
          record.conditions,
          record.leadSponsor,
          record.startDate?.date ?? null,
          record.startDate?.type ?? null,
          record.primaryCompletionDate?.date ?? null,
          record.primaryCompletionDate?.type ?? null,
          record.completionDate?.date ?? null,
          record.completionDate?.type ?? null,
          meta.locationCount,
          meta.importedBy,
          meta.at,
          meta.source ?? 'clinicaltrials.gov',
        ],
      )
      return { id: row!.id, created: row!.created }
    },

    async replaceSites(tx, studyId, sites) {
      // The listed sites out of the way of the new positions first: a position is unique among listed sites.
      await tx.query('UPDATE study_sites SET position = position + 1000000 WHERE study_id = $1 AND listed', [
        studyId,
      ])
      await writeRows(
        tx,
        'study_sites',
        {
          id: 'uuid',
          study_id: 'uuid',
          position: 'integer',
          facility: 'text',
          normalised_name: 'text',
          city: 'text',
          postcode: 'text',
          recruitment_status: 'text',
          organisation_id: 'text',
          matched_by: 'text',
          listed: 'boolean',
        },
        sites.map((site) => ({
          id: site.id,
          study_id: studyId,
          position: site.position,
          facility: site.facility,
          normalised_name: site.normalisedName,
          city: site.city,
          postcode: site.postcode,
          recruitment_status: site.recruitmentStatus,
          organisation_id: site.organisationId,
          matched_by: site.matchedBy,
          listed: true,
        })),
        ['id'],
      )
      await tx.query(
        `UPDATE study_sites SET listed = false WHERE study_id = $1 AND NOT (id = ANY($2::uuid[]))`,
        [studyId, sites.map((site) => site.id)],
      )
    },

    async listSiteKeys(tx, studyId) {
      const rows = await tx.query<{
        id: string
        normalised_name: string
        city: string | null
        listed: boolean
      }>('SELECT id, normalised_name, city, listed FROM study_sites WHERE study_id = $1 ORDER BY position', [
        studyId,
      ])
      return rows.map((row) => ({
        id: row.id,
        normalisedName: row.normalised_name,
        city: row.city,
        listed: row.listed,
      }))
    },

    async loadAliases(tx = db) {
      const rows = await tx.query<{ normalised_name: string; organisation_id: string }>(
        'SELECT normalised_name, organisation_id FROM study_site_aliases ORDER BY normalised_name',
      )
      return new Map(rows.map((row) => [row.normalised_name, row.organisation_id]))
    },

    async saveAlias(tx, alias) {
      await tx.query(
        `INSERT INTO study_site_aliases (normalised_name, site_name, organisation_id, matched_by, matched_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (normalised_name) DO UPDATE SET site_name = excluded.site_name,
           organisation_id = excluded.organisation_id, matched_by = excluded.matched_by,
           matched_at = excluded.matched_at`,
        [alias.normalisedName, alias.siteName, alias.organisationId, alias.matchedBy, alias.matchedAt],
      )
    },

    async liveOffersElsewhere(tx, normalisedName, organisationId) {
      await tx.query(
        `SELECT id FROM study_sites WHERE normalised_name = $1 AND organisation_id IS DISTINCT FROM $2 FOR UPDATE`,
        [normalisedName, organisationId],
      )
      const rows = await tx.query<{ organisation_name: string; offers: number }>(
        `SELECT o.name AS organisation_name, count(*)::int AS offers
         FROM placement_offers po
         JOIN study_sites s ON s.id = po.study_site_id
         JOIN organisations o ON o.id = po.organisation_id
         WHERE s.normalised_name = $1 AND s.organisation_id IS DISTINCT FROM $2
           AND po.status IN ('pending', 'approved')
         GROUP BY o.name ORDER BY o.name`,
        [normalisedName, organisationId],
      )
      return rows.map((row) => ({ organisationName: row.organisation_name, offers: row.offers }))
    },

    async applyAlias(tx, normalisedName, organisationId) {
      const rows = await tx.query<{ id: string }>(
        `UPDATE study_sites SET organisation_id = $2, matched_by = 'alias' WHERE normalised_name = $1
         RETURNING id`,
        [normalisedName, organisationId],
      )
      return rows.length
    },

    async listStudies() {
      const rows = await db.query<{
        id: string
        nct_id: string | null
        brief_title: string
        overall_status: string
        phases: string[]
        site_count: number
        matched_site_count: number
      }>(
        `SELECT st.id, st.nct_id, st.brief_title, st.overall_status, st.phases,
           (SELECT count(*) FROM study_sites s WHERE s.study_id = st.id AND s.listed)::int AS site_count,
           (SELECT count(*) FROM study_sites s
            WHERE s.study_id = st.id AND s.listed AND s.organisation_id IS NOT NULL)::int AS matched_site_count
         FROM studies st
         ORDER BY lower(st.brief_title), st.id`,
      )
      return rows.map((row) => ({
        id: row.id,
        nctId: row.nct_id,
        briefTitle: row.brief_title,
        overallStatus: row.overall_status,
        phases: row.phases,
        siteCount: Number(row.site_count),
        matchedSiteCount: Number(row.matched_site_count),
      }))
    },

    async findStudy(id, tx = db) {
      const [row] = await tx.query<StudyRow>(`SELECT ${studyColumns} FROM studies WHERE id = $1`, [id])
      return row === undefined ? null : toStudy(row)
    },

    async findStudiesByIdentifiers(identifiers, tx = db) {
      const rows = await tx.query<StudyRow>(
        `SELECT ${studyColumns} FROM studies WHERE nct_id = $1 OR isrctn = $2 ORDER BY lower(brief_title), id`,
        [identifiers.nctId, identifiers.isrctn],
      )
      return rows.map(toStudy)
    },

    async listSites(studyId, tx = db) {
      const rows = await tx.query<SiteRow>(
        `SELECT ${siteColumns} FROM study_sites s LEFT JOIN organisations o ON o.id = s.organisation_id
         WHERE s.study_id = $1 AND s.listed ORDER BY s.position`,
        [studyId],
      )
      return rows.map(toSite)
    },

    async findSite(studyId, siteId, tx = db) {
      const [row] = await tx.query<SiteRow>(
        `SELECT ${siteColumns} FROM study_sites s LEFT JOIN organisations o ON o.id = s.organisation_id
         WHERE s.study_id = $1 AND s.id = $2`,
        [studyId, siteId],
      )
      return row === undefined ? null : toSite(row)
    },

    async listUnmatchedSites() {
      const rows = await db.query<SiteRow & { nct_id: string | null; brief_title: string }>(
        `SELECT ${siteColumns}, st.nct_id, st.brief_title
         FROM study_sites s JOIN studies st ON st.id = s.study_id
           LEFT JOIN organisations o ON o.id = s.organisation_id
         WHERE s.organisation_id IS NULL AND s.listed
         ORDER BY s.normalised_name, lower(st.brief_title), st.id, s.position`,
      )
      return rows.map((row) => ({
        ...toSite(row),
        study: { id: row.study_id, nctId: row.nct_id, briefTitle: row.brief_title },
      }))
    },
  }
}
