import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { loadSourceIndex } from '../catalogue/index.ts'

/** Anyone may read the catalogue; its pages are cached until it changes. */
const cached = { config: { cacheUntilCatalogueChanges: true, policy: publicPolicy } }
const professionParams = z.strictObject({ professionId: z.string().max(100) })
const stageParams = z.strictObject({ professionId: z.string().max(100), stageId: z.string().max(100) })

/** The start of the journey: the home page, choosing a profession, and that profession's pathway by stage. */
export function registerPathwayPages(app: FastifyInstance, { catalogue, pathways }: Services): void {
  app.get('/', cached, async (_request, reply) => {
    const [groups, stages, framework] = await Promise.all([
      pathways.listProfessionsByGroup(),
      catalogue.listStages(),
      catalogue.findFramework(),
    ])
    return reply.view('pathways/views/home.njk', {
      pageTitle: 'Find your route into clinical research',
      groups,
      stages,
      framework,
    })
  })

  app.get('/professions', cached, async (_request, reply) => {
    const groups = await pathways.listProfessionsByGroup()
    return reply.view('pathways/views/professions.njk', {
      pageTitle: 'Explore clinical research careers by profession',
      section: 'professions',
      groups,
    })
  })

  app.get('/professions/:professionId', cached, async (request, reply) => {
    const { professionId } = parseParameters(professionParams, request.params, 'path')
    const pathway = await pathways.findProfessionPathway(professionId)
    if (pathway === null) throw new NotFoundError(`There is no profession "${professionId}" in Trellis.`)
    const [sources, funders, regulators] = await Promise.all([
      loadSourceIndex(catalogue),
      catalogue.listFunders(),
      catalogue.listRegulators(),
    ])
    return reply.view('pathways/views/profession.njk', {
      pageTitle: `Clinical research careers for ${pathway.profession.plural}`,
      section: 'professions',
      pathway,
      sources,
      funders: Object.fromEntries(funders.map((funder) => [funder.id, funder])),
      regulators: Object.fromEntries(regulators.map((regulator) => [regulator.id, regulator])),
    })
  })

  app.get('/professions/:professionId/stages/:stageId', cached, async (request, reply) => {
    const { professionId, stageId } = parseParameters(stageParams, request.params, 'path')
    const pathway = await pathways.findProfessionPathway(professionId)
    if (pathway === null) throw new NotFoundError(`There is no profession "${professionId}" in Trellis.`)
    const index = pathway.stages.findIndex((entry) => entry.stage.id === stageId)
    const stage = pathway.stages[index]
    if (stage === undefined) {
      const exists = (await catalogue.findStage(stageId)) !== null
      throw new NotFoundError(
        exists
          ? `Trellis holds nothing for ${pathway.profession.plural} at the stage "${stageId}".`
          : `There is no career stage "${stageId}" in Trellis.`,
      )
    }
    const [sources, funders] = await Promise.all([loadSourceIndex(catalogue), catalogue.listFunders()])
    return reply.view('pathways/views/stage.njk', {
      pageTitle: `${stage.stage.name}: ${pathway.profession.plural}`,
      section: 'professions',
      pathway,
      entry: stage,
      previous: pathway.stages[index - 1],
      next: pathway.stages[index + 1],
      sources,
      funders: Object.fromEntries(funders.map((funder) => [funder.id, funder])),
    })
  })
}
