import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { buildPagination } from '../../platform/views/pagination.ts'
import { isOpen } from './organisation.ts'
import { odsCodeParams, organisationQuery } from './organisation-schemas.ts'

/** Anyone may read the catalogue; its pages are cached until it changes. */
const cached = { config: { cacheUntilCatalogueChanges: true, policy: publicPolicy } }

const pageQuery = organisationQuery.extend({
  // The page's region menu sends an empty value for "All regions".
  region: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(organisationQuery.shape.region),
  pageSize: organisationQuery.shape.pageSize.default(25),
})

/** NHS organisations: find one by name, code, postcode or region, and see what Trellis knows of it. */
export function registerOrganisationPages(app: FastifyInstance, { organisations }: Services): void {
  app.get('/organisations', cached, async (request, reply) => {
    const query = parseParameters(pageQuery, request.query, 'query')
    const [result, regions] = await Promise.all([
      organisations.findOrganisations(
        {
          ...(query.q === undefined ? {} : { query: query.q }),
          ...(query.region === undefined ? {} : { regionCode: query.region }),
        },
        query.page,
        query.pageSize,
      ),
      organisations.listRegions(),
    ])
    const hrefFor = (page: number) => {
      const params = new URLSearchParams()
      if (query.q !== undefined && query.q !== '') params.set('q', query.q)
      if (query.region !== undefined) params.set('region', query.region)
      params.set('page', String(page))
      return `/organisations?${params.toString()}`
    }
    const today = new Date().toISOString().slice(0, 10)
    return reply.view('organisations/views/organisations.njk', {
      pageTitle: 'NHS organisations',
      section: 'organisations',
      query,
      regions,
      result,
      openById: Object.fromEntries(result.organisations.map((o) => [o.id, isOpen(o, today)])),
      pagination: buildPagination(result.page, result.pageCount, hrefFor),
    })
  })

  app.get('/organisations/:odsCode', cached, async (request, reply) => {
    const { odsCode } = parseParameters(odsCodeParams, request.params, 'path')
    const organisation = await organisations.getOrganisation(odsCode)
    if (organisation === null)
      throw new NotFoundError(`There is no NHS organisation with the ODS code "${odsCode}".`)
    return reply.view('organisations/views/organisation.njk', {
      pageTitle: organisation.name,
      section: 'organisations',
      organisation,
      isOpen: isOpen(organisation, new Date().toISOString().slice(0, 10)),
    })
  })
}
