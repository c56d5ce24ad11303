import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Sql } from '../../platform/database/database.ts'
import { ukToday } from './learner-record.ts'
import type { LearningRepository, NewModuleResult } from './learning-repository.ts'

/** A signed-off placement, as the learner record takes it: the RPE module it counts for, passed. */
export interface PlacementResultInput {
  readonly learnerId: string
  readonly universityId: string
  readonly code: string
  readonly title: string
  readonly credits: number
  /** Whoever's sign-off completed the placement. */
  readonly recordedBy: string
  readonly placementId: string
  readonly origin: AuditOrigin
}

export type PlacementResultOutcome =
  | { readonly ok: true; readonly moduleResultId: string }
  | { readonly ok: false; readonly reason: 'not-enrolled' | 'enrolment-starts-later' }

/**
 * Records a signed-off placement in the learner's record, in the caller's transaction: a passed Research
 * Practice Experience result at level 7, completed today (UK), against the learner's latest enrolment at the
 * university, locked as recordResult locks it. The placements module calls this rather than writing
 * module_results itself: the record's rules stay the learning module's.
 */
export type RecordPlacementResult = (tx: Sql, input: PlacementResultInput) => Promise<PlacementResultOutcome>

export function createPlacementResultRecorder(
  records: LearningRepository,
  now: () => Date = () => new Date(),
): RecordPlacementResult {
  return async (tx, input) => {
    const enrolments = await records.listEnrolmentsOf([input.learnerId], tx)
    const latest = enrolments.filter((enrolment) => enrolment.universityId === input.universityId).at(-1)
    if (latest === undefined) return { ok: false, reason: 'not-enrolled' }
    // Waits for a transfer or an ending in progress, so that the result goes with the enrolment as it is.
    const enrolment = await records.lockEnrolment(tx, latest.id)
    if (enrolment === null) return { ok: false, reason: 'not-enrolled' }
    const at = now()
    const completedOn = ukToday(at)
    if (completedOn < enrolment.startedOn) return { ok: false, reason: 'enrolment-starts-later' }
    const result: NewModuleResult = {
      id: randomUUID(),
      learnerId: input.learnerId,
      enrolmentId: enrolment.id,
      universityId: input.universityId,
      code: input.code,
      title: input.title,
      kind: 'rpe',
      credits: input.credits,
      level: 7,
      result: 'pass',
      completedOn,
      recordedBy: input.recordedBy,
      recordedAt: at,
      importBatchId: null,
    }
    await records.insertResults(tx, [result])
    await recordAudit(tx, {
      actor: { userId: input.recordedBy },
      action: 'learning.result-recorded',
      subjectType: 'learner',
      subjectId: input.learnerId,
      origin: input.origin,
      details: {
        moduleResult: result.id,
        university: input.universityId,
        code: input.code,
        credits: input.credits,
        level: 7,
        result: 'pass',
        placement: input.placementId,
      },
    })
    return { ok: true, moduleResultId: result.id }
  }
}
