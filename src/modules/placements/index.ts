// The placements module's public surface: the matching engine, studies from registries with their UK sites, and
// the placement offers mentors make on them, and the match: learners' preferences, mentors' rankings, rounds.
export { matchApplicants, compareIds, InvalidMatchInputError } from './matching.ts'
export type { MatchInput, MatchProgramInput, MatchedProgram, MatchResult } from './matching.ts'
export {
  parseMatchInput,
  checkMatchInput,
  formatMatchInputProblem,
  toMatchOutput,
} from './matching-schemas.ts'
export type { MatchInputProblem, MatchInputCheck, MatchOutput } from './matching-schemas.ts'
export { createStudiesRepository } from './studies-repository.ts'
export { createStudiesService } from './studies-service.ts'
export type { StudiesService, StudyFile, StudyImportResult } from './studies-service.ts'
export { registerStudiesPages, studyManagerPolicy, studyReaderPolicy } from './studies-pages.ts'
export { runStudyImportCommand } from './study-import-files.ts'
export { createOffersRepository } from './offers-repository.ts'
export { createOffersService } from './offers-service.ts'
export type { OffersService } from './offers-service.ts'
export {
  registerOfferPages,
  offerDeciderPolicy,
  offerMentorPolicy,
  offerReaderPolicy,
} from './offers-pages.ts'
export { createPreferencesRepository } from './preferences-repository.ts'
export type {
  ChoosableOffer,
  LearnerPreference,
  MatchRound,
  OfferApplicant,
  RoundFigures,
  RoundResult,
} from './preferences-repository.ts'
export { createPreferencesService, maximumChoices } from './preferences-service.ts'
export type { ApplicantRanking, PreferencesService } from './preferences-service.ts'
export {
  registerPreferencePages,
  placementChooserPolicy,
  matchRoundPolicy,
  applicantRankerPolicy,
} from './preferences-pages.ts'
// After the match: accepting or declining it, and clearing (placement-service.ts).
export { createPlacementRepository } from './placement-repository.ts'
export type { Placement, LearnerMatch, ClearingOffer, UnplacedLearner } from './placement-repository.ts'
export { createPlacementService } from './placement-service.ts'
export type { PlacementService } from './placement-service.ts'
export { registerPlacementPages, clearingReaderPolicy, clearingTakerPolicy } from './placement-pages.ts'
// Supervision of a placement: set-up, logbook, review and sign-off (supervision-service.ts).
export { createSupervisionRepository, insertPlacement } from './supervision-repository.ts'
export type { NewPlacement, SupervisedPlacement } from './supervision-repository.ts'
export { createSupervisionService } from './supervision-service.ts'
export type { SupervisionService } from './supervision-service.ts'
export { registerSupervisionPages } from './supervision-pages.ts'
