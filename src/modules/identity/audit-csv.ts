import { actorName, type AuditEvent } from './audit.ts'

/**
 * The audit log as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break
 * quoted and their quotes doubled), safe to open in a spreadsheet.
 */

/**
 * A spreadsheet treats a cell starting with one of these as a formula, which can run commands or send data
 * away (CSV injection): such cells are prefixed with a single quote so they are shown as text. OWASP's list.
 */
const formulaStart = /^[=+\-@\t\r]/

/** One field: neutralised against formulas, then quoted when RFC 4180 requires it. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && formulaStart.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One record, ended with CRLF. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

export const auditCsvHeader: readonly string[] = [
  'Entry',
  'When (UTC)',
  'Actor',
  'Actor email',
  'Actor user id',
  'Action',
  'Subject type',
  'Subject id',
  'Request id',
  'IP address',
  'Details (JSON)',
]

/**
 * The start of the file: a byte order mark, so that spreadsheets read names with accents as UTF-8, then the
 * header record.
 */
export function startAuditCsv(): string {
  return `\uFEFF${csvRecord(auditCsvHeader)}`
}

export function auditCsvRecords(events: readonly AuditEvent[]): string {
  return events
    .map((event) =>
      csvRecord([
        event.id,
        event.occurredAt,
        actorName(event.actor),
        event.actor.kind === 'person' ? event.actor.email : null,
        event.actor.kind === 'person' ? event.actor.userId : null,
        event.action,
        event.subjectType,
        event.subjectId,
        event.requestId,
        event.ip,
        JSON.stringify(event.details),
      ]),
    )
    .join('')
}
