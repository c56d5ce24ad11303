import type { FastifyInstance } from 'fastify'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { idParams, loadSourceIndex, sumKnownCredits } from '../catalogue/index.ts'
import { frameworkRulesFrom } from './credit-rules.ts'
import { buildProgressionDiagram } from './framework-diagram.ts'
import { checkProgramme, programmeToCheck, type AlignmentStatus } from './programme-alignment.ts'

/** How each verdict is shown: an NHS.UK tag's words and colour. */
const alignmentTags: Readonly<Record<AlignmentStatus, { text: string; colour: string }>> = {
  aligned: { text: 'Aligned', colour: 'green' },
  'not-aligned': { text: 'Not aligned', colour: 'red' },
  'cannot-check': { text: 'Cannot be checked', colour: 'grey' },
}

function sentenceCase(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}

/** Anyone may read the catalogue; its pages are cached until it changes. */
const cached = { config: { cacheUntilCatalogueChanges: true, policy: publicPolicy } }

/** The Clinician Researcher Credentials Framework, and its universities, programmes and modules. */
export function registerFrameworkPages(app: FastifyInstance, { catalogue }: Services): void {
  const requireFramework = async () => {
    const framework = await catalogue.findFramework()
    if (framework === null) throw new NotFoundError('The Credentials Framework has not been loaded.')
    return framework
  }
  const byId = <T extends { id: string }>(items: readonly T[]) =>
    Object.fromEntries(items.map((item) => [item.id, item]))

  app.get('/framework', cached, async (_request, reply) => {
    const [framework, providers, programmes, sources] = await Promise.all([
      requireFramework(),
      catalogue.listProviders(),
      catalogue.listProgrammes(),
      loadSourceIndex(catalogue),
    ])
    return reply.view('framework/views/framework.njk', {
      pageTitle: framework.name,
      section: 'framework',
      framework,
      diagram: buildProgressionDiagram(framework.levels, framework.roles),
      rolesById: byId(framework.roles),
      kindsById: byId(framework.moduleKinds),
      levelsById: byId(framework.levels),
      providers: providers.map((provider) => ({
        provider,
        programmes: programmes.filter((programme) => programme.providerId === provider.id),
      })),
      sources,
    })
  })

  app.get('/framework/universities/:providerId', cached, async (request, reply) => {
    const { providerId } = parseParameters(idParams('providerId', 'university'), request.params, 'path')
    const provider = await catalogue.findProvider(String(providerId))
    if (provider === null)
      throw new NotFoundError(`There is no university "${String(providerId)}" in the framework.`)
    const [framework, programmes, modules, sources] = await Promise.all([
      requireFramework(),
      catalogue.listProgrammes({ providerId: provider.id }),
      catalogue.listModules({ providerId: provider.id }),
      loadSourceIndex(catalogue),
    ])
    return reply.view('framework/views/university.njk', {
      pageTitle: provider.name,
      section: 'framework',
      provider,
      programmes,
      modules,
      kindsById: byId(framework.moduleKinds),
      levelsById: byId(framework.levels),
      sources,
    })
  })

  app.get('/framework/programmes/:programmeId', cached, async (request, reply) => {
    const { programmeId } = parseParameters(idParams('programmeId', 'programme'), request.params, 'path')
    const programme = await catalogue.findProgramme(String(programmeId))
    if (programme === null)
      throw new NotFoundError(`There is no programme "${String(programmeId)}" in the framework.`)
    const [framework, provider, modules, sources] = await Promise.all([
      requireFramework(),
      catalogue.findProvider(programme.providerId),
      catalogue.listModules({ providerId: programme.providerId }),
      loadSourceIndex(catalogue),
    ])
    const modulesById = byId(modules)
    const listed = programme.modules.flatMap((entry) => {
      const module = modulesById[entry.moduleId]
      return module === undefined ? [] : [{ module, compulsory: entry.compulsory }]
    })
    // Pure and cheap, and the page is cached until the catalogue changes: checked each time it is built.
    const rules = frameworkRulesFrom(framework)
    const alignment = checkProgramme(rules, programmeToCheck(programme, modules))
    return reply.view('framework/views/programme.njk', {
      pageTitle: programme.name,
      section: 'framework',
      programme,
      provider,
      level: framework.levels.find((level) => level.id === programme.awardLevelId),
      levelRules: rules.levels.find((level) => level.id === programme.awardLevelId),
      alignment: {
        tag: alignmentTags[alignment.status],
        summary: `${sentenceCase(alignment.summary)}.`,
        violations: alignment.violations,
        unknowns: alignment.unknowns.map(sentenceCase),
      },
      listed,
      listedCredits: sumKnownCredits(listed.map((entry) => entry.module.credits)),
      kindsById: byId(framework.moduleKinds),
      sources,
    })
  })

  app.get('/framework/modules/:moduleId', cached, async (request, reply) => {
    const { moduleId } = parseParameters(idParams('moduleId', 'module'), request.params, 'path')
    const module = await catalogue.findModule(String(moduleId))
    if (module === null) throw new NotFoundError(`There is no module "${String(moduleId)}" in the framework.`)
    const [framework, provider, programmes, sources] = await Promise.all([
      requireFramework(),
      catalogue.findProvider(module.providerId),
      catalogue.listProgrammes({ moduleId: module.id }),
      loadSourceIndex(catalogue),
    ])
    const kind = framework.moduleKinds.find((k) => k.id === module.kind)
    return reply.view('framework/views/module.njk', {
      pageTitle: module.name,
      section: 'framework',
      module,
      provider,
      kind,
      hoursPerCredit: framework.hoursPerCredit,
      programmes: programmes.map((programme) => ({
        programme,
        compulsory: programme.modules.find((entry) => entry.moduleId === module.id)?.compulsory ?? false,
        level: framework.levels.find((level) => level.id === programme.awardLevelId),
      })),
      sources,
    })
  })
}
