import { z } from 'zod'
import { paginationQuery } from '../../platform/http/api-routes.ts'

/**
 * Request and response shapes of the catalogue's JSON API (and the query of its pages). Each fact carries
 * its status and its sources, given whole so that an integrator can cite them.
 */

const idParameter = (what: string) =>
  z
    .string({ error: `must be the id of a ${what}` })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, `must be the id of a ${what}: lower-case words joined by hyphens`)
    .max(100, `must be the id of a ${what}`)

export const sourceResponse = z.object({
  id: z.string(),
  title: z.string(),
  publisher: z.string().nullable(),
  url: z.string().nullable().describe('The official page, where the source is one.'),
  document: z
    .string()
    .nullable()
    .describe('The source document file name, where the source is one of the five seed documents.'),
})

export const statusResponse = z
  .enum(['verified', 'unverified'])
  .describe(
    '"verified": stated in a source document or read on the responsible body\'s own page; "unverified": second-hand or inferred.',
  )

export const factResponse = z.object({
  text: z.string(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

export const registrationResponse = z.object({
  regulator: z.string(),
  register: z.string().nullable(),
  format: z.string(),
  pattern: z
    .string()
    .nullable()
    .describe('A regular expression for the whole number; null where the format is not known.'),
  example: z.string().nullable(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

export const professionResponse = z.object({
  id: z.string(),
  name: z.string(),
  plural: z.string(),
  group: z.object({ id: z.string(), name: z.string() }),
  description: z.string(),
  isMedicalOrDental: z.boolean(),
  registrations: z.array(registrationResponse),
  pathways: z.array(z.string()).describe('Ids of the career pathways this profession follows.'),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

export const stageResponse = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  position: z.number().int(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

export const schemeResponse = z.object({
  id: z.string(),
  name: z.string(),
  abbreviation: z.string().nullable(),
  formerNames: z.array(
    z.object({
      name: z.string(),
      note: z.string().nullable(),
      status: statusResponse,
      sources: z.array(sourceResponse),
    }),
  ),
  isCurrent: z.boolean(),
  replacedBy: z.string().nullable(),
  summary: z.string(),
  funders: z.array(z.object({ id: z.string(), name: z.string() })),
  stages: z.array(z.string()),
  professions: z.array(z.string()).describe('Ids of the professions the scheme is open to.'),
  eligibility: factResponse.nullable(),
  duration: factResponse.nullable(),
  funds: factResponse.nullable(),
  url: z.string().nullable(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

export const searchResultResponse = z.object({
  kind: z.string(),
  kindLabel: z.string(),
  id: z.string(),
  title: z.string(),
  url: z.string().describe('The page that shows this result.'),
  matched: z.string().describe('Where the words matched, with each matched word in [square brackets].'),
  status: statusResponse,
  rank: z.number(),
})

export const schemesQuery = z.strictObject({
  profession: idParameter('profession')
    .optional()
    .describe('Only schemes open to this profession (an id from /api/v1/professions).'),
  stage: idParameter('career stage')
    .optional()
    .describe('Only schemes at this career stage (an id from /api/v1/stages).'),
  funder: idParameter('funder').optional().describe('Only schemes this funder pays for.'),
  ...paginationQuery,
  pageSize: paginationQuery.pageSize.default(100),
})

export const searchQuery = z.strictObject({
  q: z
    .string({ error: 'must be the words to search for' })
    .trim()
    .min(1, 'must be the words to search for')
    .max(200, 'must be 200 characters or fewer')
    .describe('Words to search for. Quotes match a phrase; a minus sign excludes a word.'),
  ...paginationQuery,
})

export const idParams = (name: string, what: string) => z.strictObject({ [name]: idParameter(what) })
