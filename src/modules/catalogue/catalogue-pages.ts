import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { buildPagination } from '../../platform/views/pagination.ts'
import { healthcareScienceGroupId } from './catalogue.ts'
import { checkSchemeFilters } from './catalogue-api.ts'
import { idParams, searchQuery } from './catalogue-schemas.ts'
import { loadSourceIndex } from './catalogue-service.ts'

/** Anyone may read the catalogue; its pages are cached until it changes. */
const cached = { config: { cacheUntilCatalogueChanges: true, policy: publicPolicy } }

/** An empty choice in the filter form arrives as `profession=`: treat it as no filter. */
const optionalFilter = z
  .string()
  .max(100)
  .optional()
  .transform((value) => (value === '' ? undefined : value))

const schemesPageQuery = z.strictObject({
  profession: optionalFilter,
  stage: optionalFilter,
  funder: optionalFilter,
})

const searchPageQuery = searchQuery.extend({
  q: z.string().trim().max(200, 'must be 200 characters or fewer').default(''),
  pageSize: searchQuery.shape.pageSize.default(20),
})

/** Pages for the catalogue itself: schemes, funders, regulators, sources, healthcare science, culture, search. */
export function registerCataloguePages(app: FastifyInstance, { catalogue }: Services): void {
  const byId = <T extends { id: string }>(items: readonly T[]) =>
    Object.fromEntries(items.map((item) => [item.id, item]))

  app.get('/schemes', cached, async (request, reply) => {
    const query = parseParameters(schemesPageQuery, request.query, 'query')
    await checkSchemeFilters(catalogue, query)
    const [schemes, professions, stages, funders, sources] = await Promise.all([
      catalogue.listSchemes({
        ...(query.profession === undefined ? {} : { professionId: query.profession }),
        ...(query.stage === undefined ? {} : { stageId: query.stage }),
        ...(query.funder === undefined ? {} : { funderId: query.funder }),
      }),
      catalogue.listProfessions(),
      catalogue.listStages(),
      catalogue.listFunders(),
      loadSourceIndex(catalogue),
    ])
    const stagesWithSchemes = stages
      .map((stage) => ({ stage, schemes: schemes.filter((scheme) => scheme.stageIds.includes(stage.id)) }))
      .filter(
        (entry) => entry.schemes.length > 0 && (query.stage === undefined || entry.stage.id === query.stage),
      )
    return reply.view('catalogue/views/schemes.njk', {
      pageTitle: 'Funded schemes for clinical research training',
      section: 'schemes',
      query,
      total: schemes.length,
      stagesWithSchemes,
      professions,
      stages,
      funders,
      fundersById: byId(funders),
      professionsById: byId(professions),
      stagesById: byId(stages),
      sources,
    })
  })

  app.get('/schemes/:schemeId', cached, async (request, reply) => {
    const { schemeId } = parseParameters(idParams('schemeId', 'scheme'), request.params, 'path')
    const scheme = await catalogue.findScheme(String(schemeId))
    if (scheme === null)
      throw new NotFoundError(`There is no funded scheme "${String(schemeId)}" in Trellis.`)
    const [professions, stages, funders, sources, replacement, replaced] = await Promise.all([
      catalogue.listProfessions(),
      catalogue.listStages(),
      catalogue.listFunders(),
      loadSourceIndex(catalogue),
      scheme.replacedBy === null ? null : catalogue.findScheme(scheme.replacedBy),
      catalogue.listSchemes().then((all) => all.filter((other) => other.replacedBy === scheme.id)),
    ])
    return reply.view('catalogue/views/scheme.njk', {
      pageTitle: scheme.name,
      section: 'schemes',
      scheme,
      replacement,
      replaced,
      professions: professions.filter((p) => scheme.professionIds.includes(p.id)),
      allProfessionsCount: professions.length,
      stages: stages.filter((s) => scheme.stageIds.includes(s.id)),
      fundersById: byId(funders),
      sources,
    })
  })

  app.get('/funders/:funderId', cached, async (request, reply) => {
    const { funderId } = parseParameters(idParams('funderId', 'funder'), request.params, 'path')
    const funder = await catalogue.findFunder(String(funderId))
    if (funder === null) throw new NotFoundError(`There is no funder "${String(funderId)}" in Trellis.`)
    const [schemes, funders, sources] = await Promise.all([
      catalogue.listSchemes({ funderId: funder.id }),
      catalogue.listFunders(),
      loadSourceIndex(catalogue),
    ])
    return reply.view('catalogue/views/funder.njk', {
      pageTitle: funder.name,
      section: 'schemes',
      funder,
      schemes,
      fundersById: byId(funders),
      sources,
    })
  })

  app.get('/regulators', cached, async (_request, reply) => {
    const [regulators, professions, sources] = await Promise.all([
      catalogue.listRegulators(),
      catalogue.listProfessions(),
      loadSourceIndex(catalogue),
    ])
    return reply.view('catalogue/views/regulators.njk', {
      pageTitle: 'Regulators and registration numbers',
      regulators: regulators.map((regulator) => ({
        regulator,
        registrations: professions.flatMap((profession) =>
          profession.registrations
            .filter((registration) => registration.regulator === regulator.id)
            .map((registration) => ({ profession, registration })),
        ),
      })),
      sources,
    })
  })

  app.get('/sources', cached, async (_request, reply) => {
    const sources = await catalogue.listSources()
    return reply.view('catalogue/views/sources.njk', {
      pageTitle: 'Where our information comes from',
      seeds: sources.filter((source) => source.seedFile !== null),
      pages: sources.filter((source) => source.url !== null),
    })
  })

  app.get('/healthcare-science', cached, async (_request, reply) => {
    const [healthcareScience, stages, schemes, professions, funders, sources] = await Promise.all([
      catalogue.findHealthcareScience(),
      catalogue.listStages(),
      catalogue.listSchemes(),
      catalogue.listProfessions(),
      catalogue.listFunders(),
      loadSourceIndex(catalogue),
    ])
    if (healthcareScience === null)
      throw new NotFoundError('The healthcare-science catalogue has not been loaded.')
    const scientists = professions.filter((p) => p.groupId === healthcareScienceGroupId)
    const scientistIds = new Set(scientists.map((p) => p.id))
    return reply.view('catalogue/views/healthcare-science.njk', {
      pageTitle: 'Healthcare science careers and research',
      section: 'healthcare-science',
      hcs: healthcareScience,
      divisionsById: byId(healthcareScience.divisions),
      stagesById: byId(stages),
      professions: scientists,
      // Routes written for healthcare scientists alone (STP, HSST, equivalence), not schemes open to everyone.
      routes: schemes.filter(
        (s) => s.professionIds.length > 0 && s.professionIds.every((id) => scientistIds.has(id)),
      ),
      fundersById: byId(funders),
      sources,
    })
  })

  app.get('/research-culture', cached, async (_request, reply) => {
    const [culture, sources] = await Promise.all([
      catalogue.findResearchCulture(),
      loadSourceIndex(catalogue),
    ])
    if (culture === null) throw new NotFoundError('The research-culture catalogue has not been loaded.')
    return reply.view('catalogue/views/research-culture.njk', {
      pageTitle: 'Embedding a research culture in NHS organisations',
      section: 'research-culture',
      culture,
      sources,
    })
  })

  app.get('/search', cached, async (request, reply) => {
    const query = parseParameters(searchPageQuery, request.query, 'query')
    const results = query.q === '' ? null : await catalogue.search(query.q, query.page, query.pageSize)
    const hrefFor = (page: number) =>
      `/search?${new URLSearchParams({ q: query.q, page: String(page) }).toString()}`
    return reply.view('catalogue/views/search.njk', {
      pageTitle: query.q === '' ? 'Search Trellis' : `Search results for “${query.q}”`,
      query: query.q,
      results,
      pagination: results === null ? null : buildPagination(results.page, results.pageCount, hrefFor),
    })
  })
}
