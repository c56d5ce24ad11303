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
