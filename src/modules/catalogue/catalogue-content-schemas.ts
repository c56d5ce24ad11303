import { z } from 'zod'

/**
 * The shape of every file in content/. These schemas are the reviewed catalogue's contract: an entry that
 * does not match is refused by `trellis catalogue check` with its file, entry and field.
 *
 * Status: `verified` means stated in one of the five source documents or read on the responsible body's own
 * page (the funder, regulator or university); `unverified` means second-hand or inferred, and is shown to
 * users as unverified.
 */

export const entryId = z
  .string({ error: 'must be an id: lower-case words joined by hyphens, such as "nihr-dcaf"' })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be an id: lower-case words joined by hyphens, such as "nihr-dcaf"')

const text = z.string({ error: 'must be text' }).trim().min(1, 'must not be empty')

export const factStatus = z.enum(['verified', 'unverified'], {
  error: 'must be "verified" or "unverified"',
})

const sourceIds = z.array(entryId, { error: 'must be a list of source ids from sources.yaml' }).min(1, {
  error: 'needs at least one source: an id from sources.yaml',
})

/** What every catalogue entry and fact carries: where it comes from and whether it is verified. */
const provenance = { status: factStatus, sources: sourceIds }

/** One statement of fact with its own status and sources. `null` where no source states it. */
export const factSchema = z.strictObject({ text, ...provenance })
export type FactContent = z.infer<typeof factSchema>

/** A number stated by a source, such as the hours in one credit. */
export const numericFactSchema = z.strictObject({
  value: z.number({ error: 'must be a number' }),
  ...provenance,
})

// sources.yaml ------------------------------------------------------------------------------------------

export const sourceSchema = z
  .strictObject({
    id: entryId,
    title: text,
    publisher: text.optional(),
    /** An official page's address. */
    url: z.url({ error: 'must be an absolute address starting with https://' }).optional(),
    /** A source document's file name in shared/seeds, such as 002_8898c23ecf9faecc.txt. */
    seed: z
      .string()
      .regex(
        /^\d{3}_[0-9a-f]{16}\.txt$/,
        'must be a source document file name such as 002_8898c23ecf9faecc.txt',
      )
      .optional(),
    note: text.optional(),
  })
  .refine((source) => (source.url === undefined) !== (source.seed === undefined), {
    error: 'give either url (an official page) or seed (a source document file name), not both or neither',
    path: ['url'],
  })
export const sourcesFileSchema = z.strictObject({ sources: z.array(sourceSchema).min(1) })

// regulators.yaml ----------------------------------------------------------------------------------------

export const regulatorSchema = z.strictObject({
  id: entryId,
  name: text,
  abbreviation: text,
  kind: z.enum(['statutory-regulator', 'accredited-register'], {
    error: 'must be "statutory-regulator" or "accredited-register"',
  }),
  url: z.url().optional(),
  description: text,
  ...provenance,
})
export const regulatorsFileSchema = z.strictObject({ regulators: z.array(regulatorSchema).min(1) })

// professions.yaml ---------------------------------------------------------------------------------------

export const registrationFormatSchema = z.strictObject({
  regulator: entryId,
  /** The register's name for this part, such as "Physiotherapist" on the HCPC register. */
  register: text.optional(),
  /** The format in words, shown beside the input: "7 digits, for example 1234567". */
  format: text,
  /** A regular expression for the whole number; null where the format is not known (free text). */
  pattern: z.string().min(1).nullable(),
  example: text.optional(),
  ...provenance,
})

export const professionGroupSchema = z.strictObject({ id: entryId, name: text, description: text })

export const professionSchema = z.strictObject({
  id: entryId,
  name: text,
  /** The name in a sentence, such as "nurses". */
  plural: text,
  group: entryId,
  description: text,
  /** Medicine and dentistry follow the integrated academic training route; other professions the ICA route. */
  isMedicalOrDental: z.boolean(),
  registrations: z.array(registrationFormatSchema),
  ...provenance,
})
export const professionsFileSchema = z.strictObject({
  groups: z.array(professionGroupSchema).min(1),
  professions: z.array(professionSchema).min(1),
})

// stages.yaml --------------------------------------------------------------------------------------------

export const stageSchema = z.strictObject({
  id: entryId,
  name: text,
  description: text,
  ...provenance,
})
export const stagesFileSchema = z.strictObject({ stages: z.array(stageSchema).min(1) })

// pathways.yaml ------------------------------------------------------------------------------------------

export const pathwayStepSchema = z.strictObject({
  id: entryId,
  /** The step's name in this pathway's own words, as the source gives it. */
  name: text,
  /** The shared career stage this step maps onto. */
  stage: entryId,
  description: text,
  ...provenance,
})

export const pathwaySchema = z.strictObject({
  id: entryId,
  name: text,
  description: text,
  /** The professions that follow this pathway. */
  professions: z.array(entryId).min(1),
  steps: z.array(pathwayStepSchema).min(1),
  notes: z.array(factSchema).default([]),
  ...provenance,
})
export const pathwaysFileSchema = z.strictObject({ pathways: z.array(pathwaySchema).min(1) })

// funders.yaml -------------------------------------------------------------------------------------------

export const funderSchema = z.strictObject({
  id: entryId,
  name: text,
  abbreviation: text.optional(),
  url: z.url().optional(),
  description: text,
  ...provenance,
})
export const fundersFileSchema = z.strictObject({ funders: z.array(funderSchema).min(1) })

// schemes.yaml -------------------------------------------------------------------------------------------

export const professionScopeSchema = z.union(
  [
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({ allExcept: z.array(entryId).min(1) }),
    z.strictObject({ only: z.array(entryId).min(1) }),
  ],
  { error: 'must be one of {all: true}, {allExcept: [profession ids]} or {only: [profession ids]}' },
)
export type ProfessionScope = z.infer<typeof professionScopeSchema>

export const formerNameSchema = z.strictObject({
  name: text,
  note: text.optional(),
  ...provenance,
})

export const schemeSchema = z.strictObject({
  id: entryId,
  /** The current name. Names the sources used before go in formerNames. */
  name: text,
  abbreviation: text.optional(),
  formerNames: z.array(formerNameSchema).default([]),
  funders: z.array(entryId).min(1),
  stages: z.array(entryId).min(1),
  professions: professionScopeSchema,
  /** False for a scheme that has closed or been replaced; it stays for people who meet its old name. */
  isCurrent: z.boolean(),
  replacedBy: entryId.optional(),
  summary: text,
  eligibility: factSchema.nullable(),
  duration: factSchema.nullable(),
  funds: factSchema.nullable(),
  url: z.url().optional(),
  ...provenance,
})
export const schemesFileSchema = z.strictObject({ schemes: z.array(schemeSchema).min(1) })

// framework.yaml -----------------------------------------------------------------------------------------

export const moduleKindSchema = z.strictObject({
  id: z.enum(['online', 'rpe', 'dissertation'], { error: 'must be "online", "rpe" or "dissertation"' }),
  name: text,
  description: text,
  /** The credits a module of this kind is worth, where the framework fixes them. */
  creditOptions: z.array(z.number().int().positive()),
  ...provenance,
})

export const roleSchema = z.strictObject({ id: entryId, name: text, description: text, ...provenance })

export const compositionPartSchema = z.strictObject({
  kind: z.enum(['online', 'rpe', 'dissertation'], { error: 'must be "online", "rpe" or "dissertation"' }),
  count: z.number().int().positive(),
  /** Credits of each module in this part; absent where the framework leaves it to the university. */
  creditsEach: z.number().int().positive().optional(),
})

export const compositionSchema = z.strictObject({
  description: text,
  parts: z.array(compositionPartSchema).min(1),
})

export const frameworkLevelSchema = z.strictObject({
  id: entryId,
  name: text,
  abbreviation: text,
  /** Credits this level adds. */
  credits: z.number().int().positive(),
  /** Credits held in all on completing this level. */
  cumulativeCredits: z.number().int().positive(),
  /** The UK minimum of those cumulative credits at FHEQ level 7. */
  minimumLevel7Credits: numericFactSchema,
  /** The level a learner must hold first (or an approved equivalent); null for the first level. */
  entryRequires: entryId.nullable(),
  entry: factSchema,
  compositions: z.array(compositionSchema).min(1),
  /** The research roles this level prepares for. */
  prepares: z.array(entryId),
  aim: factSchema,
  firstCohort: factSchema.nullable(),
  ...provenance,
})

export const frameworkFileSchema = z.strictObject({
  framework: z.strictObject({
    id: entryId,
    name: text,
    summary: text,
    audience: factSchema,
    hoursPerCredit: numericFactSchema,
    partTimeMonthsPerLevel: numericFactSchema,
    fullMastersPartTimeYears: numericFactSchema,
    moduleKinds: z.array(moduleKindSchema).min(1),
    roles: z.array(roleSchema).min(1),
    levels: z.array(frameworkLevelSchema).min(1),
    fees: factSchema,
    bursaries: factSchema,
    entryRequirements: factSchema,
    priorLearning: factSchema,
    evaluation: factSchema,
    enquiries: factSchema,
    ...provenance,
  }),
})

// providers.yaml -----------------------------------------------------------------------------------------

export const moduleSchema = z.strictObject({
  id: entryId,
  /** Exactly as the source names it. */
  name: text,
  kind: z.enum(['online', 'rpe', 'dissertation'], { error: 'must be "online", "rpe" or "dissertation"' }),
  /** Credits as the source states them; null where the source does not say (never guessed). */
  credits: z.number().int().positive().nullable(),
  description: text.optional(),
  ...provenance,
})

export const programmeModuleSchema = z.strictObject({
  module: entryId,
  compulsory: z.boolean(),
})

/** A choice the learner makes from a menu the source describes only by topic. */
export const optionGroupSchema = z.strictObject({
  choose: z.number().int().positive(),
  creditsEach: z.number().int().positive().nullable(),
  description: text,
  topics: z.array(text),
  ...provenance,
})

export const programmeSchema = z.strictObject({
  id: entryId,
  name: text,
  /** The framework level this programme awards. */
  award: entryId,
  description: text,
  launched: factSchema.nullable(),
  modules: z.array(programmeModuleSchema),
  options: z.array(optionGroupSchema).default([]),
  notes: z.array(factSchema).default([]),
  ...provenance,
})

export const providerSchema = z.strictObject({
  id: entryId,
  name: text,
  description: text,
  priorLearning: factSchema.nullable(),
  modules: z.array(moduleSchema),
  programmes: z.array(programmeSchema).min(1),
  ...provenance,
})
export const providersFileSchema = z.strictObject({ providers: z.array(providerSchema).min(1) })

// healthcare-science.yaml --------------------------------------------------------------------------------

export const divisionSchema = z.strictObject({ id: entryId, name: text, description: text, ...provenance })

export const careerLevelSchema = z.strictObject({
  id: entryId,
  name: text,
  description: text,
  stage: entryId,
  ...provenance,
})

export const specialismGroupSchema = z.strictObject({
  id: entryId,
  name: text,
  /** The division this group of specialisms sits in; seed 004 lists them without divisions. */
  division: z.strictObject({ id: entryId, ...provenance }).nullable(),
  specialisms: z.array(z.strictObject({ id: entryId, name: text })),
  ...provenance,
})

export const healthcareScienceFileSchema = z.strictObject({
  summary: factSchema,
  divisions: z.array(divisionSchema).min(1),
  levels: z.array(careerLevelSchema).min(1),
  specialismGroups: z.array(specialismGroupSchema).min(1),
})

// research-culture.yaml ----------------------------------------------------------------------------------

const namedItem = z.strictObject({ id: entryId, name: text, description: text.optional() })

export const researchCultureFileSchema = z.strictObject({
  summary: factSchema,
  roles: z.strictObject({ items: z.array(namedItem).min(1), ...provenance }),
  evidence: z.array(z.strictObject({ id: entryId, title: text, ...provenance })).min(1),
  strategy: z.strictObject({
    id: entryId,
    title: text,
    publisher: text,
    published: text,
    summary: text,
    themes: z.array(namedItem).min(1),
    actions: z.array(namedItem).min(1),
    ...provenance,
  }),
  jointStatement: z.strictObject({
    id: entryId,
    title: text,
    year: z.number().int(),
    actionCount: z.number().int().positive(),
    summary: text,
    ...provenance,
  }),
  localPriorities: z.strictObject({ summary: text, items: z.array(namedItem).min(1), ...provenance }),
  caseStudyThemes: z
    .array(
      z.strictObject({
        id: entryId,
        name: text,
        description: text,
        examples: z.array(
          z.strictObject({
            id: entryId,
            title: text,
            organisation: text.optional(),
            summary: text,
            ...provenance,
          }),
        ),
        ...provenance,
      }),
    )
    .min(1),
  community: z.strictObject({ name: text, description: text, access: text, ...provenance }),
})

// organisations/nhs-trusts.yaml --------------------------------------------------------------------------

export const nhsTrustsFileSchema = z.strictObject({
  /** The ODS file beside this one: headerless, 27 columns (Organisation Data Service "etr" format). */
  file: z.string().regex(/^[\w.-]+\.csv$/, 'must be a CSV file name in content/organisations'),
  snapshot: text,
  licence: text,
  attribution: text,
  regions: z.array(z.strictObject({ code: z.string().regex(/^[A-Z]\d{2}$/), name: text })).min(1),
  ...provenance,
})

/** Every file of the catalogue, by its path under content/, with its schema; sources/*.yaml besides. */
export const contentFiles = {
  'regulators.yaml': regulatorsFileSchema,
  'professions.yaml': professionsFileSchema,
  'stages.yaml': stagesFileSchema,
  'pathways.yaml': pathwaysFileSchema,
  'funders.yaml': fundersFileSchema,
  'schemes.yaml': schemesFileSchema,
  'framework.yaml': frameworkFileSchema,
  'providers.yaml': providersFileSchema,
  'healthcare-science.yaml': healthcareScienceFileSchema,
  'research-culture.yaml': researchCultureFileSchema,
  'organisations/nhs-trusts.yaml': nhsTrustsFileSchema,
} as const

export type ContentFileName = keyof typeof contentFiles

export interface CatalogueContent {
  readonly sources: z.infer<typeof sourcesFileSchema>['sources']
  readonly regulators: z.infer<typeof regulatorsFileSchema>['regulators']
  readonly professionGroups: z.infer<typeof professionsFileSchema>['groups']
  readonly professions: z.infer<typeof professionsFileSchema>['professions']
  readonly stages: z.infer<typeof stagesFileSchema>['stages']
  readonly pathways: z.infer<typeof pathwaysFileSchema>['pathways']
  readonly funders: z.infer<typeof fundersFileSchema>['funders']
  readonly schemes: z.infer<typeof schemesFileSchema>['schemes']
  readonly framework: z.infer<typeof frameworkFileSchema>['framework']
  readonly providers: z.infer<typeof providersFileSchema>['providers']
  readonly healthcareScience: z.infer<typeof healthcareScienceFileSchema>
  readonly researchCulture: z.infer<typeof researchCultureFileSchema>
  readonly nhsTrusts: z.infer<typeof nhsTrustsFileSchema>
}
