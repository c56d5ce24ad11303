import type { Sql } from '../../platform/database/database.ts'
import type { PlacementActivityId } from './placement-activities.ts'
import type { PlacementStatus, ReviewerRole } from './placement-supervision.ts'

/** A place a learner accepted, as it is first written: active, with no supervision set up yet. */
export interface NewPlacement {
  readonly id: string
  readonly offerId: string
  readonly learnerId: string
  /** The round whose match was accepted; null for a place taken from clearing. */
  readonly roundId: string | null
  /** The learner's university when they accepted (their active enrolment's). */
  readonly universityId: string
  /** The offer's mentor. */
  readonly mentorId: string
  readonly acceptedAt: Date
}

/**
 * Writes a new placement, active, in the caller's transaction. Accepting a match and taking a place from
 * clearing call this; so do tests that need a placement.
 */
export async function insertPlacement(tx: Sql, placement: NewPlacement): Promise<void> {
  await tx.query(
    `INSERT INTO placements (id, offer_id, learner_id, round_id, university_id, mentor_id, status, accepted_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)`,
    [
      placement.id,
      placement.offerId,
      placement.learnerId,
      placement.roundId,
      placement.universityId,
      placement.mentorId,
      placement.acceptedAt,
    ],
  )
}

interface Named {
  readonly id: string
  readonly fullName: string
}

/** A placement with everything its page shows about it. */
export interface SupervisedPlacement {
  readonly id: string
  readonly offerId: string
  readonly learner: Named
  readonly university: Named
  readonly mentor: Named
  readonly academicSupervisor: Named | null
  /** The RPE module it counts for; null until the programme lead sets up supervision. */
  readonly module: { readonly code: string; readonly title: string; readonly credits: number } | null
  readonly status: PlacementStatus
  readonly acceptedAt: Date
  readonly signedOffAt: Date | null
  readonly moduleResultId: string | null
  readonly offer: {
    readonly organisation: Named
    readonly studyTitle: string
    readonly facility: string
    readonly city: string | null
    readonly activities: readonly PlacementActivityId[]
    readonly startFrom: string
    readonly startBy: string
  }
}

export interface EvidenceSummary {
  readonly id: string
  readonly fileName: string
  readonly mediaType: string
  readonly sizeBytes: number
}

export interface LogbookEntry {
  readonly id: string
  readonly placementId: string
  readonly entryDate: string
  readonly hours: number
  readonly activity: string
  readonly reflection: string
  readonly createdAt: Date
  readonly evidence: readonly EvidenceSummary[]
}

export interface NewLogbookEvidence {
  readonly id: string
  readonly fileName: string
  readonly mediaType: string
  readonly sha256: string
  readonly content: Uint8Array
}

export interface PlacementComment {
  readonly id: string
  readonly entryId: string | null
  readonly author: Named
  readonly authorRole: ReviewerRole
  readonly body: string
  readonly createdAt: Date
}

export interface PlacementSignOff {
  readonly role: ReviewerRole
  readonly signedBy: Named
  readonly signedAt: Date
  readonly comment: string | null
}

export interface LogbookEvidenceFile {
  readonly id: string
  readonly fileName: string
  readonly mediaType: string
  readonly sha256: string
  readonly content: Uint8Array
}

export interface SupervisionSetting {
  readonly academicSupervisorId: string
  readonly code: string
  readonly title: string
  readonly credits: number
}

/** SQL for supervising placements. Lists are ordered; writes take the caller's transaction. */
export interface SupervisionRepository {
  /** A placement; `lock` holds its row (`FOR UPDATE`) until the transaction ends. */
  findPlacement(
    id: string,
    options?: { readonly tx?: Sql; readonly lock?: boolean },
  ): Promise<SupervisedPlacement | null>
  /**
   * The placements a person is the learner, mentor or academic supervisor of, or that are at a university
   * where they are a programme lead: newest first.
   */
  listPlacementsFor(userId: string, leadOf: readonly string[]): Promise<SupervisedPlacement[]>
  /** People with the academic supervisor role at a university, whose accounts are open, by name. */
  listAcademicSupervisors(universityId: string, tx?: Sql): Promise<Named[]>
  setSupervision(tx: Sql, placementId: string, setting: SupervisionSetting): Promise<void>
  /** The logbook, by date, then as written, with each entry's evidence (without its bytes). */
  listEntries(placementId: string, tx?: Sql): Promise<LogbookEntry[]>
  insertEntry(
    tx: Sql,
    entry: Omit<LogbookEntry, 'evidence'>,
    evidence: readonly NewLogbookEvidence[],
  ): Promise<void>
  listComments(placementId: string): Promise<PlacementComment[]>
  insertComment(
    tx: Sql,
    comment: Omit<PlacementComment, 'author'> & { readonly placementId: string; readonly authorId: string },
  ): Promise<void>
  listSignOffs(placementId: string, tx?: Sql): Promise<PlacementSignOff[]>
  insertSignOff(
    tx: Sql,
    signOff: {
      readonly placementId: string
      readonly role: ReviewerRole
      readonly signedBy: string
      readonly signedAt: Date
      readonly comment: string | null
    },
  ): Promise<void>
  markSignedOff(tx: Sql, placementId: string, at: Date, moduleResultId: string): Promise<void>
  /** A file of evidence of one of the placement's entries, with its bytes; null for anything else. */
  findEvidence(placementId: string, fileId: string): Promise<LogbookEvidenceFile | null>
}

interface PlacementRow {
  id: string
  offer_id: string
  learner_id: string
  learner_name: string
  university_id: string
  university_name: string
  mentor_id: string
  mentor_name: string
  academic_supervisor_id: string | null
  supervisor_name: string | null
  module_code: string | null
  module_title: string | null
  credits: number | null
  status: PlacementStatus
  accepted_at: Date
  signed_off_at: Date | null
  module_result_id: string | null
  organisation_id: string
  organisation_name: string
  brief_title: string
  facility: string
  city: string | null
  activities: PlacementActivityId[]
  start_from: string
  start_by: string
}

const placementSelect = `SELECT p.id, p.offer_id, p.learner_id, l.full_name AS learner_name, p.university_id,
    u.name AS university_name, p.mentor_id, m.full_name AS mentor_name, p.academic_supervisor_id,
    s.full_name AS supervisor_name, p.module_code, p.module_title, p.credits, p.status, p.accepted_at,
    p.signed_off_at, p.module_result_id, o.organisation_id, org.name AS organisation_name, st.brief_title,
    site.facility, site.city, o.activities, o.start_from, o.start_by
  FROM placements p
    JOIN users l ON l.id = p.learner_id
    JOIN organisations u ON u.id = p.university_id
    JOIN users m ON m.id = p.mentor_id
    LEFT JOIN users s ON s.id = p.academic_supervisor_id
    JOIN placement_offers o ON o.id = p.offer_id
    JOIN organisations org ON org.id = o.organisation_id
    JOIN studies st ON st.id = o.study_id
    JOIN study_sites site ON site.id = o.study_site_id`

function toPlacement(row: PlacementRow): SupervisedPlacement {
  return {
    id: row.id,
    offerId: row.offer_id,
    learner: { id: row.learner_id, fullName: row.learner_name },
    university: { id: row.university_id, fullName: row.university_name },
    mentor: { id: row.mentor_id, fullName: row.mentor_name },
    academicSupervisor:
      row.academic_supervisor_id === null
        ? null
        : { id: row.academic_supervisor_id, fullName: row.supervisor_name ?? row.academic_supervisor_id },
    module:
      row.module_code === null || row.module_title === null || row.credits === null
        ? null
        : { code: row.module_code, title: row.module_title, credits: Number(row.credits) },
    status: row.status,
    acceptedAt: row.accepted_at,
    signedOffAt: row.signed_off_at,
    moduleResultId: row.module_result_id,
    offer: {
      organisation: { id: row.organisation_id, fullName: row.organisation_name },
      studyTitle: row.brief_title,
      facility: row.facility,
      city: row.city,
      activities: row.activities,
      startFrom: row.start_from,
      startBy: row.start_by,
    },
  }
}

interface EntryRow {
  id: string
  placement_id: string
  entry_date: string
  hours: string | number
  activity: string
  reflection: string
  created_at: Date
}

interface EvidenceRow {
  id: string
  entry_id: string
  file_name: string
  media_type: string
  size_bytes: number
}

export function createSupervisionRepository(db: Sql): SupervisionRepository {
  return {
    async findPlacement(id, options = {}) {
      const [row] = await (options.tx ?? db).query<PlacementRow>(
        `${placementSelect} WHERE p.id = $1${options.lock === true ? ' FOR UPDATE OF p' : ''}`,
        [id],
      )
      return row === undefined ? null : toPlacement(row)
    },

    async listPlacementsFor(userId, leadOf) {
      const rows = await db.query<PlacementRow>(
        `${placementSelect}
         WHERE p.learner_id = $1 OR p.mentor_id = $1 OR p.academic_supervisor_id = $1
            OR p.university_id = ANY($2::text[])
         ORDER BY p.accepted_at DESC, p.id`,
        [userId, leadOf],
      )
      return rows.map(toPlacement)
    },

    async listAcademicSupervisors(universityId, tx = db) {
      return tx.query<Named>(
        `SELECT u.id, u.full_name AS "fullName"
         FROM memberships mm JOIN users u ON u.id = mm.user_id
         WHERE mm.organisation_id = $1 AND 'academic-supervisor' = ANY(mm.roles) AND u.closed_at IS NULL
         ORDER BY lower(u.full_name), u.id`,
        [universityId],
      )
    },

    async setSupervision(tx, placementId, setting) {
      await tx.query(
        `UPDATE placements SET academic_supervisor_id = $2, module_code = $3, module_title = $4, credits = $5
         WHERE id = $1`,
        [placementId, setting.academicSupervisorId, setting.code, setting.title, setting.credits],
      )
    },

    async listEntries(placementId, tx = db) {
      const entries = await tx.query<EntryRow>(
        `SELECT id, placement_id, entry_date, hours, activity, reflection, created_at
         FROM placement_logbook_entries WHERE placement_id = $1
         ORDER BY entry_date, created_at, id`,
        [placementId],
      )
      const evidence = await tx.query<EvidenceRow>(
        `SELECT v.id, v.entry_id, v.file_name, v.media_type, v.size_bytes
         FROM placement_logbook_evidence v JOIN placement_logbook_entries e ON e.id = v.entry_id
         WHERE e.placement_id = $1
         ORDER BY v.entry_id, v.position`,
        [placementId],
      )
      return entries.map((row) => ({
        id: row.id,
        placementId: row.placement_id,
        entryDate: row.entry_date,
        hours: Number(row.hours),
        activity: row.activity,
        reflection: row.reflection,
        createdAt: row.created_at,
        evidence: evidence
          .filter((file) => file.entry_id === row.id)
          .map((file) => ({
            id: file.id,
            fileName: file.file_name,
            mediaType: file.media_type,
            sizeBytes: Number(file.size_bytes),
          })),
      }))
    },

    async insertEntry(tx, entry, evidence) {
      await tx.query(
        `INSERT INTO placement_logbook_entries (id, placement_id, entry_date, hours, activity, reflection, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          entry.id,
          entry.placementId,
          entry.entryDate,
          entry.hours,
          entry.activity,
          entry.reflection,
          entry.createdAt,
        ],
      )
      for (const [position, file] of evidence.entries()) {
        await tx.query(
          `INSERT INTO placement_logbook_evidence (id, entry_id, position, file_name, media_type, size_bytes, sha256,
             content, uploaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            file.id,
            entry.id,
            position,
            file.fileName,
            file.mediaType,
            file.content.byteLength,
            file.sha256,
            file.content,
            entry.createdAt,
          ],
        )
      }
    },

    async listComments(placementId) {
      const rows = await db.query<{
        id: string
        entry_id: string | null
        author_id: string
        author_name: string
        author_role: ReviewerRole
        body: string
        created_at: Date
      }>(
        `SELECT c.id, c.entry_id, c.author_id, u.full_name AS author_name, c.author_role, c.body, c.created_at
         FROM placement_comments c JOIN users u ON u.id = c.author_id
         WHERE c.placement_id = $1 ORDER BY c.created_at, c.id`,
        [placementId],
      )
      return rows.map((row) => ({
        id: row.id,
        entryId: row.entry_id,
        author: { id: row.author_id, fullName: row.author_name },
        authorRole: row.author_role,
        body: row.body,
        createdAt: row.created_at,
      }))
    },

    async insertComment(tx, comment) {
      await tx.query(
        `INSERT INTO placement_comments (id, placement_id, entry_id, author_id, author_role, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          comment.id,
          comment.placementId,
          comment.entryId,
          comment.authorId,
          comment.authorRole,
          comment.body,
          comment.createdAt,
        ],
      )
    },

    async listSignOffs(placementId, tx = db) {
      const rows = await tx.query<{
        signer_role: ReviewerRole
        signed_by: string
        signer_name: string
        signed_at: Date
        comment: string | null
      }>(
        `SELECT so.signer_role, so.signed_by, u.full_name AS signer_name, so.signed_at, so.comment
         FROM placement_sign_offs so JOIN users u ON u.id = so.signed_by
         WHERE so.placement_id = $1 ORDER BY so.signed_at, so.signer_role`,
        [placementId],
      )
      return rows.map((row) => ({
        role: row.signer_role,
        signedBy: { id: row.signed_by, fullName: row.signer_name },
        signedAt: row.signed_at,
        comment: row.comment,
      }))
    },

    async insertSignOff(tx, signOff) {
      await tx.query(
        `INSERT INTO placement_sign_offs (placement_id, signer_role, signed_by, signed_at, comment)
         VALUES ($1, $2, $3, $4, $5)`,
        [signOff.placementId, signOff.role, signOff.signedBy, signOff.signedAt, signOff.comment],
      )
    },

    async markSignedOff(tx, placementId, at, moduleResultId) {
      await tx.query(
        `UPDATE placements SET status = 'signed-off', signed_off_at = $2, module_result_id = $3 WHERE id = $1`,
        [placementId, at, moduleResultId],
      )
    },

    async findEvidence(placementId, fileId) {
      const [row] = await db.query<{
        id: string
        file_name: string
        media_type: string
        sha256: string
        content: Uint8Array
      }>(
        `SELECT v.id, v.file_name, v.media_type, v.sha256, v.content
         FROM placement_logbook_evidence v JOIN placement_logbook_entries e ON e.id = v.entry_id
         WHERE e.placement_id = $1 AND v.id = $2`,
        [placementId, fileId],
      )
      return row === undefined
        ? null
        : {
            id: row.id,
            fileName: row.file_name,
            mediaType: row.media_type,
            sha256: row.sha256,
            content: row.content,
          }
    },
  }
}
