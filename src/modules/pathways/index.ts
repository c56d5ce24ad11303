// The pathways module's public surface.
export { buildProfessionPathway, orderSchemes } from './pathway.ts'
export type { ProfessionPathway, StageOfPathway } from './pathway.ts'
export { createPathwayService } from './pathway-service.ts'
export type { PathwayService, ProfessionsByGroup } from './pathway-service.ts'
export { registerPathwayPages } from './pathway-pages.ts'
