import {
  isPlacementActivityId,
  placementActivityIds,
  type PlacementActivityId,
} from './placement-activities.ts'

/**
 * A placement offer: a mentor (typically the study's local PI) offers places for Research Practice Experience on
 * a study at a site of their NHS organisation, and the organisation's employer research lead approves it
 * (ARCHITECTURE.md, "Who uses it"). Only approved offers go forward to matching.
 */

export const offerComplexities = ['less-complex', 'complex'] as const
export type OfferComplexity = (typeof offerComplexities)[number]

export const complexityLabels: Readonly<Record<OfferComplexity, string>> = {
  'less-complex': 'Less complex',
  complex: 'Complex',
}

export const offerStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const
export type OfferStatus = (typeof offerStatuses)[number]

export const offerStatusLabels: Readonly<Record<OfferStatus, string>> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
}

export const maximumPlaces = 50
export const minimumHoursPerWeek = 1
/** A full-time week in the NHS (Agenda for Change). */
export const maximumHoursPerWeek = 37.5
export const maximumSpecialtyLength = 100
export const maximumPrerequisitesLength = 2000
export const maximumReasonLength = 2000

export interface PlacementOffer {
  readonly id: string
  readonly organisationId: string
  readonly study: { readonly id: string; readonly briefTitle: string }
  readonly site: { readonly id: string; readonly facility: string; readonly city: string | null }
  readonly mentor: { readonly id: string; readonly fullName: string }
  readonly places: number
  readonly specialty: string
  readonly complexity: OfferComplexity
  readonly activities: readonly PlacementActivityId[]
  readonly hoursPerWeek: number
  /** The start window, `YYYY-MM-DD` each: the learner starts on or after `startFrom` and by `startBy`. */
  readonly startFrom: string
  readonly startBy: string
  /** What the learner needs first (GCP training, say); empty when nothing. */
  readonly prerequisites: string
  readonly status: OfferStatus
  readonly decidedBy: { readonly id: string; readonly fullName: string } | null
  readonly decidedAt: Date | null
  readonly reason: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** An offer as a form gives it: text, with the dates already read from their inputs (`YYYY-MM-DD` or empty). */
export interface OfferDraft {
  readonly siteId: string
  readonly places: string
  readonly specialty: string
  readonly complexity: string
  readonly activities: readonly string[]
  readonly hoursPerWeek: string
  readonly startFrom: string
  readonly startBy: string
  readonly prerequisites: string
}

/** An offer's fields once checked. */
export interface OfferFields {
  readonly siteId: string
  readonly places: number
  readonly specialty: string
  readonly complexity: OfferComplexity
  readonly activities: readonly PlacementActivityId[]
  readonly hoursPerWeek: number
  readonly startFrom: string
  readonly startBy: string
  readonly prerequisites: string
}

export interface OfferProblem {
  readonly field: keyof OfferDraft
  readonly message: string
}

/** The form's fields in order, so that problems read top to bottom like the form. */
export const offerFieldOrder: readonly (keyof OfferDraft)[] = [
  'siteId',
  'places',
  'specialty',
  'complexity',
  'activities',
  'hoursPerWeek',
  'startFrom',
  'startBy',
  'prerequisites',
]

const isoDate = /^\d{4}-\d{2}-\d{2}$/

/**
 * Checks an offer against the rules, each problem phrased for its field as the NHS error pattern has it.
 * `today` (`YYYY-MM-DD`) is the earliest the start window may open.
 */
export function checkOfferDraft(
  draft: OfferDraft,
  today: string,
):
  | { readonly ok: true; readonly value: OfferFields }
  | { readonly ok: false; readonly problems: OfferProblem[] } {
  const problems: OfferProblem[] = []
  const problem = (field: keyof OfferDraft, message: string) => problems.push({ field, message })

  const siteId = draft.siteId.trim()
  if (siteId === '') problem('siteId', 'Select the study site')

  const placesText = draft.places.trim()
  const places = Number(placesText)
  if (placesText === '') problem('places', 'Enter the number of places')
  else if (!/^\d{1,3}$/.test(placesText)) problem('places', 'Number of places must be a whole number')
  else if (places < 1 || places > maximumPlaces)
    problem('places', `Number of places must be between 1 and ${maximumPlaces}`)

  const specialty = draft.specialty.trim()
  if (specialty === '') problem('specialty', 'Enter the specialty')
  else if (specialty.length > maximumSpecialtyLength)
    problem('specialty', `Specialty must be ${maximumSpecialtyLength} characters or fewer`)

  const complexity = draft.complexity.trim()
  if (!(offerComplexities as readonly string[]).includes(complexity))
    problem('complexity', 'Select how complex the study is')

  const activities = [...new Set(draft.activities.map((activity) => activity.trim()))]
  if (activities.length === 0 || activities.every((activity) => activity === ''))
    problem('activities', 'Select the activities the learner can take part in')
  else if (!activities.every(isPlacementActivityId)) problem('activities', 'Select activities from the list')

  const hoursText = draft.hoursPerWeek.trim()
  const hours = Number(hoursText)
  if (hoursText === '') problem('hoursPerWeek', 'Enter the hours a week')
  else if (!/^\d{1,2}(\.\d)?$/.test(hoursText))
    problem('hoursPerWeek', 'Hours a week must be a number, like 7 or 7.5')
  else if (hours < minimumHoursPerWeek || hours > maximumHoursPerWeek)
    problem('hoursPerWeek', `Hours a week must be between ${minimumHoursPerWeek} and ${maximumHoursPerWeek}`)

  const startFrom = draft.startFrom.trim()
  const startBy = draft.startBy.trim()
  if (startFrom === '') problem('startFrom', 'Enter the earliest start date')
  else if (!isoDate.test(startFrom)) problem('startFrom', 'Earliest start date must be a real date')
  else if (startFrom < today) problem('startFrom', 'Earliest start date must be today or in the future')
  if (startBy === '') problem('startBy', 'Enter the latest start date')
  else if (!isoDate.test(startBy)) problem('startBy', 'Latest start date must be a real date')
  else if (isoDate.test(startFrom) && startBy < startFrom)
    problem('startBy', 'Latest start date must be the same as or after the earliest start date')

  const prerequisites = draft.prerequisites.trim()
  if (prerequisites.length > maximumPrerequisitesLength)
    problem(
      'prerequisites',
      `What the learner needs first must be ${maximumPrerequisitesLength} characters or fewer`,
    )

  if (problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    value: {
      siteId,
      places,
      specialty,
      complexity: complexity as OfferComplexity,
      activities: placementActivityIds.filter((id) => activities.includes(id)),
      hoursPerWeek: hours,
      startFrom,
      startBy,
      prerequisites,
    },
  }
}

/** What may happen to an offer next. */
export const mayBeDecided = (status: OfferStatus): boolean => status === 'pending'
export const mayBeWithdrawn = (status: OfferStatus): boolean => status === 'pending' || status === 'approved'
