import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { Database } from '../../platform/database/database.ts'
import type { RequestContext } from '../../platform/http/request-context.ts'
import type { AuditCursor, AuditEvent, AuditFilters } from './audit.ts'
import type { AuditRepository } from './audit-repository.ts'

export const auditPageSize = 50
export const auditExportChunkSize = 1000

export interface AuditLogPage {
  readonly events: readonly AuditEvent[]
  readonly total: number
  readonly page: number
  readonly pageCount: number
}

/** Reading the audit log, for framework admins (the routes' policy says who may): a page, or all of it as CSV. */
export interface AuditService {
  /** The actions and subject types that occur, for the filter menus. */
  listChoices(): Promise<{ actions: string[]; subjectTypes: string[] }>
  findPage(filters: AuditFilters, page: number): Promise<AuditLogPage>
  /** Records that someone exported the log with these filters, in a transaction of its own. */
  recordExport(actorUserId: string, filters: AuditFilters, context: RequestContext): Promise<void>
  /**
   * Every matching entry, newest first, in chunks read one after another (keyset pagination over the time and
   * id), so that a large log is never held in memory at once. Each chunk is its own query: no transaction is
   * held open while a slow download drains.
   */
  exportEvents(filters: AuditFilters): AsyncGenerator<readonly AuditEvent[]>
}

export interface AuditServiceDependencies {
  readonly db: Database
  readonly audit: AuditRepository
  readonly exportChunkSize?: number
}

export function createAuditService(deps: AuditServiceDependencies): AuditService {
  const { db, audit } = deps
  const chunkSize = deps.exportChunkSize ?? auditExportChunkSize
  return {
    async listChoices() {
      const [actions, subjectTypes] = await Promise.all([audit.listActions(), audit.listSubjectTypes()])
      return { actions, subjectTypes }
    },

    async findPage(filters, page) {
      const { events, total } = await audit.findPage(filters, auditPageSize, (page - 1) * auditPageSize)
      return { events, total, page, pageCount: Math.max(1, Math.ceil(total / auditPageSize)) }
    },

    async recordExport(actorUserId, filters, context) {
      await db.transaction((tx) =>
        recordAudit(tx, {
          actor: { userId: actorUserId },
          action: 'audit.exported',
          subjectType: 'audit-log',
          subjectId: null,
          origin: context,
          details: { filters },
        }),
      )
    },

    async *exportEvents(filters) {
      let cursor: AuditCursor | null = null
      for (;;) {
        const events = await audit.findAfter(filters, cursor, chunkSize)
        if (events.length > 0) yield events
        if (events.length < chunkSize) return
        const last = events[events.length - 1]!
        cursor = { occurredAt: last.occurredAt, id: last.id }
      }
    },
  }
}
