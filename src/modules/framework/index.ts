// The framework module's public surface: the framework's pages and API, and its credit rules.
export { buildProgressionDiagram } from './framework-diagram.ts'
export type { ProgressionDiagram } from './framework-diagram.ts'
export { frameworkApiRoutes } from './framework-api.ts'
export { registerFrameworkPages } from './framework-pages.ts'
export { evaluateRecord, frameworkRulesFrom, priorLearningDefaultLevel } from './credit-rules.ts'
export type {
  CompositionRule,
  CountedUnit,
  Evaluation,
  FrameworkRules,
  LearnerRecord,
  LevelAllocation,
  LevelRules,
  ModuleResult,
  NextLevel,
  PartRule,
  PriorLearning,
  PriorLearningKind,
  PriorLearningStatus,
  RecordedModule,
  RoleSummary,
  TimelineStep,
} from './credit-rules.ts'
export {
  checkContentProgrammes,
  checkProgramme,
  mostCombinationsChecked,
  programmeToCheck,
} from './programme-alignment.ts'
export type {
  AlignmentStatus,
  CatalogueProgrammeCheck,
  ModuleToCheck,
  OptionGroupToCheck,
  ProgrammeCheck,
  ProgrammeToCheck,
} from './programme-alignment.ts'
export {
  checkProgrammeRequest,
  evaluateRequest,
  toEvaluationResponse,
  toLearnerRecord,
  toProgrammeCheckResponse,
  toProgrammeToCheck,
} from './credit-rules-schemas.ts'
export type { CheckProgrammeRequest, EvaluateRequest } from './credit-rules-schemas.ts'
