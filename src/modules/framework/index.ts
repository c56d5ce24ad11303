// The framework module's public surface. (Issue 4 adds the credit rules and the learner record here.)
export { buildProgressionDiagram } from './framework-diagram.ts'
export type { ProgressionDiagram } from './framework-diagram.ts'
export { frameworkApiRoutes } from './framework-api.ts'
export { registerFrameworkPages } from './framework-pages.ts'
