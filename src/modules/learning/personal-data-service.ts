import type { Sql } from '../../platform/database/database.ts'
import { ukToday } from './learner-record.ts'
import type { LearningRepository } from './learning-repository.ts'

/** What replaces the words of a decided claim when its learner closes their account. */
export const erasedText = 'Erased when the learner closed their Trellis account.'

/** The learner record's part of "download your data" (GET /account/data), under `learningRecord`. */
export interface LearnerRecordExport {
  readonly enrolments: readonly {
    readonly id: string
    readonly university: { readonly id: string; readonly name: string }
    readonly programmeId: string | null
    readonly startedOn: string
    readonly status: string
    readonly endedOn: string | null
    readonly transferredFrom: string | null
    readonly createdAt: Date
  }[]
  readonly moduleResults: readonly {
    readonly id: string
    readonly enrolmentId: string
    readonly awardingUniversity: { readonly id: string; readonly name: string }
    readonly code: string
    readonly title: string
    readonly kind: string
    readonly credits: number
    readonly level: number
    readonly result: string
    readonly completedOn: string | null
    readonly recordedAt: Date
    readonly importedFromFile: boolean
  }[]
  readonly priorLearningClaims: readonly {
    readonly id: string
    readonly university: { readonly id: string; readonly name: string }
    readonly description: string
    readonly creditsSought: number
    readonly countsAs: string
    readonly status: string
    readonly creditsApproved: number | null
    readonly level: number | null
    readonly reason: string | null
    readonly decidedAt: Date | null
    readonly createdAt: Date
    /** What each file is; never its content, which the learner downloads from their record page. */
    readonly evidence: readonly {
      readonly id: string
      readonly fileName: string
      readonly mediaType: string
      readonly sizeBytes: number
      readonly sha256: string
    }[]
  }[]
}

/**
 * The learner record's share of a person's data, for the identity module's account service (its
 * `PersonalDataContributor`, wired by the composition root, so that identity never imports this module).
 *
 * Closing an account erases what is the learner's own and keeps what universities rely on (ADR 0017):
 * - **Evidence files** are deleted, bytes and names: they are the learner's personal documents.
 * - **Claims nobody has decided** are deleted: no credit, cap or decision rests on them.
 * - **Decided claims** stay, their description (and the decider's reason, which describes the learner's
 *   learning) replaced by `erasedText`: the credit a university recognised counts toward its cap on prior
 *   learning and stands in its decision, so the status, credits, level and date of the decision remain.
 * - **An active enrolment** ends, as withdrawn, on the day the account closes: nobody is left studying, and
 *   the university's cohort page shows the learner as withdrawn rather than stalled.
 * - **Enrolments and module results** otherwise stay as they are: they are the universities' records of the
 *   credit they awarded, which a transfer points at (`transferred_from`), imports and the audit log refer to, and which hold
 *   no words of the learner's. They stay attached to the account's row, which `anonymise` has emptied of the
 *   name, address, profession and registration number, so nothing in them says who the learner was.
 */
export function createLearnerPersonalData(records: LearningRepository, now: () => Date = () => new Date()) {
  return {
    section: 'learningRecord',

    async export(userId: string, tx?: Sql): Promise<LearnerRecordExport> {
      // One after another: inside a transaction, PGlite has one connection to ask.
      const enrolments = await records.listEnrolmentsOf([userId], tx)
      const results = await records.listResultsOf([userId], tx)
      const claims = await records.listClaimsOf([userId], tx)
      const names = await records.findOrganisationNames(
        [...new Set([...enrolments, ...results, ...claims].map((item) => item.universityId))],
        tx,
      )
      const university = (id: string) => ({ id, name: names.get(id) ?? id })
      return {
        enrolments: enrolments.map((enrolment) => ({
          id: enrolment.id,
          university: university(enrolment.universityId),
          programmeId: enrolment.programmeId,
          startedOn: enrolment.startedOn,
          status: enrolment.status,
          endedOn: enrolment.endedOn,
          transferredFrom: enrolment.transferredFrom,
          createdAt: enrolment.createdAt,
        })),
        moduleResults: results.map((result) => ({
          id: result.id,
          enrolmentId: result.enrolmentId,
          awardingUniversity: university(result.universityId),
          code: result.code,
          title: result.title,
          kind: result.kind,
          credits: result.credits,
          level: result.level,
          result: result.result,
          completedOn: result.completedOn,
          recordedAt: result.recordedAt,
          importedFromFile: result.importBatchId !== null,
        })),
        priorLearningClaims: claims.map((claim) => ({
          id: claim.id,
          university: university(claim.universityId),
          description: claim.description,
          creditsSought: claim.creditsSought,
          countsAs: claim.countsAs,
          status: claim.status,
          creditsApproved: claim.creditsApproved,
          level: claim.level,
          reason: claim.reason,
          decidedAt: claim.decidedAt,
          createdAt: claim.createdAt,
          evidence: claim.evidence.map((file) => ({
            id: file.id,
            fileName: file.fileName,
            mediaType: file.mediaType,
            sizeBytes: file.sizeBytes,
            sha256: file.sha256,
          })),
        })),
      }
    },

    async erase(tx: Sql, userId: string): Promise<Readonly<Record<string, number>>> {
      const withdrawnEnrolments = await records.withdrawActiveEnrolment(tx, userId, ukToday(now()))
      return { ...(await records.eraseLearnerText(tx, userId, erasedText)), withdrawnEnrolments }
    },
  }
}
