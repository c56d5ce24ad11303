import type { Sql } from '../../platform/database/database.ts'
import { auditTimeZone, type AuditCursor, type AuditEvent, type AuditFilters } from './audit.ts'

/** Reading the audit log (entries are written by recordAudit, in each action's own transaction). */
export interface AuditRepository {
  /** One page, newest first, and how many entries match in all. */
  findPage(
    filters: AuditFilters,
    limit: number,
    offset: number,
  ): Promise<{ events: AuditEvent[]; total: number }>
  /** The next entries after `cursor` (from the newest when null), newest first: keyset pagination for exports. */
  findAfter(filters: AuditFilters, cursor: AuditCursor | null, limit: number): Promise<AuditEvent[]>
  /** Every action that occurs in the log, in order. */
  listActions(): Promise<string[]>
  /** Every subject type that occurs in the log, in order. */
  listSubjectTypes(): Promise<string[]>
}

interface AuditRow {
  id: number
  occurred_at: string
  actor_user_id: string | null
  actor_label: string
  actor_name: string | null
  actor_email: string | null
  actor_closed: boolean | null
  action: string
  subject_type: string
  subject_id: string | null
  request_id: string | null
  ip: string | null
  details: Record<string, unknown> | string
}

// The time is read as text to the microsecond: a JavaScript Date keeps only milliseconds, and a keyset cursor
// rounded down would skip entries written in the same millisecond.
const selectEvents = `
  SELECT e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
         e.actor_user_id, e.actor_label, u.full_name AS actor_name, u.email AS actor_email,
         u.closed_at IS NOT NULL AS actor_closed, e.action, e.subject_type, e.subject_id, e.request_id, e.ip,
         e.details
  FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id`

const newestFirst = 'ORDER BY e.occurred_at DESC, e.id DESC'

/** `%` and `_` typed by someone searching are themselves, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

/** The WHERE conditions for the filters, adding their values to `params`. */
function conditionsFor(filters: AuditFilters, params: unknown[]): string[] {
  const conditions: string[] = []
  const parameter = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (filters.action !== undefined) conditions.push(`e.action = ${parameter(filters.action)}`)
  if (filters.subjectType !== undefined) conditions.push(`e.subject_type = ${parameter(filters.subjectType)}`)
  if (filters.subjectId !== undefined) conditions.push(`e.subject_id = ${parameter(filters.subjectId)}`)
  if (filters.actor !== undefined) {
    const pattern = parameter(likePattern(filters.actor))
    const exact = parameter(filters.actor.toLowerCase())
    conditions.push(
      `(u.email ILIKE ${pattern} OR u.full_name ILIKE ${pattern}
        OR (e.actor_user_id IS NULL AND e.actor_label ILIKE ${pattern}) OR e.actor_user_id::text = ${exact})`,
    )
  }
  // A day in the UK starts at midnight UK time: GMT in winter, BST in summer.
  if (filters.from !== undefined) {
    const day = parameter(filters.from)
    conditions.push(`e.occurred_at >= (${day}::date::timestamp AT TIME ZONE ${parameter(auditTimeZone)})`)
  }
  if (filters.to !== undefined) {
    const day = parameter(filters.to)
    conditions.push(
      `e.occurred_at < ((${day}::date + 1)::timestamp AT TIME ZONE ${parameter(auditTimeZone)})`,
    )
  }
  return conditions
}

const where = (conditions: readonly string[]) =>
  conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    occurredAt: row.occurred_at,
    actor:
      row.actor_user_id === null
        ? { kind: 'label', label: row.actor_label }
        : {
            kind: 'person',
            userId: row.actor_user_id,
            fullName: row.actor_name ?? '',
            email: row.actor_email,
            closed: row.actor_closed === true,
          },
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    requestId: row.request_id,
    ip: row.ip,
    details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details,
  }
}

export function createAuditRepository(db: Sql): AuditRepository {
  return {
    async findPage(filters, limit, offset) {
      const params: unknown[] = []
      const conditions = where(conditionsFor(filters, params))
      const [count] = await db.query<{ total: number }>(
        `SELECT count(*) AS total FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id ${conditions}`,
        params,
      )
      const rows = await db.query<AuditRow>(
        `${selectEvents} ${conditions} ${newestFirst} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      )
      return { events: rows.map(toEvent), total: Number(count?.total ?? 0) }
    },

    async findAfter(filters, cursor, limit) {
      const params: unknown[] = []
      const conditions = conditionsFor(filters, params)
      if (cursor !== null) {
        params.push(cursor.occurredAt, cursor.id)
        conditions.push(
          `(e.occurred_at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`,
        )
      }
      params.push(limit)
      const rows = await db.query<AuditRow>(
        `${selectEvents} ${where(conditions)} ${newestFirst} LIMIT $${params.length}`,
        params,
      )
      return rows.map(toEvent)
    },

    async listActions() {
      const rows = await db.query<{ action: string }>(
        'SELECT DISTINCT action FROM audit_events ORDER BY action',
      )
      return rows.map((row) => row.action)
    },

    async listSubjectTypes() {
      const rows = await db.query<{ subject_type: string }>(
        'SELECT DISTINCT subject_type FROM audit_events ORDER BY subject_type',
      )
      return rows.map((row) => row.subject_type)
    },
  }
}
