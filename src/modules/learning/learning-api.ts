import type { z } from 'zod'
import { signedInPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, type ApiRoute } from '../../platform/http/api-routes.ts'
import { HttpError, NotFoundError } from '../../platform/http/problem.ts'
import { apiLearnerParams, learnerRecordResponse } from './learning-schemas.ts'
import type { RecordAssessment } from './credit-assessment.ts'
import type { LearningService, RecordView } from './learning-service.ts'

type RecordResponse = z.input<typeof learnerRecordResponse>

/** A record as the API gives it: every attempt and claim, and the standing record the credit rules read. */
export function toRecordResponse(view: RecordView): RecordResponse {
  return {
    learner: { id: view.learner.id, fullName: view.learner.fullName },
    enrolments: view.enrolments.map((enrolment) => ({
      id: enrolment.id,
      university: enrolment.university,
      programme:
        enrolment.programmeId === null
          ? null
          : { id: enrolment.programmeId, name: enrolment.programmeName ?? enrolment.programmeId },
      startedOn: enrolment.startedOn,
      status: enrolment.status,
      endedOn: enrolment.endedOn,
      transferredFrom: enrolment.transferredFrom,
    })),
    results: view.results.map((result) => ({
      id: result.id,
      awardingUniversity: result.university,
      code: result.code,
      title: result.title,
      kind: result.kind,
      credits: result.credits,
      level: result.level,
      result: result.result,
      completedOn: result.completedOn,
      standing: result.standing,
      recordedAt: result.recordedAt.toISOString(),
    })),
    priorLearning: view.claims.map((claim) => ({
      id: claim.id,
      university: claim.university,
      description: claim.description,
      creditsSought: claim.creditsSought,
      countsAs: claim.countsAs,
      status: claim.status,
      creditsApproved: claim.creditsApproved,
      level: claim.level,
      reason: claim.reason,
      decidedAt: claim.decidedAt?.toISOString() ?? null,
      evidence: claim.evidence.map((file) => ({
        id: file.id,
        fileName: file.fileName,
        mediaType: file.mediaType,
        sizeBytes: file.sizeBytes,
      })),
    })),
    record: {
      modules: view.record.modules.map((module) => ({ ...module })),
      priorLearning: view.record.priorLearning.map((claim) => ({ ...claim })),
    },
    creditsPassedByUniversity: view.byUniversity.map((group) => ({
      university: group.university,
      credits: group.creditsPassed,
    })),
    assessment: view.assessment === null ? null : toAssessmentResponse(view.assessment),
  }
}

function toAssessmentResponse(assessment: RecordAssessment): RecordResponse['assessment'] {
  return {
    creditsCounted: assessment.creditsCounted,
    level7Credits: assessment.level7Credits,
    creditsByKind: assessment.creditsByKind.map((entry) => ({ ...entry })),
    awards: assessment.awards.map((award) => ({ ...award })),
    roles: [...assessment.roles],
    eligibleToProgress: assessment.eligibleToProgress,
    nextLevel:
      assessment.nextLevel === null
        ? null
        : {
            name: assessment.nextLevel.name,
            creditsToGo: assessment.nextLevel.creditsToGo,
            missing: [...assessment.nextLevel.missing],
            roles: [...assessment.nextLevel.roles],
          },
    learningHours: { ...assessment.learningHours },
    timeline: assessment.timeline.map((step) => ({ ...step })),
    notes: [...assessment.notes],
  }
}

const forbidden = () =>
  new HttpError(
    403,
    'You do not have permission',
    'Your account does not have permission to read this record.',
  )

/**
 * The learner record as JSON. A person reads their own; staff of a university where the learner is or was
 * enrolled, and framework admins, read any of theirs. To anyone else the answer is 403 whether or not the learner
 * exists (only framework admins, who may read every record, are told 404 for an unknown id), so that the API
 * cannot be used to find out who has an account.
 */
export function learningApiRoutes(deps: { readonly learning: LearningService }): ApiRoute[] {
  const { learning } = deps
  return [
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/me/learning-record',
      operationId: 'getMyLearningRecord',
      summary: 'Your learner record: enrolments, every module result, prior learning and their decisions',
      tag: 'Learning',
      policy: signedInPolicy,
      response: learnerRecordResponse,
      handler: async ({ request, reply }) => {
        const view = await learning.findRecord(request.principal!.userId)
        if (view === null) throw new NotFoundError('Your account is closed.')
        reply.header('cache-control', 'no-store')
        return toRecordResponse(view)
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/learners/:learnerId/record',
      operationId: 'getLearnerRecord',
      summary: "A learner's record (the learner, staff of their universities, framework admins)",
      description:
        'Allowed to the learner, to programme leads and academic supervisors of a university where the learner is or was enrolled, and to framework admins. Anyone else is answered 403, whether or not the learner exists; only framework admins are answered 404 for an unknown learner.',
      tag: 'Learning',
      policy: signedInPolicy,
      params: apiLearnerParams,
      response: learnerRecordResponse,
      mayBeNotFound: true,
      handler: async ({ params, request, reply }) => {
        const access = await learning.checkReadAccess(request.principal!, params.learnerId)
        if (access === 'forbidden') throw forbidden()
        const view = access === 'allowed' ? await learning.findRecord(params.learnerId) : null
        if (view === null) throw new NotFoundError(`There is no learner "${params.learnerId}".`)
        reply.header('cache-control', 'no-store')
        return toRecordResponse(view)
      },
    }),
  ] as ApiRoute[]
}
