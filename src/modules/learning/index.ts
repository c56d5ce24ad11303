// The learning module's public surface: the learner record (enrolments, results, prior learning, transfers).
export { createLearningRepository } from './learning-repository.ts'
export { createLearningService } from './learning-service.ts'
export type { LearningService, PeopleDirectory, PersonSummary } from './learning-service.ts'
export { createRecordAssessor } from './credit-assessment.ts'
export type { AssessRecord, LoadRecordAssessor, RecordAssessment } from './credit-assessment.ts'
export type { LearnerRecord } from './learner-record.ts'
export { defaultRplCapCredits } from './learner-record.ts'
export { maximumEvidenceBytes, maximumEvidenceFiles } from './evidence-file.ts'
export {
  registerCohortPages,
  priorLearningDeciderPolicy,
  universityLeadPolicy,
  universityStaffPolicy,
  // The NHS date input and error pattern, which other modules' forms share.
  formProblems,
  readDateField,
} from './cohort-pages.ts'
export { registerLearnerPages } from './learner-pages.ts'
export { learningApiRoutes } from './learning-api.ts'
export { createLearnerPersonalData, erasedText } from './personal-data-service.ts'
export type { LearnerRecordExport } from './personal-data-service.ts'
// A signed-off placement becomes an RPE result through this, in the placements module's transaction.
export { createPlacementResultRecorder } from './placement-result-service.ts'
export type {
  PlacementResultInput,
  PlacementResultOutcome,
  RecordPlacementResult,
} from './placement-result-service.ts'
// The module result rules, which the placements module's supervision set-up shares for its module fields.
export { checkResultFields } from './module-result-fields.ts'
export { ukToday } from './learner-record.ts'
export { checkEvidenceFile } from './evidence-file.ts'
export type { UploadedFile } from './evidence-file.ts'
export { sendEvidence } from './evidence-http.ts'
