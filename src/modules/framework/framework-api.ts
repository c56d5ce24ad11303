import { z } from 'zod'
import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, type ApiRoute } from '../../platform/http/api-routes.ts'
import { NotFoundError } from '../../platform/http/problem.ts'
import {
  factResponse,
  idParams,
  loadSourceIndex,
  sourceResponse,
  statusResponse,
  toFactResponse,
  toSourceResponses,
  type Module,
  type Programme,
  type Provider,
  type Source,
} from '../catalogue/index.ts'
import { frameworkEvaluateApiRoutes } from './framework-evaluate-api.ts'

const numericFactResponse = z.object({
  value: z.number(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

const compositionResponse = z.object({
  description: z.string(),
  parts: z.array(
    z.object({
      kind: z.enum(['online', 'rpe', 'dissertation']),
      count: z.number().int(),
      creditsEach: z
        .number()
        .int()
        .nullable()
        .describe('null where the framework leaves the credits to the university'),
    }),
  ),
})

const frameworkResponse = z.object({
  id: z.string(),
  name: z.string(),
  summary: z.string(),
  audience: factResponse,
  hoursPerCredit: numericFactResponse,
  partTimeMonthsPerLevel: numericFactResponse,
  fullMastersPartTimeYears: numericFactResponse,
  moduleKinds: z.array(
    z.object({
      id: z.enum(['online', 'rpe', 'dissertation']),
      name: z.string(),
      description: z.string(),
      creditOptions: z.array(z.number().int()),
      status: statusResponse,
      sources: z.array(sourceResponse),
    }),
  ),
  roles: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      status: statusResponse,
      sources: z.array(sourceResponse),
    }),
  ),
  levels: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      abbreviation: z.string(),
      credits: z.number().int().describe('Credits this level adds'),
      cumulativeCredits: z.number().int().describe('Credits held in all on completing this level'),
      minimumLevel7Credits: numericFactResponse,
      learningHours: z.number().int(),
      entryRequires: z.string().nullable().describe('The level to hold first, or an approved equivalent'),
      entry: factResponse,
      compositions: z
        .array(compositionResponse)
        .describe('Ways the level may be made up; any one satisfies it'),
      prepares: z.array(z.string()).describe('Ids of the research roles this level prepares for'),
      aim: factResponse,
      firstCohort: factResponse.nullable(),
      status: statusResponse,
      sources: z.array(sourceResponse),
    }),
  ),
  fees: factResponse,
  bursaries: factResponse,
  entryRequirements: factResponse,
  priorLearning: factResponse,
  evaluation: factResponse,
  enquiries: factResponse,
  status: statusResponse,
  sources: z.array(sourceResponse),
})

const moduleResponse = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  kind: z.enum(['online', 'rpe', 'dissertation']),
  credits: z
    .number()
    .int()
    .nullable()
    .describe('null: the source does not state the credits (unknown, never guessed)'),
  description: z.string().nullable(),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

const programmeResponse = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  award: z.string().describe('The framework level this programme awards'),
  description: z.string(),
  launched: factResponse.nullable(),
  modules: z.array(z.object({ module: z.string(), compulsory: z.boolean() })),
  options: z.array(
    z.object({
      choose: z.number().int(),
      creditsEach: z.number().int().nullable(),
      description: z.string(),
      topics: z.array(z.string()),
      status: statusResponse,
      sources: z.array(sourceResponse),
    }),
  ),
  notes: z.array(factResponse),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

const providerResponse = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  priorLearning: factResponse.nullable(),
  programmes: z.array(programmeResponse),
  modules: z.array(moduleResponse),
  status: statusResponse,
  sources: z.array(sourceResponse),
})

type Sources = Record<string, Source>

function toModuleResponse(m: Module, sources: Sources): z.infer<typeof moduleResponse> {
  return {
    id: m.id,
    provider: m.providerId,
    name: m.name,
    kind: m.kind,
    credits: m.credits,
    description: m.description,
    status: m.status,
    sources: toSourceResponses(m.sources, sources),
  }
}

function toProgrammeResponse(p: Programme, sources: Sources): z.infer<typeof programmeResponse> {
  return {
    id: p.id,
    provider: p.providerId,
    name: p.name,
    award: p.awardLevelId,
    description: p.description,
    launched: toFactResponse(p.launched, sources),
    modules: p.modules.map((m) => ({ module: m.moduleId, compulsory: m.compulsory })),
    options: p.options.map((o) => ({
      choose: o.choose,
      creditsEach: o.creditsEach,
      description: o.description,
      topics: [...o.topics],
      status: o.status,
      sources: toSourceResponses(o.sources, sources),
    })),
    notes: p.notes.map((n) => toFactResponse(n, sources)!),
    status: p.status,
    sources: toSourceResponses(p.sources, sources),
  }
}

function toProviderResponse(
  provider: Provider,
  programmes: readonly Programme[],
  modules: readonly Module[],
  sources: Sources,
): z.infer<typeof providerResponse> {
  return {
    id: provider.id,
    name: provider.name,
    description: provider.description,
    priorLearning: toFactResponse(provider.priorLearning, sources),
    programmes: programmes
      .filter((p) => p.providerId === provider.id)
      .map((p) => toProgrammeResponse(p, sources)),
    modules: modules.filter((m) => m.providerId === provider.id).map((m) => toModuleResponse(m, sources)),
    status: provider.status,
    sources: toSourceResponses(provider.sources, sources),
  }
}

export function frameworkApiRoutes({ catalogue }: Services): ApiRoute[] {
  return [
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/framework',
      operationId: 'getFramework',
      summary: 'The Clinician Researcher Credentials Framework: levels with credits and composition rules',
      tag: 'Credentials Framework',
      response: frameworkResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async () => {
        const [framework, sources] = await Promise.all([
          catalogue.findFramework(),
          loadSourceIndex(catalogue),
        ])
        if (framework === null) throw new NotFoundError('The Credentials Framework has not been loaded.')
        const fact = (f: Parameters<typeof toFactResponse>[0]) => toFactResponse(f, sources)!
        const numeric = (f: {
          value: number
          status: 'verified' | 'unverified'
          sources: readonly string[]
        }) => ({
          value: f.value,
          status: f.status,
          sources: toSourceResponses(f.sources, sources),
        })
        return {
          id: framework.id,
          name: framework.name,
          summary: framework.summary,
          audience: fact(framework.audience),
          hoursPerCredit: numeric(framework.hoursPerCredit),
          partTimeMonthsPerLevel: numeric(framework.partTimeMonthsPerLevel),
          fullMastersPartTimeYears: numeric(framework.fullMastersPartTimeYears),
          moduleKinds: framework.moduleKinds.map((k) => ({
            id: k.id,
            name: k.name,
            description: k.description,
            creditOptions: [...k.creditOptions],
            status: k.status,
            sources: toSourceResponses(k.sources, sources),
          })),
          roles: framework.roles.map((r) => ({
            id: r.id,
            name: r.name,
            description: r.description,
            status: r.status,
            sources: toSourceResponses(r.sources, sources),
          })),
          levels: framework.levels.map((l) => ({
            id: l.id,
            name: l.name,
            abbreviation: l.abbreviation,
            credits: l.credits,
            cumulativeCredits: l.cumulativeCredits,
            minimumLevel7Credits: numeric(l.minimumLevel7Credits),
            learningHours: l.credits * framework.hoursPerCredit.value,
            entryRequires: l.entryRequires,
            entry: fact(l.entry),
            compositions: l.compositions.map((c) => ({
              description: c.description,
              parts: c.parts.map((p) => ({
                kind: p.kind,
                count: p.count,
                creditsEach: p.creditsEach ?? null,
              })),
            })),
            prepares: [...l.prepares],
            aim: fact(l.aim),
            firstCohort: toFactResponse(l.firstCohort, sources),
            status: l.status,
            sources: toSourceResponses(l.sources, sources),
          })),
          fees: fact(framework.fees),
          bursaries: fact(framework.bursaries),
          entryRequirements: fact(framework.entryRequirements),
          priorLearning: fact(framework.priorLearning),
          evaluation: fact(framework.evaluation),
          enquiries: fact(framework.enquiries),
          status: framework.status,
          sources: toSourceResponses(framework.sources, sources),
        }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/providers',
      operationId: 'listProviders',
      summary: 'Universities with their framework-aligned programmes, modules and credits',
      tag: 'Credentials Framework',
      response: z.object({ items: z.array(providerResponse) }),
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      handler: async () => {
        const [providers, programmes, modules, sources] = await Promise.all([
          catalogue.listProviders(),
          catalogue.listProgrammes(),
          catalogue.listModules(),
          loadSourceIndex(catalogue),
        ])
        return { items: providers.map((p) => toProviderResponse(p, programmes, modules, sources)) }
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/providers/:providerId',
      operationId: 'getProvider',
      summary: 'One university, with its programmes and modules',
      tag: 'Credentials Framework',
      params: idParams('providerId', 'university'),
      response: providerResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const id = String(params.providerId)
        const provider = await catalogue.findProvider(id)
        if (provider === null) throw new NotFoundError(`There is no university "${id}".`)
        const [programmes, modules, sources] = await Promise.all([
          catalogue.listProgrammes({ providerId: id }),
          catalogue.listModules({ providerId: id }),
          loadSourceIndex(catalogue),
        ])
        return toProviderResponse(provider, programmes, modules, sources)
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/programmes/:programmeId',
      operationId: 'getProgramme',
      summary: 'One framework-aligned programme',
      tag: 'Credentials Framework',
      params: idParams('programmeId', 'programme'),
      response: programmeResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const id = String(params.programmeId)
        const programme = await catalogue.findProgramme(id)
        if (programme === null) throw new NotFoundError(`There is no programme "${id}".`)
        return toProgrammeResponse(programme, await loadSourceIndex(catalogue))
      },
    }),
    defineApiRoute({
      method: 'GET',
      url: '/api/v1/modules/:moduleId',
      operationId: 'getModule',
      summary: 'One module, with its credits (null where the source does not state them)',
      tag: 'Credentials Framework',
      params: idParams('moduleId', 'module'),
      response: moduleResponse,
      policy: publicPolicy,
      cacheUntilCatalogueChanges: true,
      mayBeNotFound: true,
      handler: async ({ params }) => {
        const id = String(params.moduleId)
        const module = await catalogue.findModule(id)
        if (module === null) throw new NotFoundError(`There is no module "${id}".`)
        return toModuleResponse(module, await loadSourceIndex(catalogue))
      },
    }),
    ...frameworkEvaluateApiRoutes({ catalogue }),
  ] as ApiRoute[]
}
