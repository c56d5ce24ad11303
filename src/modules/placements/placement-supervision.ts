import { describeActivity, isPlacementActivityId, type PlacementActivityId } from './placement-activities.ts'

/**
 * The rules of supervising a placement, pure: what a logbook entry must be, how the offer's checklist is
 * progressing, and what sign-off needs. The service applies them; the migration's checks mirror them.
 */

/** Who a person is to a placement. One person may be more than one (a programme lead who also supervises). */
export type PlacementRelation = 'learner' | 'mentor' | 'academic-supervisor' | 'programme-lead'

/** The two who review the logbook, comment and sign off. */
export type ReviewerRole = 'mentor' | 'academic-supervisor'
export const reviewerRoles: readonly ReviewerRole[] = ['mentor', 'academic-supervisor']

export const reviewerRoleLabels: Readonly<Record<ReviewerRole, string>> = {
  mentor: 'Mentor',
  'academic-supervisor': 'Academic supervisor',
}

export type PlacementStatus = 'active' | 'signed-off' | 'withdrawn'

export const placementStatusLabels: Readonly<Record<PlacementStatus, string>> = {
  active: 'Active',
  'signed-off': 'Signed off',
  withdrawn: 'Withdrawn',
}

export const maximumReflectionLength = 5000
export const maximumCommentLength = 5000
export const maximumSignOffCommentLength = 2000
/** A logbook entry is a day's work: at least six minutes, at most a whole day, in tenths of an hour. */
export const entryHours = { lowest: 0.1, highest: 24 } as const

/** A logbook entry as typed: the date already read from its three boxes (null when it could not be read). */
export interface LogbookEntryInput {
  readonly entryDate: string | null
  readonly hours: string
  readonly activity: string
  readonly reflection: string
}

export interface LogbookEntryFields {
  readonly entryDate: string
  readonly hours: number
  readonly activity: PlacementActivityId
  readonly reflection: string
}

/** A problem with one field of a form, phrased for the person who filled it in. */
export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldProblem[] }

/**
 * Checks an entry against the rules: a date from the day the placement was accepted to today (both London
 * dates), hours from 0.1 to 24 to one decimal place, an activity the offer lists, and a reflection.
 */
export function checkLogbookEntry(
  input: LogbookEntryInput,
  context: { readonly today: string; readonly acceptedOn: string; readonly activities: readonly string[] },
): Checked<LogbookEntryFields> {
  const errors: FieldProblem[] = []
  const date = input.entryDate
  if (date === null) errors.push({ field: 'entryDate', message: 'Enter the date of the activity' })
  else if (date > context.today)
    errors.push({ field: 'entryDate', message: 'Date must be today or in the past' })
  else if (date < context.acceptedOn)
    errors.push({
      field: 'entryDate',
      message: `Date must be on or after ${formatLongDate(context.acceptedOn)}, when you accepted the placement`,
    })

  const hoursText = input.hours.trim()
  const hours = /^\d{1,2}(\.\d)?$/.test(hoursText) ? Number(hoursText) : null
  if (hoursText === '') errors.push({ field: 'hours', message: 'Enter the hours spent' })
  else if (hours === null || hours < entryHours.lowest || hours > entryHours.highest)
    errors.push({
      field: 'hours',
      message: 'Hours must be a number from 0.1 to 24, with at most one decimal place',
    })

  const activity = input.activity.trim()
  if (!isPlacementActivityId(activity) || !context.activities.includes(activity))
    errors.push({ field: 'activity', message: 'Select the activity from the checklist' })

  const reflection = input.reflection.trim()
  if (reflection === '') errors.push({ field: 'reflection', message: 'Enter your reflection' })
  else if (reflection.length > maximumReflectionLength)
    errors.push({
      field: 'reflection',
      message: `Reflection must be ${maximumReflectionLength} characters or fewer`,
    })

  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      entryDate: date!,
      hours: hours!,
      activity: activity as PlacementActivityId,
      reflection,
    },
  }
}

/** One activity of the checklist, with what the logbook holds for it. */
export interface ActivityProgress {
  readonly activity: string
  readonly label: string
  readonly entries: number
  readonly hours: number
}

export interface PlacementProgress {
  readonly activities: readonly ActivityProgress[]
  readonly totalHours: number
  readonly totalEntries: number
  /** The listed activities with no entry yet, as labels, in the checklist's order. */
  readonly missing: readonly string[]
}

/** How far the logbook covers the offer's checklist. Hours are added in tenths, so that 0.1 + 0.2 is 0.3. */
export function progressOf(
  activities: readonly string[],
  entries: readonly { readonly activity: string; readonly hours: number }[],
): PlacementProgress {
  const tenths = (hours: number) => Math.round(hours * 10)
  const rows = activities.map((activity) => {
    const own = entries.filter((entry) => entry.activity === activity)
    return {
      activity,
      label: describeActivity(activity),
      entries: own.length,
      hours: own.reduce((sum, entry) => sum + tenths(entry.hours), 0) / 10,
    }
  })
  return {
    activities: rows,
    totalHours: entries.reduce((sum, entry) => sum + tenths(entry.hours), 0) / 10,
    totalEntries: entries.length,
    missing: rows.filter((row) => row.entries === 0).map((row) => row.label),
  }
}

/** Why a reviewer may not sign off yet, or null when they may. */
export function signOffRefusal(placement: {
  readonly status: PlacementStatus
  readonly supervisionSetUp: boolean
  readonly progress: PlacementProgress
  readonly signedBy: readonly ReviewerRole[]
  readonly role: ReviewerRole
}): string | null {
  if (placement.status !== 'active')
    return `This placement is ${placementStatusLabels[placement.status].toLowerCase()}: it cannot be signed off`
  if (placement.signedBy.includes(placement.role))
    return `The ${reviewerRoleLabels[placement.role].toLowerCase()} has signed this placement off already`
  if (!placement.supervisionSetUp)
    return 'Supervision is not set up yet: the programme lead must name the academic supervisor and the module first'
  if (placement.progress.missing.length > 0)
    return `The logbook has no entry yet for: ${placement.progress.missing.join(', ')}`
  return null
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
] as const

/** `2027-03-01` as "1 March 2027", the NHS style for dates. */
function formatLongDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number)
  return `${day} ${monthNames[(month ?? 1) - 1]} ${year}`
}
