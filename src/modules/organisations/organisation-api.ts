import type { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, paginatedResponse, type ApiRoute } from '../../platform/http/api-routes.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { isOpen, type Organisation } from './organisation.ts'
import { odsCodeParams, organisationQuery, organisationResponse } from './organisation-schemas.ts'

/** Today's date as YYYY-MM-DD, for whether an organisation has closed. */
const today = () => new Date().toISOString().slice(0, 10)

export function toOrganisationResponse(o: Organisation, on: string): z.infer<typeof organisationResponse> {
  return {
    odsCode: o.id,
    kind: o.kind,
    name: o.name,
    officialName: o.officialName,
    region: o.regionCode === null ? null : { code: o.regionCode, name: o.regionName ?? o.regionCode },
    icbCode: o.icbCode,
    address: [...o.addressLines],
    postcode: o.postcode,
    openedOn: o.openedOn,
    closedOn: o.closedOn,
    isOpen: isOpen(o, on),
  }
}

export function organisationApiRoutes({ organisations }: Services): ApiRoute[] {
  return [
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/organisations',
      operationId: 'listOrganisations',
      summary: 'NHS organisations (trusts from the ODS list), optionally matching words, a code or a region',
      description:
        'Open organisations first, then by name. Contains public sector information licensed under the Open Government Licence v3.0.',
      tag: 'Organisations',
      query: organisationQuery,
      response: paginatedResponse(organisationResponse),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async ({ query }) => {
        const result = await organisations.findOrganisations(
          {
            ...(query.q === undefined ? {} : { query: query.q }),
            ...(query.region === undefined ? {} : { regionCode: query.region }),
          },
          query.page,
          query.pageSize,
        )
        const on = today()
        return {
          items: result.organisations.map((o) => toOrganisationResponse(o, on)),
          page: result.page,
          pageSize: result.pageSize,
          total: result.total,
          pageCount: result.pageCount,
        }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/organisations/:odsCode',
      operationId: 'getOrganisation',
      summary: 'One NHS organisation by its ODS code',
      tag: 'Organisations',
      params: odsCodeParams,
      response: organisationResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const organisation = await organisations.getOrganisation(params.odsCode)
        if (organisation === null)
          throw new NotFoundError(`There is no organisation with the ODS code "${params.odsCode}".`)
        return toOrganisationResponse(organisation, today())
      },
    }),
  ] as ApiRoute[]
}
