import { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, paginatedResponse, type ApiRoute } from '../../platform/http/api-routes.ts'
import { BadRequestError, NotFoundError, type InvalidParam } from '../../platform/http/problem.ts'
import { highlightStart, highlightStop } from '../../platform/views/search-highlight.ts'
import type { Fact, Profession, Scheme, Source, Stage } from './catalogue.ts'
import {
  factResponse,
  idParams,
  professionResponse,
  schemeResponse,
  schemesQuery,
  searchQuery,
  searchResultResponse,
  sourceResponse,
  stageResponse,
} from './catalogue-schemas.ts'
import { loadSourceIndex, type CatalogueService } from './catalogue-service.ts'

type SourceIndex = Record<string, Source>

export function toSourceResponses(
  ids: readonly string[],
  sources: SourceIndex,
): z.infer<typeof sourceResponse>[] {
  return ids.flatMap((id) => {
    const source = sources[id]
    return source === undefined
      ? []
      : [{ id, title: source.title, publisher: source.publisher, url: source.url, document: source.seedFile }]
  })
}

export function toFactResponse(fact: Fact | null, sources: SourceIndex): z.infer<typeof factResponse> | null {
  return fact === null
    ? null
    : { text: fact.text, status: fact.status, sources: toSourceResponses(fact.sources, sources) }
}

/**
 * Checks that an id given as a filter names something, so that `?profession=nures` is a 400 that lists
 * what is allowed rather than an empty list that looks like an answer.
 */
export function findUnknownId(
  parameter: string,
  value: string | undefined,
  known: readonly { id: string }[],
): InvalidParam[] {
  if (value === undefined || known.some((item) => item.id === value)) return []
  return [
    {
      name: parameter,
      reason: `"${value}" is not known; allowed values: ${known.map((item) => item.id).join(', ')}`,
    },
  ]
}

export function catalogueApiRoutes({ catalogue }: Services): ApiRoute[] {
  const professionToResponse = async (professions: Profession[], sources: SourceIndex) => {
    const [groups, pathways] = await Promise.all([catalogue.listProfessionGroups(), catalogue.listPathways()])
    return professions.map((p) => ({
      id: p.id,
      name: p.name,
      plural: p.plural,
      group: { id: p.groupId, name: groups.find((g) => g.id === p.groupId)?.name ?? p.groupId },
      description: p.description,
      isMedicalOrDental: p.isMedicalOrDental,
      registrations: p.registrations.map((r) => ({
        regulator: r.regulator,
        register: r.register ?? null,
        format: r.format,
        pattern: r.pattern,
        example: r.example ?? null,
        status: r.status,
        sources: toSourceResponses(r.sources, sources),
      })),
      pathways: pathways
        .filter((pathway) => pathway.professionIds.includes(p.id))
        .map((pathway) => pathway.id),
      status: p.status,
      sources: toSourceResponses(p.sources, sources),
    }))
  }

  const stageToResponse = (s: Stage, sources: SourceIndex) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    position: s.position,
    status: s.status,
    sources: toSourceResponses(s.sources, sources),
  })

  const schemesToResponse = async (schemes: Scheme[], sources: SourceIndex) => {
    const funders = new Map((await catalogue.listFunders()).map((f) => [f.id, f]))
    return schemes.map((s) => ({
      id: s.id,
      name: s.name,
      abbreviation: s.abbreviation,
      formerNames: s.formerNames.map((f) => ({
        name: f.name,
        note: f.note ?? null,
        status: f.status,
        sources: toSourceResponses(f.sources, sources),
      })),
      isCurrent: s.isCurrent,
      replacedBy: s.replacedBy,
      summary: s.summary,
      funders: s.funderIds.map((id) => ({ id, name: funders.get(id)?.name ?? id })),
      stages: [...s.stageIds],
      professions: [...s.professionIds],
      eligibility: toFactResponse(s.eligibility, sources),
      duration: toFactResponse(s.duration, sources),
      funds: toFactResponse(s.funds, sources),
      url: s.url,
      status: s.status,
      sources: toSourceResponses(s.sources, sources),
    }))
  }

  return [
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/professions',
      operationId: 'listProfessions',
      summary: 'Registered professions, with their regulators and registration-number formats',
      tag: 'Careers',
      response: z.object({ items: z.array(professionResponse) }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async () => {
        const [professions, sources] = await Promise.all([
          catalogue.listProfessions(),
          loadSourceIndex(catalogue),
        ])
        return { items: await professionToResponse(professions, sources) }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/professions/:professionId',
      operationId: 'getProfession',
      summary: 'One profession',
      tag: 'Careers',
      params: idParams('professionId', 'profession'),
      response: professionResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const id = String(params.professionId)
        const profession = await catalogue.findProfession(id)
        if (profession === null) throw new NotFoundError(`There is no profession "${id}".`)
        const [response] = await professionToResponse([profession], await loadSourceIndex(catalogue))
        return response!
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/stages',
      operationId: 'listStages',
      summary: 'The career stages shared by every profession, in order',
      tag: 'Careers',
      response: z.object({ items: z.array(stageResponse) }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async () => {
        const [stages, sources] = await Promise.all([catalogue.listStages(), loadSourceIndex(catalogue)])
        return { items: stages.map((s) => stageToResponse(s, sources)) }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/schemes',
      operationId: 'listSchemes',
      summary: 'Funded schemes, optionally for one profession, career stage or funder',
      description: 'Current schemes come first; closed or replaced schemes follow, with what replaced them.',
      tag: 'Careers',
      query: schemesQuery,
      response: paginatedResponse(schemeResponse),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async ({ query }) => {
        await checkSchemeFilters(catalogue, query)
        const [schemes, sources] = await Promise.all([
          catalogue.listSchemes({
            ...(query.profession === undefined ? {} : { professionId: query.profession }),
            ...(query.stage === undefined ? {} : { stageId: query.stage }),
            ...(query.funder === undefined ? {} : { funderId: query.funder }),
          }),
          loadSourceIndex(catalogue),
        ])
        const start = (query.page - 1) * query.pageSize
        return {
          items: await schemesToResponse(schemes.slice(start, start + query.pageSize), sources),
          page: query.page,
          pageSize: query.pageSize,
          total: schemes.length,
          pageCount: Math.max(1, Math.ceil(schemes.length / query.pageSize)),
        }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/schemes/:schemeId',
      operationId: 'getScheme',
      summary: 'One funded scheme',
      tag: 'Careers',
      params: idParams('schemeId', 'scheme'),
      response: schemeResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const id = String(params.schemeId)
        const scheme = await catalogue.findScheme(id)
        if (scheme === null) throw new NotFoundError(`There is no scheme "${id}".`)
        const [response] = await schemesToResponse([scheme], await loadSourceIndex(catalogue))
        return response!
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/funders',
      operationId: 'listFunders',
      summary: 'Funders of clinical research training',
      tag: 'Careers',
      response: z.object({
        items: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            abbreviation: z.string().nullable(),
            url: z.string().nullable(),
            description: z.string(),
            status: z.enum(['verified', 'unverified']),
            sources: z.array(sourceResponse),
          }),
        ),
      }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async () => {
        const [funders, sources] = await Promise.all([catalogue.listFunders(), loadSourceIndex(catalogue)])
        return {
          items: funders.map((f) => ({
            id: f.id,
            name: f.name,
            abbreviation: f.abbreviation,
            url: f.url,
            description: f.description,
            status: f.status,
            sources: toSourceResponses(f.sources, sources),
          })),
        }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/sources',
      operationId: 'listSources',
      summary: 'Every source the catalogue cites',
      tag: 'Careers',
      response: z.object({ items: z.array(sourceResponse.extend({ note: z.string().nullable() })) }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async () => ({
        items: (await catalogue.listSources()).map((s) => ({
          id: s.id,
          title: s.title,
          publisher: s.publisher,
          url: s.url,
          document: s.seedFile,
          note: s.note,
        })),
      }),
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/search',
      operationId: 'search',
      summary:
        'Search everything: professions, schemes, funders, the framework, programmes, modules, organisations',
      description: 'PostgreSQL full-text search, best match first.',
      tag: 'Search',
      query: searchQuery,
      response: paginatedResponse(searchResultResponse).extend({ query: z.string() }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async ({ query }) => {
        const page = await catalogue.search(query.q, query.page, query.pageSize)
        return {
          query: page.query,
          items: page.results.map((r) => ({
            kind: r.kind,
            kindLabel: r.kindLabel,
            id: r.id,
            title: r.title,
            url: r.path,
            matched: r.highlighted.replaceAll(highlightStart, '[').replaceAll(highlightStop, ']'),
            status: r.status,
            rank: r.rank,
          })),
          page: page.page,
          pageSize: page.pageSize,
          total: page.total,
          pageCount: page.pageCount,
        }
      },
    }),
  ] as ApiRoute[]
}

/** The filters of the schemes list, on the API and the page alike. */
export async function checkSchemeFilters(
  catalogue: CatalogueService,
  query: { profession?: string | undefined; stage?: string | undefined; funder?: string | undefined },
): Promise<void> {
  const [professions, stages, funders] = await Promise.all([
    query.profession === undefined ? [] : catalogue.listProfessions(),
    query.stage === undefined ? [] : catalogue.listStages(),
    query.funder === undefined ? [] : catalogue.listFunders(),
  ])
  const problems = [
    ...findUnknownId('profession', query.profession, professions),
    ...findUnknownId('stage', query.stage, stages),
    ...findUnknownId('funder', query.funder, funders),
  ]
  if (problems.length > 0) throw new BadRequestError(problems)
}
