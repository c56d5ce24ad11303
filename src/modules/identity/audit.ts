/**
 * The audit log as people read it: entries, who acted, filters, and the rules for showing them. Pure: the
 * SQL is in audit-repository.ts, the pages in audit-pages.ts.
 */

/** Who acted, as the log shows them. */
export type AuditEventActor =
  | {
      readonly kind: 'person'
      readonly userId: string
      readonly fullName: string
      /** Null once the account is closed (anonymised); the entry keeps the id. */
      readonly email: string | null
      readonly closed: boolean
    }
  | { readonly kind: 'label'; readonly label: string }

export interface AuditEvent {
  readonly id: number
  /** To the microsecond, in UTC: `2025-03-15T09:30:12.123456Z` (a Date would keep only milliseconds). */
  readonly occurredAt: string
  readonly actor: AuditEventActor
  readonly action: string
  readonly subjectType: string
  readonly subjectId: string | null
  readonly requestId: string | null
  readonly ip: string | null
  readonly details: Readonly<Record<string, unknown>>
}

/** What a framework admin narrowed the log to; every part is optional. Dates are UK calendar days. */
export interface AuditFilters {
  readonly action?: string
  /** Part of the actor's name or email address, their user id, or a label such as "command line". */
  readonly actor?: string
  readonly subjectType?: string
  readonly subjectId?: string
  /** `YYYY-MM-DD`, inclusive, from the start of the day in the UK. */
  readonly from?: string
  /** `YYYY-MM-DD`, inclusive, to the end of the day in the UK. */
  readonly to?: string
}

/** The days of the filters are days in the UK, whatever the server's clock or the database's zone. */
export const auditTimeZone = 'Europe/London'

/** Where the keyset export got to: the last entry written out. */
export interface AuditCursor {
  readonly occurredAt: string
  readonly id: number
}

/** The name shown for who acted: a person's name, "Closed account", or the label capitalised. */
export function actorName(actor: AuditEventActor): string {
  if (actor.kind === 'label') return actor.label.charAt(0).toUpperCase() + actor.label.slice(1)
  return actor.closed ? 'Closed account' : actor.fullName
}

const whenFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: auditTimeZone,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
})

/** `2025-03-15T09:30:12.123456Z` → `15 March 2025 at 09:30:12 GMT` (UK time, with the zone in force). */
export function formatWhen(occurredAt: string): string {
  return whenFormat.format(new Date(occurredAt))
}

/** Today's date in the UK as `YYYY-MM-DD`, for the export's file name. */
export function ukDate(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: auditTimeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}`
}

/**
 * An entry's details as lines of `key: value` for people to read: nested objects give dotted keys
 * (`filters.action`), lists of plain values are joined with commas, anything else is shown as JSON.
 */
export function listDetails(
  details: Readonly<Record<string, unknown>>,
): { readonly key: string; readonly value: string }[] {
  const lines: { key: string; value: string }[] = []
  const visit = (prefix: string, value: unknown) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === '' ? key : `${prefix}.${key}`, inner)
      return
    }
    lines.push({ key: prefix, value: showValue(value) })
  }
  for (const [key, value] of Object.entries(details)) visit(key, value)
  return lines
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'none'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none'
    if (value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value.join(', ')
  }
  return JSON.stringify(value)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The parts of a date as typed into the NHS date input: each may be empty. */
export interface DateParts {
  readonly day: string
  readonly month: string
  readonly year: string
}

export type DateReading =
  | { readonly kind: 'empty' }
  | { readonly kind: 'date'; readonly iso: string }
  | { readonly kind: 'missing'; readonly parts: readonly ('day' | 'month' | 'year')[] }
  | { readonly kind: 'short-year' }
  | { readonly kind: 'not-real' }

/**
 * Reads a day, month and year as the NHS date input pattern asks: all empty is no date; some empty is
 * incomplete; the year has 4 digits; the date must exist (no 31 February).
 */
export function readDateParts(parts: DateParts): DateReading {
  const day = parts.day.trim()
  const month = parts.month.trim()
  const year = parts.year.trim()
  if (day === '' && month === '' && year === '') return { kind: 'empty' }
  const missing = (['day', 'month', 'year'] as const).filter((name) => ({ day, month, year })[name] === '')
  if (missing.length > 0) return { kind: 'missing', parts: missing }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d+$/.test(year)) return { kind: 'not-real' }
  if (year.length !== 4) return { kind: 'short-year' }
  const [d, m, y] = [Number(day), Number(month), Number(year)]
  const date = new Date(Date.UTC(y, m - 1, d))
  if (d < 1 || m < 1 || m > 12 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900) {
    return { kind: 'not-real' }
  }
  return { kind: 'date', iso: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` }
}

/** The message for a date that cannot be used, naming the field as its label does ("From date"). */
export function dateProblem(label: string, reading: DateReading): string | null {
  switch (reading.kind) {
    case 'empty':
    case 'date':
      return null
    case 'missing':
      return `${label} must include a ${joinWords(reading.parts)}`
    case 'short-year':
      return `${label} year must include 4 numbers`
    case 'not-real':
      return `${label} must be a real date`
  }
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}
