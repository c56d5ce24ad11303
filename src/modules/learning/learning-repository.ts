import type { Sql } from '../../platform/database/database.ts'
import type {
  ClaimStatus,
  Enrolment,
  EnrolmentStatus,
  EvidenceSummary,
  ModuleKind,
  ModuleResult,
  PriorLearningClaim,
  PriorLearningKind,
  ResultOutcome,
} from './learner-record.ts'
import type { ResultFields } from './module-result-fields.ts'

export type NewEnrolment = Omit<Enrolment, 'createdAt'> & {
  readonly createdBy: string
  readonly createdAt: Date
}

export type NewModuleResult = Omit<ModuleResult, 'sequence'>

export interface NewEvidenceFile {
  readonly id: string
  readonly fileName: string
  readonly mediaType: string
  readonly sha256: string
  readonly content: Uint8Array
}

export interface EvidenceFile extends EvidenceSummary {
  readonly claimId: string
  readonly content: Uint8Array
}

export interface RplCapSetting {
  readonly universityId: string
  readonly capCredits: number
  readonly setBy: string
  readonly setAt: Date
}

/** A row of an import as the preview keeps it: who (resolved to an account) and what. */
export interface ImportedRow extends ResultFields {
  readonly line: number
  readonly learnerId: string
  readonly enrolmentId: string
}

export interface ImportBatch {
  readonly id: string
  readonly universityId: string
  readonly fileName: string | null
  readonly rows: readonly ImportedRow[]
  readonly status: 'preview' | 'imported'
  readonly createdBy: string
  readonly createdAt: Date
  readonly importedAt: Date | null
}

export interface ClaimDecisionRecord {
  readonly status: Exclude<ClaimStatus, 'pending'>
  readonly creditsApproved: number
  readonly level: number | null
  readonly reason: string | null
  readonly decidedBy: string
  readonly decidedAt: Date
}

/** SQL for the learner record. Lists are ordered; writes take the caller's transaction. */
export interface LearningRepository {
  insertEnrolment(tx: Sql, enrolment: NewEnrolment): Promise<void>
  findEnrolment(id: string, tx?: Sql): Promise<Enrolment | null>
  /** The learner's active enrolment, locked until the transaction ends, so that a transfer sees it unchanged. */
  lockActiveEnrolment(tx: Sql, learnerId: string): Promise<Enrolment | null>
  /** Locks an enrolment (results recorded against it wait for a transfer or an ending, and the other way). */
  lockEnrolment(tx: Sql, id: string): Promise<Enrolment | null>
  /** Ends an active enrolment; false when it was not active any more. */
  endEnrolment(
    tx: Sql,
    id: string,
    status: Exclude<EnrolmentStatus, 'active'>,
    endedOn: string,
  ): Promise<boolean>
  listEnrolmentsOf(learnerIds: readonly string[], tx?: Sql): Promise<Enrolment[]>
  listEnrolmentsAt(universityId: string): Promise<Enrolment[]>

  insertResults(tx: Sql, results: readonly NewModuleResult[]): Promise<void>
  listResultsOf(learnerIds: readonly string[], tx?: Sql): Promise<ModuleResult[]>

  insertClaim(tx: Sql, claim: PriorLearningClaim, evidence: readonly NewEvidenceFile[]): Promise<void>
  findClaim(id: string, tx?: Sql): Promise<PriorLearningClaim | null>
  listClaimsOf(learnerIds: readonly string[], tx?: Sql): Promise<PriorLearningClaim[]>
  listPendingClaimsAt(universityId: string): Promise<PriorLearningClaim[]>
  /** Every claim of a learner at a university, locked: decisions for one learner there happen one at a time. */
  lockClaimsOf(tx: Sql, learnerId: string, universityId: string): Promise<PriorLearningClaim[]>
  /** Decides a pending claim; false when it had been decided already. */
  decideClaim(tx: Sql, id: string, decision: ClaimDecisionRecord): Promise<boolean>
  findEvidence(claimId: string, fileId: string): Promise<EvidenceFile | null>
  /**
   * What closing a learner's account erases from their record (see personal-data-service.ts): every file of
   * evidence, claims nobody has decided, and the words of decided claims, replaced by `replacement`.
   */
  eraseLearnerText(
    tx: Sql,
    learnerId: string,
    replacement: string,
  ): Promise<{ evidenceFiles: number; pendingClaims: number; decidedClaims: number }>
  /**
   * Ends the learner's active enrolment, if any, as withdrawn on `today` (or on its start date, when that is
   * later): closing an account leaves no one studying. Returns how many it ended (0 or 1).
   */
  withdrawActiveEnrolment(tx: Sql, learnerId: string, today: string): Promise<number>
  /** The names of organisations, by id. */
  findOrganisationNames(ids: readonly string[], tx?: Sql): Promise<Map<string, string>>

  findRplCap(universityId: string, tx?: Sql): Promise<RplCapSetting | null>
  setRplCap(tx: Sql, setting: RplCapSetting): Promise<void>

  insertImportBatch(tx: Sql, batch: ImportBatch): Promise<void>
  findImportBatch(id: string, tx?: Sql): Promise<ImportBatch | null>
  /** Marks a preview imported; false when it had been imported already. */
  markImported(tx: Sql, id: string, at: Date): Promise<boolean>
}

interface EnrolmentRow {
  id: string
  learner_id: string
  university_id: string
  programme_id: string | null
  started_on: string
  status: EnrolmentStatus
  ended_on: string | null
  transferred_from: string | null
  created_at: Date
}

const enrolmentColumns =
  'id, learner_id, university_id, programme_id, started_on, status, ended_on, transferred_from, created_at'

function toEnrolment(row: EnrolmentRow): Enrolment {
  return {
    id: row.id,
    learnerId: row.learner_id,
    universityId: row.university_id,
    programmeId: row.programme_id,
    startedOn: row.started_on,
    status: row.status,
    endedOn: row.ended_on,
    transferredFrom: row.transferred_from,
    createdAt: row.created_at,
  }
}

interface ResultRow {
  id: string
  sequence: number
  learner_id: string
  enrolment_id: string
  university_id: string
  code: string
  title: string
  kind: ModuleKind
  credits: number
  level: number
  result: ResultOutcome
  completed_on: string | null
  recorded_by: string
  recorded_at: Date
  import_batch_id: string | null
}

function toResult(row: ResultRow): ModuleResult {
  return {
    id: row.id,
    sequence: Number(row.sequence),
    learnerId: row.learner_id,
    enrolmentId: row.enrolment_id,
    universityId: row.university_id,
    code: row.code,
    title: row.title,
    kind: row.kind,
    credits: row.credits,
    level: row.level,
    result: row.result,
    completedOn: row.completed_on,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    importBatchId: row.import_batch_id,
  }
}

interface ClaimRow {
  id: string
  learner_id: string
  university_id: string
  description: string
  credits_sought: number
  counts_as: PriorLearningKind
  status: ClaimStatus
  credits_approved: number | null
  level: number | null
  reason: string | null
  decided_by: string | null
  decided_at: Date | null
  created_at: Date
  evidence: EvidenceRow[] | null
}

interface EvidenceRow {
  id: string
  file_name: string
  media_type: string
  size_bytes: number
  sha256: string
}

// Each claim with its evidence's descriptions (never the content) as one JSON array, in the order uploaded.
const claimSelect = `
  SELECT c.id, c.learner_id, c.university_id, c.description, c.credits_sought, c.counts_as, c.status,
         c.credits_approved, c.level, c.reason, c.decided_by, c.decided_at, c.created_at,
         (SELECT jsonb_agg(jsonb_build_object('id', e.id, 'file_name', e.file_name, 'media_type', e.media_type,
                                              'size_bytes', e.size_bytes, 'sha256', e.sha256) ORDER BY e.position)
            FROM prior_learning_evidence e WHERE e.claim_id = c.id) AS evidence
  FROM prior_learning_claims c`

function toClaim(row: ClaimRow): PriorLearningClaim {
  const evidence =
    typeof row.evidence === 'string' ? (JSON.parse(row.evidence) as EvidenceRow[]) : row.evidence
  return {
    id: row.id,
    learnerId: row.learner_id,
    universityId: row.university_id,
    description: row.description,
    creditsSought: row.credits_sought,
    countsAs: row.counts_as,
    status: row.status,
    creditsApproved: row.credits_approved,
    level: row.level,
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    evidence: (evidence ?? []).map((file) => ({
      id: file.id,
      fileName: file.file_name,
      mediaType: file.media_type,
      sizeBytes: file.size_bytes,
      sha256: file.sha256,
    })),
  }
}

interface BatchRow {
  id: string
  university_id: string
  file_name: string | null
  rows: ImportedRow[] | string
  status: 'preview' | 'imported'
  created_by: string
  created_at: Date
  imported_at: Date | null
}

export function createLearningRepository(db: Sql): LearningRepository {
  return {
    async insertEnrolment(tx, enrolment) {
      await tx.query(
        `INSERT INTO enrolments (id, learner_id, university_id, programme_id, started_on, status, ended_on,
                                 transferred_from, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          enrolment.id,
          enrolment.learnerId,
          enrolment.universityId,
          enrolment.programmeId,
          enrolment.startedOn,
          enrolment.status,
          enrolment.endedOn,
          enrolment.transferredFrom,
          enrolment.createdBy,
          enrolment.createdAt,
        ],
      )
    },

    async findEnrolment(id, tx = db) {
      const [row] = await tx.query<EnrolmentRow>(`SELECT ${enrolmentColumns} FROM enrolments WHERE id = $1`, [
        id,
      ])
      return row === undefined ? null : toEnrolment(row)
    },

    async lockActiveEnrolment(tx, learnerId) {
      const [row] = await tx.query<EnrolmentRow>(
        `SELECT ${enrolmentColumns} FROM enrolments WHERE learner_id = $1 AND status = 'active' FOR UPDATE`,
        [learnerId],
      )
      return row === undefined ? null : toEnrolment(row)
    },

    async lockEnrolment(tx, id) {
      const [row] = await tx.query<EnrolmentRow>(
        `SELECT ${enrolmentColumns} FROM enrolments WHERE id = $1 FOR UPDATE`,
        [id],
      )
      return row === undefined ? null : toEnrolment(row)
    },

    async endEnrolment(tx, id, status, endedOn) {
      const rows = await tx.query(
        `UPDATE enrolments SET status = $2, ended_on = $3 WHERE id = $1 AND status = 'active' RETURNING id`,
        [id, status, endedOn],
      )
      return rows.length === 1
    },

    async listEnrolmentsOf(learnerIds, tx = db) {
      if (learnerIds.length === 0) return []
      const rows = await tx.query<EnrolmentRow>(
        `SELECT ${enrolmentColumns} FROM enrolments WHERE learner_id = ANY($1::uuid[])
         ORDER BY learner_id, started_on, created_at, id`,
        [learnerIds],
      )
      return rows.map(toEnrolment)
    },

    async listEnrolmentsAt(universityId) {
      const rows = await db.query<EnrolmentRow>(
        `SELECT ${enrolmentColumns} FROM enrolments WHERE university_id = $1
         ORDER BY learner_id, started_on, created_at, id`,
        [universityId],
      )
      return rows.map(toEnrolment)
    },

    async insertResults(tx, results) {
      if (results.length === 0) return
      // One statement for any number of rows, recorded (and so numbered) in the order given.
      await tx.query(
        `INSERT INTO module_results (id, learner_id, enrolment_id, university_id, code, title, kind, credits, level,
                                     result, completed_on, recorded_by, recorded_at, import_batch_id)
         SELECT (r->>'id')::uuid, (r->>'learnerId')::uuid, (r->>'enrolmentId')::uuid, r->>'universityId',
                r->>'code', r->>'title', r->>'kind', (r->>'credits')::integer, (r->>'level')::integer,
                r->>'result', (r->>'completedOn')::date, (r->>'recordedBy')::uuid,
                (r->>'recordedAt')::timestamptz, (r->>'importBatchId')::uuid
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n)
         ORDER BY n`,
        [JSON.stringify(results)],
      )
    },

    async listResultsOf(learnerIds, tx = db) {
      if (learnerIds.length === 0) return []
      const rows = await tx.query<ResultRow>(
        `SELECT id, sequence, learner_id, enrolment_id, university_id, code, title, kind, credits, level, result,
                completed_on, recorded_by, recorded_at, import_batch_id
         FROM module_results WHERE learner_id = ANY($1::uuid[]) ORDER BY learner_id, sequence`,
        [learnerIds],
      )
      return rows.map(toResult)
    },

    async insertClaim(tx, claim, evidence) {
      await tx.query(
        `INSERT INTO prior_learning_claims (id, learner_id, university_id, description, credits_sought, counts_as,
                                            status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)`,
        [
          claim.id,
          claim.learnerId,
          claim.universityId,
          claim.description,
          claim.creditsSought,
          claim.countsAs,
          claim.createdAt,
        ],
      )
      for (const [position, file] of evidence.entries()) {
        await tx.query(
          `INSERT INTO prior_learning_evidence (id, claim_id, position, file_name, media_type, size_bytes, sha256,
                                               content, uploaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            file.id,
            claim.id,
            position,
            file.fileName,
            file.mediaType,
            file.content.byteLength,
            file.sha256,
            file.content,
            claim.createdAt,
          ],
        )
      }
    },

    async findClaim(id, tx = db) {
      const [row] = await tx.query<ClaimRow>(`${claimSelect} WHERE c.id = $1`, [id])
      return row === undefined ? null : toClaim(row)
    },

    async listClaimsOf(learnerIds, tx = db) {
      if (learnerIds.length === 0) return []
      const rows = await tx.query<ClaimRow>(
        `${claimSelect} WHERE c.learner_id = ANY($1::uuid[]) ORDER BY c.learner_id, c.created_at, c.id`,
        [learnerIds],
      )
      return rows.map(toClaim)
    },

    async listPendingClaimsAt(universityId) {
      const rows = await db.query<ClaimRow>(
        `${claimSelect} WHERE c.university_id = $1 AND c.status = 'pending' ORDER BY c.created_at, c.id`,
        [universityId],
      )
      return rows.map(toClaim)
    },

    async lockClaimsOf(tx, learnerId, universityId) {
      await tx.query(
        'SELECT id FROM prior_learning_claims WHERE learner_id = $1 AND university_id = $2 ORDER BY id FOR UPDATE',
        [learnerId, universityId],
      )
      const rows = await tx.query<ClaimRow>(
        `${claimSelect} WHERE c.learner_id = $1 AND c.university_id = $2 ORDER BY c.created_at, c.id`,
        [learnerId, universityId],
      )
      return rows.map(toClaim)
    },

    async decideClaim(tx, id, decision) {
      const rows = await tx.query(
        `UPDATE prior_learning_claims
         SET status = $2, credits_approved = $3, level = $4, reason = $5, decided_by = $6, decided_at = $7
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [
          id,
          decision.status,
          decision.creditsApproved,
          decision.level,
          decision.reason,
          decision.decidedBy,
          decision.decidedAt,
        ],
      )
      return rows.length === 1
    },

    async findEvidence(claimId, fileId) {
      const [row] = await db.query<EvidenceRow & { claim_id: string; content: Uint8Array }>(
        `SELECT id, claim_id, file_name, media_type, size_bytes, sha256, content
         FROM prior_learning_evidence WHERE id = $1 AND claim_id = $2`,
        [fileId, claimId],
      )
      if (row === undefined) return null
      return {
        id: row.id,
        claimId: row.claim_id,
        fileName: row.file_name,
        mediaType: row.media_type,
        sizeBytes: row.size_bytes,
        sha256: row.sha256,
        content: row.content,
      }
    },

    async eraseLearnerText(tx, learnerId, replacement) {
      const files = await tx.query(
        `DELETE FROM prior_learning_evidence
         WHERE claim_id IN (SELECT id FROM prior_learning_claims WHERE learner_id = $1) RETURNING id`,
        [learnerId],
      )
      const pending = await tx.query(
        `DELETE FROM prior_learning_claims WHERE learner_id = $1 AND status = 'pending' RETURNING id`,
        [learnerId],
      )
      // A rejection and a partial approval must give a reason (the table's CHECK): it keeps the placeholder.
      const decided = await tx.query(
        `UPDATE prior_learning_claims
         SET description = $2, reason = CASE WHEN reason IS NULL THEN NULL ELSE $2 END
         WHERE learner_id = $1 RETURNING id`,
        [learnerId, replacement],
      )
      return { evidenceFiles: files.length, pendingClaims: pending.length, decidedClaims: decided.length }
    },

    async withdrawActiveEnrolment(tx, learnerId, today) {
      const rows = await tx.query(
        `UPDATE enrolments SET status = 'withdrawn', ended_on = GREATEST(started_on, $2::date)
         WHERE learner_id = $1 AND status = 'active' RETURNING id`,
        [learnerId, today],
      )
      return rows.length
    },

    async findOrganisationNames(ids, tx = db) {
      if (ids.length === 0) return new Map()
      const rows = await tx.query<{ id: string; name: string }>(
        'SELECT id, name FROM organisations WHERE id = ANY($1::text[]) ORDER BY id',
        [ids],
      )
      return new Map(rows.map((row) => [row.id, row.name]))
    },

    async findRplCap(universityId, tx = db) {
      const [row] = await tx.query<{
        university_id: string
        cap_credits: number
        set_by: string
        set_at: Date
      }>(
        'SELECT university_id, cap_credits, set_by, set_at FROM university_rpl_caps WHERE university_id = $1',
        [universityId],
      )
      return row === undefined
        ? null
        : {
            universityId: row.university_id,
            capCredits: row.cap_credits,
            setBy: row.set_by,
            setAt: row.set_at,
          }
    },

    async setRplCap(tx, setting) {
      await tx.query(
        `INSERT INTO university_rpl_caps (university_id, cap_credits, set_by, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (university_id) DO UPDATE
           SET cap_credits = excluded.cap_credits, set_by = excluded.set_by, set_at = excluded.set_at`,
        [setting.universityId, setting.capCredits, setting.setBy, setting.setAt],
      )
    },

    async insertImportBatch(tx, batch) {
      await tx.query(
        `INSERT INTO result_import_batches (id, university_id, file_name, rows, row_count, status, created_by,
                                            created_at)
         VALUES ($1, $2, $3, $4, $5, 'preview', $6, $7)`,
        [
          batch.id,
          batch.universityId,
          batch.fileName,
          JSON.stringify(batch.rows),
          batch.rows.length,
          batch.createdBy,
          batch.createdAt,
        ],
      )
    },

    async findImportBatch(id, tx = db) {
      const [row] = await tx.query<BatchRow>(
        `SELECT id, university_id, file_name, rows, status, created_by, created_at, imported_at
         FROM result_import_batches WHERE id = $1`,
        [id],
      )
      if (row === undefined) return null
      return {
        id: row.id,
        universityId: row.university_id,
        fileName: row.file_name,
        rows: typeof row.rows === 'string' ? (JSON.parse(row.rows) as ImportedRow[]) : row.rows,
        status: row.status,
        createdBy: row.created_by,
        createdAt: row.created_at,
        importedAt: row.imported_at,
      }
    },

    async markImported(tx, id, at) {
      const rows = await tx.query(
        `UPDATE result_import_batches SET status = 'imported', imported_at = $2
         WHERE id = $1 AND status = 'preview' RETURNING id`,
        [id, at],
      )
      return rows.length === 1
    },
  }
}
