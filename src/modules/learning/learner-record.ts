/**
 * The learner record as plain data, and the rules about it that are the learning module's own: which attempt at
 * a module stands, how much prior learning a university may still recognise, whether a learner has stalled.
 * Whether credits make an award is the framework's business (framework/credit-rules.ts), not this file's.
 * Pure: the SQL is in learning-repository.ts, the pages in cohort-pages.ts and learner-pages.ts.
 */

export const moduleKinds = ['online', 'rpe', 'dissertation'] as const
export type ModuleKind = (typeof moduleKinds)[number]

export const resultOutcomes = ['pass', 'fail', 'in-progress'] as const
export type ResultOutcome = (typeof resultOutcomes)[number]

export const enrolmentStatuses = ['active', 'completed', 'withdrawn', 'transferred-out'] as const
export type EnrolmentStatus = (typeof enrolmentStatuses)[number]

export const claimStatuses = ['pending', 'approved', 'partly-approved', 'rejected'] as const
export type ClaimStatus = (typeof claimStatuses)[number]

/** What prior learning may count as: taught modules, or research practice experience. */
export const priorLearningKinds = ['online', 'rpe'] as const
export type PriorLearningKind = (typeof priorLearningKinds)[number]

export const moduleKindLabels: Readonly<Record<ModuleKind, string>> = {
  online: 'Online module',
  rpe: 'Research Practice Experience',
  dissertation: 'Dissertation',
}

export const resultLabels: Readonly<Record<ResultOutcome, string>> = {
  pass: 'Passed',
  fail: 'Failed',
  'in-progress': 'In progress',
}

export const enrolmentStatusLabels: Readonly<Record<EnrolmentStatus, string>> = {
  active: 'Active',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
  'transferred-out': 'Transferred out',
}

export const claimStatusLabels: Readonly<Record<ClaimStatus, string>> = {
  pending: 'Waiting for a decision',
  approved: 'Approved',
  'partly-approved': 'Partly approved',
  rejected: 'Rejected',
}

/**
 * The most credit a university recognises through RPL for one learner when it has not set its own limit: a
 * third of a Master's (180 credits), the share UK universities most often allow. The framework leaves the share
 * to each university (DOMAIN.md §3), so it is shown as a default, and a programme lead changes it.
 */
export const defaultRplCapCredits = 60

/** The most credit one module, one claim or one cap may carry: a whole Master's. */
export const maximumCredits = 180

/** A learner with no result for this many months, while enrolled, has stalled. */
export const stalledAfterMonths = 6

// The record --------------------------------------------------------------------------------------------

export interface Enrolment {
  readonly id: string
  readonly learnerId: string
  readonly universityId: string
  readonly programmeId: string | null
  /** `YYYY-MM-DD` */
  readonly startedOn: string
  readonly status: EnrolmentStatus
  readonly endedOn: string | null
  readonly transferredFrom: string | null
  readonly createdAt: Date
}

export interface ModuleResult {
  readonly id: string
  /** The order results were recorded in. */
  readonly sequence: number
  readonly learnerId: string
  readonly enrolmentId: string
  /** The awarding university. */
  readonly universityId: string
  readonly code: string
  readonly title: string
  readonly kind: ModuleKind
  readonly credits: number
  readonly level: number
  readonly result: ResultOutcome
  /** `YYYY-MM-DD`; null while in progress. */
  readonly completedOn: string | null
  readonly recordedBy: string
  readonly recordedAt: Date
  readonly importBatchId: string | null
}

export interface EvidenceSummary {
  readonly id: string
  readonly fileName: string
  readonly mediaType: string
  readonly sizeBytes: number
  readonly sha256: string
}

export interface PriorLearningClaim {
  readonly id: string
  readonly learnerId: string
  readonly universityId: string
  readonly description: string
  readonly creditsSought: number
  readonly countsAs: PriorLearningKind
  readonly status: ClaimStatus
  readonly creditsApproved: number | null
  readonly level: number | null
  readonly reason: string | null
  readonly decidedBy: string | null
  readonly decidedAt: Date | null
  readonly createdAt: Date
  readonly evidence: readonly EvidenceSummary[]
}

/**
 * A learner's record as the framework's credit rules read it (`evaluateRecord` in framework/credit-rules.ts):
 * every attempt at every module, in the order recorded (the rules count a module, a code at a provider, once),
 * and every claim of prior learning, each with its awarding university (`provider`: the organisation id, such
 * as `university-of-exeter`).
 */
export interface LearnerRecord {
  readonly modules: readonly {
    readonly code: string
    readonly title: string
    readonly kind: ModuleKind
    readonly credits: number
    readonly level: number
    readonly result: ResultOutcome
    readonly provider: string
  }[]
  readonly priorLearning: readonly {
    readonly credits: number
    readonly countsAs: PriorLearningKind
    readonly status: 'approved' | 'pending' | 'rejected'
    readonly provider: string
    readonly level?: number
  }[]
}

/**
 * The attempt that stands at each module (a code at a university): the first pass, since credit once earned is
 * not lost by sitting the module again; otherwise the latest attempt (a fail, or a retake in progress). Every
 * attempt stays in the history; only the standing one counts. In the order the standing attempts were recorded.
 */
export function standingResults(results: readonly ModuleResult[]): ModuleResult[] {
  const byModule = new Map<string, ModuleResult>()
  for (const result of [...results].sort((a, b) => a.sequence - b.sequence)) {
    const key = `${result.universityId}\u0000${result.code}`
    const standing = byModule.get(key)
    if (standing === undefined || standing.result !== 'pass') byModule.set(key, result)
  }
  return [...byModule.values()].sort((a, b) => a.sequence - b.sequence)
}

/** The record the credit rules evaluate: every attempt, and claims with the credit each seeks or was given. */
export function toLearnerRecord(
  results: readonly ModuleResult[],
  claims: readonly PriorLearningClaim[],
): LearnerRecord {
  return {
    modules: [...results]
      .sort((a, b) => a.sequence - b.sequence)
      .map((result) => ({
        code: result.code,
        title: result.title,
        kind: result.kind,
        credits: result.credits,
        level: result.level,
        result: result.result,
        provider: result.universityId,
      })),
    priorLearning: claims.map((claim) => {
      const decided = claim.status === 'approved' || claim.status === 'partly-approved'
      return {
        credits: decided ? (claim.creditsApproved ?? 0) : claim.creditsSought,
        countsAs: claim.countsAs,
        status: decided ? 'approved' : claim.status === 'rejected' ? 'rejected' : 'pending',
        provider: claim.universityId,
        ...(claim.level === null ? {} : { level: claim.level }),
      }
    }),
  }
}

/** Credits of passed modules (standing attempts) at each awarding university, in the order first earned. */
export function creditsPassedByUniversity(results: readonly ModuleResult[]): Map<string, number> {
  const credits = new Map<string, number>()
  for (const result of standingResults(results)) {
    if (result.result !== 'pass') continue
    credits.set(result.universityId, (credits.get(result.universityId) ?? 0) + result.credits)
  }
  return credits
}

/** Credit recognised through RPL: every approved and partly approved claim, at one university or all. */
export function creditsRecognised(claims: readonly PriorLearningClaim[], universityId?: string): number {
  return claims
    .filter((claim) => universityId === undefined || claim.universityId === universityId)
    .reduce((sum, claim) => sum + (claim.creditsApproved ?? 0), 0)
}

// Prior learning -------------------------------------------------------------------------------------------

/**
 * Whether a university may recognise `requested` more credits for a learner who already has `alreadyApproved`
 * recognised there, under its cap; when not, the most it may still recognise.
 */
export function checkRplCap(
  cap: number,
  alreadyApproved: number,
  requested: number,
): { readonly allowed: true } | { readonly allowed: false; readonly remaining: number } {
  if (alreadyApproved + requested <= cap) return { allowed: true }
  return { allowed: false, remaining: Math.max(0, cap - alreadyApproved) }
}

/** The message a programme lead sees when an approval would go over the cap: the cap, stated. */
export function rplCapMessage(
  universityName: string,
  cap: number,
  alreadyApproved: number,
  remaining: number,
): string {
  const already =
    alreadyApproved === 0
      ? ''
      : ` ${alreadyApproved} ${alreadyApproved === 1 ? 'credit is' : 'credits are'} already recognised for this learner there, so you can approve at most ${remaining} more.`
  return `${universityName} recognises at most ${cap} credits of prior learning for one learner.${already}`
}

// Progress -------------------------------------------------------------------------------------------------

/** Where a learner enrolled at a university stands, as the cohort list shows it. */
export type CohortProgress =
  'eligible-to-progress' | 'stalled' | 'on-track' | Exclude<EnrolmentStatus, 'active'>

export const cohortProgressLabels: Readonly<Record<CohortProgress, string>> = {
  'eligible-to-progress': 'Eligible to progress',
  stalled: 'Stalled',
  'on-track': 'On track',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
  'transferred-out': 'Transferred out',
}

/** `YYYY-MM-DD` plus whole calendar months, kept to the last day of a shorter month (31 August + 6 → 28 February). */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year, month - 1 + months, 1))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(day, lastDay))
  return target.toISOString().slice(0, 10)
}

/**
 * An enrolment's progress: ended enrolments say how they ended; an active one is eligible to progress when the
 * credit rules say so, stalled when nothing has happened for six months (no result completed or recorded, and
 * the enrolment itself older than that), and on track otherwise.
 */
export function cohortProgress(input: {
  readonly enrolment: Pick<Enrolment, 'status' | 'startedOn'>
  /** Results at this enrolment's university. */
  readonly results: readonly Pick<ModuleResult, 'completedOn' | 'recordedAt'>[]
  readonly eligibleToProgress: boolean
  /** `YYYY-MM-DD` */
  readonly today: string
}): CohortProgress {
  const { enrolment, results, today } = input
  if (enrolment.status !== 'active') return enrolment.status
  if (input.eligibleToProgress) return 'eligible-to-progress'
  const lastActivity = results.reduce((latest, result) => {
    const recorded = result.recordedAt.toISOString().slice(0, 10)
    const when = result.completedOn !== null && result.completedOn > recorded ? result.completedOn : recorded
    return when > latest ? when : latest
  }, enrolment.startedOn)
  return addMonths(lastActivity, stalledAfterMonths) < today ? 'stalled' : 'on-track'
}

// Dates and codes ------------------------------------------------------------------------------------------

/** A module code as stored: trimmed, inner spaces collapsed, in capitals, so that `ab 101` retakes `AB 101`. */
export function normaliseModuleCode(code: string): string {
  return code.trim().replace(/\s+/g, ' ').toUpperCase()
}

export type DateReading =
  | { readonly kind: 'empty' }
  | { readonly kind: 'missing'; readonly parts: readonly ('day' | 'month' | 'year')[] }
  | { readonly kind: 'not-real' }
  | { readonly kind: 'short-year' }
  | { readonly kind: 'date'; readonly iso: string }

/** Reads the three boxes of the NHS date input. */
export function readDateParts(parts: {
  readonly day: string
  readonly month: string
  readonly year: string
}): DateReading {
  const day = parts.day.trim()
  const month = parts.month.trim()
  const year = parts.year.trim()
  if (day === '' && month === '' && year === '') return { kind: 'empty' }
  const missing = (['day', 'month', 'year'] as const).filter((name) => ({ day, month, year })[name] === '')
  if (missing.length > 0) return { kind: 'missing', parts: missing }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d+$/.test(year)) return { kind: 'not-real' }
  if (year.length !== 4) return { kind: 'short-year' }
  return isoFromParts(Number(year), Number(month), Number(day))
}

/** A date as a student records system writes it: `2025-03-14`, or the UK's `14/03/2025`. */
export function readDateText(text: string): DateReading {
  const value = text.trim()
  if (value === '') return { kind: 'empty' }
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value)
  if (iso !== null) return isoFromParts(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value)
  if (uk !== null) return isoFromParts(Number(uk[3]), Number(uk[2]), Number(uk[1]))
  return { kind: 'not-real' }
}

function isoFromParts(year: number, month: number, day: number): DateReading {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (
    year < 1900 ||
    month < 1 ||
    month > 12 ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCFullYear() !== year
  ) {
    return { kind: 'not-real' }
  }
  return { kind: 'date', iso: date.toISOString().slice(0, 10) }
}

/** Today in the UK, as `YYYY-MM-DD`: academic dates are UK calendar days. */
export function ukToday(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}`
}
