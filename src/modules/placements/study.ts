/**
 * A study that Research Practice Experience can happen on, as a registry describes it (DOMAIN.md §5), and its
 * sites in the United Kingdom with the NHS organisation each belongs to.
 */

/** ClinicalTrials.gov's overall statuses (API v2, `OverallStatus`). */
export const overallStatusLabels: Readonly<Record<string, string>> = {
  ACTIVE_NOT_RECRUITING: 'Active, not recruiting',
  COMPLETED: 'Completed',
  ENROLLING_BY_INVITATION: 'Enrolling by invitation',
  NOT_YET_RECRUITING: 'Not yet recruiting',
  RECRUITING: 'Recruiting',
  SUSPENDED: 'Suspended',
  TERMINATED: 'Terminated',
  WITHDRAWN: 'Withdrawn',
  AVAILABLE: 'Available',
  NO_LONGER_AVAILABLE: 'No longer available',
  TEMPORARILY_NOT_AVAILABLE: 'Temporarily not available',
  APPROVED_FOR_MARKETING: 'Approved for marketing',
  WITHHELD: 'Withheld',
  UNKNOWN: 'Unknown',
}

/** ClinicalTrials.gov's phases (API v2, `Phase`). */
export const phaseLabels: Readonly<Record<string, string>> = {
  NA: 'Not applicable',
  EARLY_PHASE1: 'Early phase 1',
  PHASE1: 'Phase 1',
  PHASE2: 'Phase 2',
  PHASE3: 'Phase 3',
  PHASE4: 'Phase 4',
}

export const dateTypes = ['ACTUAL', 'ESTIMATED'] as const
export type DateType = (typeof dateTypes)[number]

/** A registry date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, actual or estimated (or neither, when not said). */
export interface StudyDate {
  readonly date: string
  readonly type: DateType | null
}

export interface StudyIdentifiers {
  /** Always given in a ClinicalTrials.gov record; a study entered by hand may be registered elsewhere only. */
  readonly nctId: string | null
  readonly isrctn: string | null
  /** The Integrated Research Application System number of a UK study. */
  readonly irasId: string | null
  readonly orgStudyId: string | null
}

/** A place the registry lists the study at, in any country. */
export interface StudyLocation {
  readonly facility: string | null
  readonly city: string | null
  readonly postcode: string | null
  readonly country: string | null
  readonly status: string | null
}

/** What Trellis keeps of a registry record. */
export interface StudyRecord {
  readonly identifiers: StudyIdentifiers
  readonly briefTitle: string
  readonly officialTitle: string | null
  readonly acronym: string | null
  readonly overallStatus: string
  readonly phases: readonly string[]
  readonly conditions: readonly string[]
  readonly leadSponsor: string | null
  readonly startDate: StudyDate | null
  readonly primaryCompletionDate: StudyDate | null
  readonly completionDate: StudyDate | null
  readonly locations: readonly StudyLocation[]
}

export const ukCountry = 'United Kingdom'

/** Where a study's record came from: a registry's file, or a person who entered it. */
export type StudySource = 'clinicaltrials.gov' | 'entered'

export const studySourceLabels: Readonly<Record<StudySource, string>> = {
  'clinicaltrials.gov': 'Imported from ClinicalTrials.gov',
  entered: 'Entered by hand',
}

/** The locations that are sites Trellis keeps: in the United Kingdom, with a facility name to match. */
export function ukSitesOf(
  record: Pick<StudyRecord, 'locations'>,
): (StudyLocation & { readonly facility: string })[] {
  return record.locations.filter(
    (location): location is StudyLocation & { facility: string } =>
      location.country === ukCountry && location.facility !== null,
  )
}

export interface StudySite {
  readonly id: string
  readonly studyId: string
  readonly position: number
  readonly facility: string
  readonly normalisedName: string
  readonly city: string | null
  readonly postcode: string | null
  readonly recruitmentStatus: string | null
  readonly organisation: { readonly id: string; readonly name: string } | null
  readonly matchedBy: 'name' | 'alias' | null
}

export interface Study {
  readonly id: string
  readonly nctId: string | null
  readonly isrctn: string | null
  readonly irasId: string | null
  readonly orgStudyId: string | null
  readonly briefTitle: string
  readonly officialTitle: string | null
  readonly acronym: string | null
  readonly overallStatus: string
  readonly phases: readonly string[]
  readonly conditions: readonly string[]
  readonly leadSponsor: string | null
  readonly startDate: StudyDate | null
  readonly primaryCompletionDate: StudyDate | null
  readonly completionDate: StudyDate | null
  readonly locationCount: number
  readonly source: StudySource
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** A study in a list: with how many of its UK sites are matched to an NHS organisation. */
export interface StudySummary {
  readonly id: string
  readonly nctId: string | null
  readonly briefTitle: string
  readonly overallStatus: string
  readonly phases: readonly string[]
  readonly siteCount: number
  readonly matchedSiteCount: number
}

export function describeStatus(status: string): string {
  return overallStatusLabels[status] ?? status
}

export function describePhases(phases: readonly string[]): string {
  return phases.length === 0 ? 'Not given' : phases.map((phase) => phaseLabels[phase] ?? phase).join(', ')
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** "August 2015 (actual)", "20 December 2019", "2025 (estimated)"; "Not given" without a date. */
export function describeStudyDate(value: StudyDate | null): string {
  if (value === null) return 'Not given'
  const [year, month, day] = value.date.split('-')
  const monthName = month === undefined ? undefined : monthNames[Number(month) - 1]
  const text = [day === undefined ? undefined : String(Number(day)), monthName, year]
    .filter((part) => part !== undefined)
    .join(' ')
  return value.type === null ? text : `${text} (${value.type === 'ACTUAL' ? 'actual' : 'estimated'})`
}
