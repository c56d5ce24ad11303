import type { Config } from './config.ts'
import type { Database } from './platform/database/database.ts'
import { migrate } from './platform/database/migrate.ts'
import { openDatabase } from './platform/database/open-database.ts'
import {
  createCatalogueLoadRepository,
  createCatalogueRepository,
  createCatalogueService,
  type CatalogueService,
} from './modules/catalogue/index.ts'
import {
  createOrganisationRepository,
  createOrganisationService,
  type OrganisationService,
} from './modules/organisations/index.ts'
import { createPathwayService, type PathwayService } from './modules/pathways/index.ts'

/** Every service Trellis runs, built in one place. */
export interface Services {
  readonly catalogue: CatalogueService
  readonly organisations: OrganisationService
  readonly pathways: PathwayService
}

export interface Composition {
  readonly database: Database
  readonly services: Services
  /** Migrations applied while opening. */
  readonly migrations: readonly string[]
  close(): Promise<void>
}

/** The one place that constructs repositories and services, over a database that is already open. */
export function composeServices(database: Database): Services {
  const organisations = createOrganisationService(createOrganisationRepository(database))
  const catalogue = createCatalogueService(
    database,
    createCatalogueRepository(database),
    createCatalogueLoadRepository(database),
    organisations,
  )
  const pathways = createPathwayService(catalogue)
  return { catalogue, organisations, pathways }
}

/** Opens the configured database, brings its schema up to date and builds the services on it. */
export async function openComposition(
  config: Pick<Config, 'databaseUrl' | 'dataDirectory'>,
): Promise<Composition> {
  const database = await openDatabase(config)
  try {
    const migrations = await migrate(database)
    return {
      database,
      services: composeServices(database),
      migrations,
      close: () => database.close(),
    }
  } catch (error) {
    await database.close()
    throw error
  }
}
