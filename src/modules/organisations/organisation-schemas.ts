import { z } from 'zod'
import { paginationQuery } from '../../platform/http/api-routes.ts'

export const organisationQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .max(100, 'must be 100 characters or fewer')
    .optional()
    .describe('Words of the name, an ODS code or a postcode.'),
  region: z
    .string()
    .regex(/^[A-Z]\d{2}$/, 'must be a region code such as Y56 (London); see the regions in each organisation')
    .optional()
    .describe('An NHS England region code (ODS national grouping), such as Y56 for London; W00 is Wales.'),
  ...paginationQuery,
})

export const odsCodeParams = z.strictObject({
  odsCode: z
    .string()
    .regex(/^[A-Za-z0-9]{3,5}$/, 'must be an ODS code: 3 to 5 letters or digits, such as RJ1')
    .describe("The organisation's ODS code."),
})

export const organisationResponse = z.object({
  odsCode: z.string(),
  kind: z.enum(['nhs-trust', 'university', 'framework']),
  name: z.string(),
  officialName: z.string().describe('The name as the Organisation Data Service publishes it'),
  region: z.object({ code: z.string(), name: z.string() }).nullable(),
  icbCode: z.string().nullable().describe('The integrated care board (high-level health geography) code'),
  address: z.array(z.string()),
  postcode: z.string().nullable(),
  openedOn: z.string().nullable(),
  closedOn: z.string().nullable(),
  isOpen: z.boolean(),
})
