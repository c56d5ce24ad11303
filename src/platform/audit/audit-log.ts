import type { Sql } from '../database/database.ts'

/** Who acted: a signed-in person, or what acted when nobody was signed in. */
export type AuditActor =
  { readonly userId: string } | { readonly label: 'anonymous' | 'system' | 'command line' }

/** Where an action came from: the request's id and address (or none, for the command line). */
export interface AuditOrigin {
  readonly requestId: string | null
  readonly ip: string | null
}

export interface AuditEntry {
  readonly actor: AuditActor
  readonly action: string
  readonly subjectType: string
  readonly subjectId: string | null
  readonly origin: AuditOrigin
  /** Facts about the action, never secrets: no passwords, tokens or links. */
  readonly details?: Readonly<Record<string, unknown>>
}

export const commandLineOrigin: AuditOrigin = { requestId: null, ip: null }

/**
 * Appends a significant action to the audit log, in the caller's transaction, so that the record and the
 * action are written together or not at all. The table refuses updates and deletes.
 */
export async function recordAudit(tx: Sql, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (actor_user_id, actor_label, action, subject_type, subject_id, request_id, ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      'userId' in entry.actor ? entry.actor.userId : null,
      'userId' in entry.actor ? 'user' : entry.actor.label,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.origin.requestId,
      entry.origin.ip,
      JSON.stringify(entry.details ?? {}),
    ],
  )
}
