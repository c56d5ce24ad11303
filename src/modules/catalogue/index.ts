// The catalogue module's public surface.
export {
  formatProblem,
  expandProfessionScope,
  healthcareScienceGroupId,
  sumKnownCredits,
} from './catalogue.ts'
export type * from './catalogue.ts'
export { readCatalogue } from './catalogue-files.ts'
export type { ReadCatalogue } from './catalogue-files.ts'
export { createCatalogueLoadRepository } from './catalogue-load-repository.ts'
export { createCatalogueRepository } from './catalogue-repository.ts'
export { createCatalogueService, CatalogueNotValidError, loadSourceIndex } from './catalogue-service.ts'
export type {
  CatalogueService,
  LoadResult,
  SchemeFilter,
  SearchPage,
  SearchResult,
} from './catalogue-service.ts'
export { catalogueApiRoutes, toFactResponse, toSourceResponses } from './catalogue-api.ts'
export { factResponse, idParams, sourceResponse, statusResponse } from './catalogue-schemas.ts'
export { registerCataloguePages } from './catalogue-pages.ts'
