import { z } from 'zod'

/** The studies pages' parameters and forms. */

export const studyParams = z.strictObject({
  studyId: z.uuid({ error: 'must be the id of a study' }),
})

export const siteParams = studyParams.extend({
  siteId: z.uuid({ error: 'must be the id of a site of the study' }),
})

export const studiesQuery = z.strictObject({
  imported: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
})

export const studyQuery = z.strictObject({
  matched: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
  entered: z.literal('1').optional(),
})

export const siteMatchForm = z.object({
  organisationId: z
    .string({ error: 'Select the NHS organisation' })
    .max(10, 'Select the NHS organisation')
    .regex(/^[A-Z0-9]*$/, 'Select the NHS organisation')
    .default(''),
})

const text = (max: number) => z.string().max(max).default('')

/** A study entered by hand: read as text here, checked field by field by readStudyEntry (study-entry.ts). */
export const studyEntryForm = z.object({
  briefTitle: text(2000),
  officialTitle: text(4000),
  nctId: text(100),
  isrctn: text(100),
  irasId: text(100),
  overallStatus: text(100),
  phases: z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.string().max(40)).max(10),
  ),
  conditions: text(20_000),
  leadSponsor: text(2000),
  'startDate-month': text(10),
  'startDate-year': text(10),
  'completionDate-month': text(10),
  'completionDate-year': text(10),
  sites: text(100_000),
})
