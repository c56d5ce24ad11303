import type { Database } from '../../platform/database/database.ts'
import type { OrganisationService } from '../organisations/index.ts'
import type {
  CatalogueVersion,
  Framework,
  Funder,
  HealthcareScience,
  Module,
  Pathway,
  Profession,
  ProfessionGroup,
  Programme,
  Provider,
  Regulator,
  ResearchCulture,
  Scheme,
  Source,
  Stage,
} from './catalogue.ts'
import type { ReadCatalogue } from './catalogue-files.ts'
import type { CatalogueLoadRepository } from './catalogue-load-repository.ts'
import type { CatalogueRepository, SearchResultRow } from './catalogue-repository.ts'
import { buildSearchDocuments, searchKinds, type SearchKind } from './search-documents.ts'

export interface LoadResult {
  readonly loaded: boolean
  readonly entries: number
  readonly organisations: number
  readonly contentHash: string
  readonly version: CatalogueVersion
}

export interface SearchResult extends SearchResultRow {
  readonly kindLabel: string
}

export interface SearchPage {
  readonly query: string
  readonly results: readonly SearchResult[]
  readonly total: number
  readonly page: number
  readonly pageSize: number
  readonly pageCount: number
}

export interface SchemeFilter {
  readonly professionId?: string
  readonly stageId?: string
  readonly funderId?: string
}

/** The catalogue's use cases: loading reviewed content, and reading it for pages and the API. */
export interface CatalogueService {
  /** Loads valid content in one transaction: entries, NHS organisations and the search index together. */
  load(catalogue: ReadCatalogue): Promise<LoadResult>
  /** Loads only when content/ differs from what the database holds: a restart does not reload or duplicate. */
  loadIfChanged(catalogue: ReadCatalogue): Promise<LoadResult>
  findCurrentVersion(): Promise<CatalogueVersion | null>

  listSources(): Promise<Source[]>
  listRegulators(): Promise<Regulator[]>
  listProfessionGroups(): Promise<ProfessionGroup[]>
  listProfessions(): Promise<Profession[]>
  findProfession(id: string): Promise<Profession | null>
  listStages(): Promise<Stage[]>
  findStage(id: string): Promise<Stage | null>
  listPathways(professionId?: string): Promise<Pathway[]>
  listFunders(): Promise<Funder[]>
  findFunder(id: string): Promise<Funder | null>
  listSchemes(filter?: SchemeFilter): Promise<Scheme[]>
  findScheme(id: string): Promise<Scheme | null>
  findFramework(): Promise<Framework | null>
  listProviders(): Promise<Provider[]>
  findProvider(id: string): Promise<Provider | null>
  listProgrammes(filter?: { providerId?: string; moduleId?: string }): Promise<Programme[]>
  findProgramme(id: string): Promise<Programme | null>
  listModules(filter?: { providerId?: string }): Promise<Module[]>
  findModule(id: string): Promise<Module | null>
  findHealthcareScience(): Promise<HealthcareScience | null>
  findResearchCulture(): Promise<ResearchCulture | null>
  search(query: string, page: number, pageSize: number): Promise<SearchPage>
}

export class CatalogueNotValidError extends Error {
  constructor(readonly problemCount: number) {
    super(
      `The catalogue has ${problemCount} problem${problemCount === 1 ? '' : 's'}; run "trellis catalogue check".`,
    )
    this.name = 'CatalogueNotValidError'
  }
}

export function createCatalogueService(
  db: Database,
  repository: CatalogueRepository,
  loads: CatalogueLoadRepository,
  organisations: OrganisationService,
): CatalogueService {
  // Single entries are found in their (small, ordered) lists: the whole catalogue is a few hundred rows.
  const findIn = async <T extends { id: string }>(list: Promise<T[]>, id: string) =>
    (await list).find((item) => item.id === id) ?? null

  /**
   * One load at a time across every instance (a transaction-scoped lock on the server), and the "has it
   * changed?" question asked inside it, so two instances starting together load the content once.
   */
  const loadContent = async (
    catalogue: ReadCatalogue,
    options: { onlyIfChanged: boolean },
  ): Promise<LoadResult> => {
    const content = catalogue.content
    if (content === undefined || catalogue.problems.length > 0) {
      throw new CatalogueNotValidError(catalogue.problems.length)
    }
    return db.transaction(async (tx) => {
      await loads.lockForLoad(tx)
      const current = await loads.findCurrentVersion(tx)
      if (options.onlyIfChanged && current !== null && current.contentHash === catalogue.contentHash) {
        return {
          loaded: false,
          entries: current.entryCount,
          organisations: current.organisationCount,
          contentHash: current.contentHash,
          version: current,
        }
      }
      const entries = await loads.saveContent(tx, content)
      await organisations.replaceNhsTrusts(tx, catalogue.trusts, content.nhsTrusts.sources)
      await organisations.replaceUniversities(
        tx,
        content.providers.map((p) => ({ id: p.id, name: p.name, sourceIds: p.sources })),
      )
      await loads.replaceSearchDocuments(tx, buildSearchDocuments(content, catalogue.trusts))
      const version = await loads.recordVersion(tx, {
        contentHash: catalogue.contentHash,
        entryCount: entries,
        organisationCount: catalogue.trusts.length,
      })
      return {
        loaded: true,
        entries,
        organisations: catalogue.trusts.length,
        contentHash: catalogue.contentHash,
        version,
      }
    })
  }

  const service: CatalogueService = {
    load: (catalogue) => loadContent(catalogue, { onlyIfChanged: false }),
    loadIfChanged: (catalogue) => loadContent(catalogue, { onlyIfChanged: true }),

    findCurrentVersion: () => loads.findCurrentVersion(),
    listSources: () => repository.listSources(),
    listRegulators: () => repository.listRegulators(),
    listProfessionGroups: () => repository.listProfessionGroups(),
    listProfessions: () => repository.listProfessions(),
    findProfession: (id) => findIn(repository.listProfessions(), id),
    listStages: () => repository.listStages(),
    findStage: (id) => findIn(repository.listStages(), id),
    listPathways: (professionId) =>
      repository.listPathways(professionId === undefined ? {} : { professionId }),
    listFunders: () => repository.listFunders(),
    findFunder: (id) => findIn(repository.listFunders(), id),
    listSchemes: (filter = {}) => repository.listSchemes(filter),
    findScheme: (id) => findIn(repository.listSchemes(), id),
    findFramework: () => repository.findFramework(),
    listProviders: () => repository.listProviders(),
    findProvider: (id) => findIn(repository.listProviders(), id),
    listProgrammes: (filter = {}) => repository.listProgrammes(filter),
    findProgramme: (id) => findIn(repository.listProgrammes(), id),
    listModules: (filter = {}) => repository.listModules(filter),
    findModule: (id) => findIn(repository.listModules(), id),
    findHealthcareScience: () => repository.findHealthcareScience(),
    findResearchCulture: () => repository.findResearchCulture(),

    async search(query, page, pageSize) {
      const { total, results } = await repository.search(query, pageSize, (page - 1) * pageSize)
      return {
        query,
        total,
        page,
        pageSize,
        pageCount: Math.max(1, Math.ceil(total / pageSize)),
        results: results.map((result) => ({
          ...result,
          kindLabel: searchKinds[result.kind as SearchKind] ?? result.kind,
        })),
      }
    },
  }
  return service
}

/** Every source by id, for pages that show where each fact comes from. */
export async function loadSourceIndex(
  catalogue: Pick<CatalogueService, 'listSources'>,
): Promise<Record<string, Source>> {
  return Object.fromEntries((await catalogue.listSources()).map((source) => [source.id, source]))
}
