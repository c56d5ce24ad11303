import { z } from 'zod'
import {
  claimStatuses,
  enrolmentStatuses,
  maximumCredits,
  moduleKinds,
  priorLearningKinds,
  resultOutcomes,
} from './learner-record.ts'

/**
 * The learning module's forms, parameters and JSON shapes. Forms are read as text here (with lengths bounded)
 * and checked against the rules by the service, which phrases each problem for its field.
 */

const text = (max: number, tooLong: string) => z.string().max(max, tooLong).default('')
const datePart = z.string().max(10).default('')

export const organisationParams = z.strictObject({
  organisationId: z.string().regex(/^[A-Za-z0-9-]{1,60}$/, 'must be an organisation id'),
})
export const learnerParams = organisationParams.extend({
  learnerId: z.uuid({ error: 'must be the id of a learner' }),
})
export const enrolmentParams = organisationParams.extend({
  enrolmentId: z.uuid({ error: 'must be the id of an enrolment' }),
})
export const batchParams = organisationParams.extend({
  batchId: z.uuid({ error: 'must be the id of an import' }),
})
export const claimParams = organisationParams.extend({
  claimId: z.uuid({ error: 'must be the id of a claim of prior learning' }),
})
export const evidenceParams = claimParams.extend({
  fileId: z.uuid({ error: 'must be the id of a file' }),
})
export const ownEvidenceParams = z.strictObject({
  claimId: z.uuid({ error: 'must be the id of a claim of prior learning' }),
  fileId: z.uuid({ error: 'must be the id of a file' }),
})
export const apiLearnerParams = z.strictObject({
  learnerId: z.uuid({ error: 'must be the id of a learner' }),
})

export const enrolmentForm = z.object({
  email: z
    .string({ error: "Enter the learner's email address" })
    .trim()
    .min(1, "Enter the learner's email address")
    .max(254, 'Email address must be 254 characters or fewer')
    .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.nhs.net' })),
  programme: text(100, 'Select a programme from the list').transform((value) => value.trim()),
  'startedOn-day': datePart,
  'startedOn-month': datePart,
  'startedOn-year': datePart,
  transferring: z.enum(['yes', 'no'], {
    error: 'Select yes if the learner is moving here from another university',
  }),
})
export type EnrolmentFormInput = z.infer<typeof enrolmentForm>

export const endEnrolmentForm = z.object({
  status: z.enum(['completed', 'withdrawn'], { error: 'Select how the enrolment ended' }),
  'endedOn-day': datePart,
  'endedOn-month': datePart,
  'endedOn-year': datePart,
})

export const resultForm = z.object({
  code: text(100, 'Module code must be 30 characters or fewer'),
  title: text(400, 'Module title must be 200 characters or fewer'),
  kind: text(40, 'Select the kind of module'),
  credits: text(10, 'Credits must be a whole number'),
  level: text(10, 'Level must be a whole number'),
  result: text(40, 'Select the result'),
  'completedOn-day': datePart,
  'completedOn-month': datePart,
  'completedOn-year': datePart,
})
export type ResultFormInput = z.infer<typeof resultForm>

/** 1 MB of CSV pasted into the form; an uploaded file may be as large as the upload limit. */
export const importForm = z.object({
  csv: text(1_048_576, 'The results must be 1 MB or smaller: upload them as a file instead'),
})

export const claimForm = z.object({
  university: text(100, 'Select the university'),
  description: text(5000, 'Description must be 5000 characters or fewer'),
  creditsSought: text(10, 'Credits sought must be a whole number'),
  countsAs: text(20, 'Select what the learning counts as'),
})
export type ClaimFormInput = z.infer<typeof claimForm>

export const decisionForm = z.object({
  outcome: z.enum(['approve', 'partly-approve', 'reject'], { error: 'Select your decision' }),
  credits: text(10, 'Credits approved must be a whole number'),
  level: text(10, 'Level must be a whole number'),
  reason: text(2000, 'Reason must be 2000 characters or fewer'),
})
export type DecisionFormInput = z.infer<typeof decisionForm>

export const capForm = z.object({
  cap: z
    .string({ error: 'Enter the most credits of prior learning one learner may have recognised' })
    .trim()
    .min(1, 'Enter the most credits of prior learning one learner may have recognised')
    .regex(/^\d{1,4}$/, `The limit must be a whole number from 0 to ${maximumCredits}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .max(maximumCredits, `The limit must be a whole number from 0 to ${maximumCredits}`)
        .min(0, `The limit must be a whole number from 0 to ${maximumCredits}`),
    ),
})

// JSON --------------------------------------------------------------------------------------------------

const university = z.object({ id: z.string(), name: z.string() })

export const learnerRecordResponse = z.object({
  learner: z.object({ id: z.string(), fullName: z.string() }),
  enrolments: z.array(
    z.object({
      id: z.string(),
      university,
      programme: z.object({ id: z.string(), name: z.string() }).nullable(),
      startedOn: z.string().describe('YYYY-MM-DD'),
      status: z.enum(enrolmentStatuses),
      endedOn: z.string().nullable(),
      transferredFrom: z.string().nullable().describe('The enrolment the learner transferred from'),
    }),
  ),
  results: z
    .array(
      z.object({
        id: z.string(),
        awardingUniversity: university,
        code: z.string(),
        title: z.string(),
        kind: z.enum(moduleKinds),
        credits: z.number().int(),
        level: z.number().int(),
        result: z.enum(resultOutcomes),
        completedOn: z.string().nullable(),
        standing: z.boolean().describe('The attempt that counts: the first pass, or else the latest attempt'),
        recordedAt: z.string(),
      }),
    )
    .describe('Every attempt, in the order recorded'),
  priorLearning: z.array(
    z.object({
      id: z.string(),
      university,
      description: z.string(),
      creditsSought: z.number().int(),
      countsAs: z.enum(priorLearningKinds),
      status: z.enum(claimStatuses),
      creditsApproved: z.number().int().nullable(),
      level: z.number().int().nullable(),
      reason: z.string().nullable(),
      decidedAt: z.string().nullable(),
      evidence: z.array(
        z.object({
          id: z.string(),
          fileName: z.string(),
          mediaType: z.string(),
          sizeBytes: z.number().int(),
        }),
      ),
    }),
  ),
  record: z
    .object({
      modules: z.array(
        z.object({
          code: z.string(),
          title: z.string(),
          kind: z.enum(moduleKinds),
          credits: z.number().int(),
          level: z.number().int(),
          result: z.enum(resultOutcomes),
          provider: z.string(),
        }),
      ),
      priorLearning: z.array(
        z.object({
          credits: z.number().int(),
          countsAs: z.enum(priorLearningKinds),
          status: z.enum(['approved', 'pending', 'rejected']),
          provider: z.string(),
          level: z.number().int().optional(),
        }),
      ),
    })
    .describe("What the framework's credit rules evaluate: the standing attempts and the claims"),
  creditsPassedByUniversity: z.array(z.object({ university, credits: z.number().int() })),
  assessment: z
    .object({
      creditsCounted: z.number().int(),
      level7Credits: z.number().int(),
      creditsByKind: z.array(z.object({ kind: z.enum(moduleKinds), credits: z.number().int() })),
      awards: z.array(z.object({ id: z.string(), name: z.string(), abbreviation: z.string() })),
      roles: z.array(z.string()).describe('The research roles the awards held prepare for'),
      eligibleToProgress: z.boolean(),
      nextLevel: z
        .object({
          name: z.string(),
          creditsToGo: z.number().int(),
          missing: z.array(z.string()).describe('What the level still needs, in words'),
          roles: z.array(z.string()),
        })
        .nullable()
        .describe('Null once every level is held'),
      learningHours: z.object({
        hoursPerCredit: z.number(),
        done: z.number(),
        toNextLevel: z.number().nullable(),
      }),
      timeline: z.array(
        z.object({
          levelId: z.string(),
          name: z.string(),
          creditsToGo: z.number().int(),
          hoursToGo: z.number(),
          months: z.number().describe('Months of part-time study for this level'),
          monthsFromNow: z.number(),
        }),
      ),
      notes: z.array(z.string()),
    })
    .nullable()
    .describe("What the framework's credit rules conclude; null when no framework is loaded"),
})
