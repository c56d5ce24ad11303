import { z } from 'zod'
import type { CountedUnit, Evaluation, LearnerRecord } from './credit-rules.ts'
import type { ProgrammeCheck, ProgrammeToCheck } from './programme-alignment.ts'

/**
 * The JSON shapes of the credit rules, shared by the API (`POST /api/v1/framework/evaluate` and
 * `/check-programme`) and the command line (`trellis framework evaluate FILE`): one schema checks both, and
 * describes the API in OpenAPI. Field names are the published ones (`counts_as`); the domain's are camelCase.
 */

const kindMessage = 'must be "online", "rpe" or "dissertation"'
const moduleKind = z.enum(['online', 'rpe', 'dissertation'], { error: kindMessage })

/** Whole credits from 1 to 180 (the whole Master's): negative, fractional or non-numeric credits are refused. */
const creditsField = z
  .number({ error: 'must be a number of credits' })
  .int('must be a whole number of credits')
  .min(1, 'must be at least 1 credit')
  .max(180, 'must be at most 180 credits, the whole Master’s')
  .describe('Credits, a whole number from 1 to 180')

const levelField = z
  .number({ error: 'must be a level from 3 to 8' })
  .int('must be a level from 3 to 8')
  .min(3, 'must be a level from 3 to 8')
  .max(8, 'must be a level from 3 to 8')
  .describe('The FHEQ level, 3 to 8')

const text = (what: string, longest: number) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`)
    .max(longest, `must be at most ${longest} characters`)

const recordedModule = z.strictObject({
  code: text('the module’s code', 50),
  title: text('the module’s title', 200),
  kind: moduleKind,
  credits: creditsField,
  level: levelField,
  result: z.enum(['pass', 'fail', 'in-progress'], { error: 'must be "pass", "fail" or "in-progress"' }),
  provider: text('the university that ran the module', 200),
})

const priorLearning = z.strictObject({
  credits: creditsField,
  counts_as: z
    .enum(['online', 'rpe'], { error: 'must be "online" or "rpe"' })
    .describe('The kind of module the prior learning is recognised in place of'),
  status: z.enum(['approved', 'pending', 'rejected'], {
    error: 'must be "approved", "pending" or "rejected"',
  }),
  provider: text('the university that recognised it', 200),
  level: levelField
    .optional()
    .describe(
      'The level it is recognised at; 7 when absent, because a university recognises prior learning ' +
        'against the learning outcomes of its own level-7 programme',
    ),
})

/** Raw text of a field, for comparing entries before the whole body is known to be valid. */
function textOf(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const text = (value as Record<string, unknown>)[field]
  return typeof text === 'string' ? text.trim() : undefined
}

export const evaluateRequest = z.strictObject(
  {
    modules: z
      .array(recordedModule, { error: 'must be a list of modules' })
      .max(100, 'must hold at most 100 modules')
      .superRefine(
        (modules, context) => {
          // A module is the same module when its code and provider are: listed twice, it is a mistake.
          const firstAt = new Map<string, number>()
          modules.forEach((module: unknown, index) => {
            const code = textOf(module, 'code')
            const provider = textOf(module, 'provider')
            if (code === undefined || provider === undefined) return
            const key = `${code}\u0000${provider}`
            const first = firstAt.get(key)
            if (first === undefined) firstAt.set(key, index)
            else {
              context.addIssue({
                code: 'custom',
                path: [index, 'code'],
                message: `repeats modules[${first}]: the same code and provider; list each module once`,
              })
            }
          })
        },
        // Checked even when other fields are wrong, so that one answer names every field at fault.
        { when: () => true },
      )
      .describe('Each module taken, with its result; each code and provider once'),
    priorLearning: z
      .array(priorLearning, { error: 'must be a list of prior learning' })
      .max(50, 'must hold at most 50 entries')
      .default([])
      .describe('Learning recognised in place of modules (RPL); only approved learning counts'),
  },
  { error: 'must be a JSON object' },
)

export type EvaluateRequest = z.infer<typeof evaluateRequest>

export function toLearnerRecord(request: EvaluateRequest): LearnerRecord {
  return {
    modules: request.modules,
    priorLearning: request.priorLearning.map((learning) => ({
      credits: learning.credits,
      countsAs: learning.counts_as,
      status: learning.status,
      provider: learning.provider,
      ...(learning.level === undefined ? {} : { level: learning.level }),
    })),
  }
}

const unitResponse = z.object({
  source: z.enum(['module', 'prior-learning']),
  code: z.string().nullable().describe('null for prior learning'),
  title: z.string(),
  provider: z.string(),
  kind: moduleKind,
  credits: z.number().int(),
  level: z.number().int(),
})

const roleResponse = z.object({ id: z.string(), name: z.string() })

export const evaluationResponse = z.object({
  achieved: z.array(z.string()).describe('The framework levels the record holds, in order'),
  creditsCounted: z
    .number()
    .int()
    .describe('Credits of passed modules (each code and provider once) and approved prior learning'),
  level7Credits: z.number().int().describe('Of those, the credits at level 7 or above'),
  creditsByKind: z.record(z.string(), z.number().int()),
  learningHours: z.object({
    done: z.number().int(),
    toNextLevel: z.number().int().nullable(),
  }),
  nextLevel: z
    .object({
      id: z.string(),
      name: z.string(),
      eligible: z.boolean().describe('Whether its entry requirement is met, so the learner can start it'),
      missing: z.array(z.string()).describe('What the record still lacks for it, in words'),
      creditsToGo: z.number().int(),
    })
    .nullable()
    .describe('null once the Master’s is held'),
  roles: z.array(roleResponse).describe('The research roles the awards held prepare for'),
  timeline: z
    .array(
      z.object({
        levelId: z.string(),
        name: z.string(),
        creditsToGo: z.number().int(),
        months: z.number().int().describe('Months of part-time study for this level'),
        monthsFromNow: z.number().int(),
      }),
    )
    .describe('Each level still to achieve, at part-time pace'),
  problems: z.array(z.string()).describe('Notes about the record: what does not count, and why'),
  allocation: z
    .array(z.object({ levelId: z.string(), achieved: z.boolean(), units: z.array(unitResponse) }))
    .describe('Which modules and prior learning went to each level'),
  unallocated: z.array(unitResponse).describe('Counted units that went to no level'),
})

function toUnitResponse(unit: CountedUnit): z.infer<typeof unitResponse> {
  return { ...unit }
}

/** The evaluation as the API and the command line print it. */
export function toEvaluationResponse(evaluation: Evaluation): z.infer<typeof evaluationResponse> {
  const next = evaluation.nextLevel
  return {
    achieved: [...evaluation.achieved],
    creditsCounted: evaluation.creditsCounted,
    level7Credits: evaluation.level7Credits,
    creditsByKind: { ...evaluation.creditsByKind },
    learningHours: { ...evaluation.learningHours },
    nextLevel: next === null ? null : { ...next, missing: [...next.missing] },
    roles: evaluation.roles.map((role) => ({ ...role })),
    timeline: evaluation.timeline.map((step) => ({ ...step })),
    problems: [...evaluation.problems],
    allocation: evaluation.allocation.map((level) => ({
      levelId: level.levelId,
      achieved: level.achieved,
      units: level.units.map(toUnitResponse),
    })),
    unallocated: evaluation.unallocated.map(toUnitResponse),
  }
}

// Checking a programme --------------------------------------------------------------------------------------

/** The API needs every module's credits and level: a programme with unknowns is checked on its catalogue page. */
const programmeModule = z.strictObject({
  name: text('the module’s name', 200),
  kind: moduleKind,
  credits: creditsField,
  level: levelField,
})

export const checkProgrammeRequest = z.strictObject(
  {
    name: text('the programme’s name', 200).optional(),
    award: z
      .string({ error: 'must be the id of a framework level, such as "pgcert"' })
      .trim()
      .min(1, 'must be the id of a framework level, such as "pgcert"')
      .max(100, 'must be the id of a framework level, such as "pgcert"')
      .describe('The id of the framework level the programme awards: pgcert, pgdip or masters'),
    compulsory: z
      .array(programmeModule, { error: 'must be a list of modules' })
      .max(30, 'must hold at most 30 modules')
      .describe('Modules every learner takes'),
    options: z
      .array(
        z.strictObject({
          choose: z
            .number({ error: 'must be a whole number from 1' })
            .int('must be a whole number from 1')
            .min(1, 'must be a whole number from 1')
            .describe('How many of these modules a learner chooses'),
          modules: z
            .array(programmeModule, { error: 'must be a list of modules' })
            .min(1, 'must offer at least one module')
            .max(30, 'must hold at most 30 modules'),
        }),
        { error: 'must be a list of option groups' },
      )
      .max(10, 'must hold at most 10 option groups')
      .default([])
      .describe('Groups of optional modules: "choose N of these"'),
  },
  { error: 'must be a JSON object' },
)

export type CheckProgrammeRequest = z.infer<typeof checkProgrammeRequest>

export function toProgrammeToCheck(request: CheckProgrammeRequest): ProgrammeToCheck {
  return {
    name: request.name ?? 'The programme',
    awardLevelId: request.award,
    compulsory: request.compulsory,
    optionGroups: request.options,
  }
}

export const programmeCheckResponse = z.object({
  aligned: z.boolean(),
  status: z
    .enum(['aligned', 'not-aligned', 'cannot-check'])
    .describe('"cannot-check" when too many combinations of options are offered to check each one'),
  summary: z.string(),
  violations: z.array(z.string()).describe('Each rule the programme breaks, naming its modules'),
  unknowns: z.array(z.string()),
})

export function toProgrammeCheckResponse(check: ProgrammeCheck): z.infer<typeof programmeCheckResponse> {
  return {
    aligned: check.status === 'aligned',
    status: check.status,
    summary: check.summary,
    violations: [...check.violations],
    unknowns: [...check.unknowns],
  }
}
