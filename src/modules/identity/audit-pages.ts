import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { RoutePolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, type FieldError } from '../../platform/http/forms.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import { buildPagination } from '../../platform/views/pagination.ts'
import { actorName, formatWhen, listDetails, ukDate, type AuditEvent } from './audit.ts'
import { auditCsvRecords, startAuditCsv } from './audit-csv.ts'
import { auditFilterFields, auditFilterForm, auditQuery, type AuditQuery } from './audit-schemas.ts'
import type { AuditLogPage, AuditService } from './audit-service.ts'

/** Only framework admins read the audit log: it names people and where they signed in from. */
export const auditReaderPolicy: RoutePolicy = { access: 'role', roles: ['framework-admin'] }

/** The filters as typed, for the links to other pages and to the export: empty fields are left out. */
function filterSearch(query: AuditQuery): URLSearchParams {
  const params = new URLSearchParams()
  for (const field of auditFilterFields) {
    const value = query[field]?.trim()
    if (value !== undefined && value !== '') params.set(field, value)
  }
  return params
}

/** A menu of the values that occur, keeping a value from the address that no entry has (yet). */
function menuItems(anyText: string, values: readonly string[], selected: string | undefined) {
  const chosen = selected?.trim() || undefined
  const all = chosen !== undefined && !values.includes(chosen) ? [...values, chosen].sort() : values
  return [
    { value: '', text: anyText },
    ...all.map((value) => ({ value, text: value, selected: value === chosen })),
  ]
}

const dateParts = ['day', 'month', 'year'] as const

/**
 * The parts of a date field to mark as wrong, as the NHS date input pattern asks: only the missing ones when
 * some are missing, otherwise all three. The error summary links to the first of them.
 */
function partsInError(query: AuditQuery, prefix: 'from' | 'to'): readonly string[] {
  const missing = dateParts.filter((part) => (query[`${prefix}-${part}`] ?? '').trim() === '')
  return missing.length > 0 && missing.length < dateParts.length ? missing : dateParts
}

function entryView(event: AuditEvent) {
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    when: formatWhen(event.occurredAt),
    who: actorName(event.actor),
    email: event.actor.kind === 'person' && !event.actor.closed ? event.actor.email : null,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    requestId: event.requestId,
    ip: event.ip,
    details: listDetails(event.details),
  }
}

/** The audit log for framework admins: newest first, 50 a page, filtered, and exported as CSV. */
export function registerAuditPages(app: FastifyInstance, deps: { readonly audit: AuditService }): void {
  const { audit } = deps
  const adminRoute = { config: { policy: auditReaderPolicy } }

  const show = async (
    reply: FastifyReply,
    query: AuditQuery,
    outcome: { readonly result: AuditLogPage } | { readonly errors: readonly FieldError[] },
  ) => {
    const choices = await audit.listChoices()
    const search = filterSearch(query)
    const errors = 'errors' in outcome ? outcome.errors : []
    const result = 'result' in outcome ? outcome.result : null
    const hrefFor = (page: number) => {
      const params = new URLSearchParams(search)
      params.set('page', String(page))
      return `/admin/audit?${params.toString()}`
    }
    return reply
      .code(errors.length > 0 ? 400 : 200)
      .header('cache-control', 'no-store')
      .view('identity/views/audit.njk', {
        pageTitle: 'Audit log',
        values: query,
        actionItems: menuItems('Any action', choices.actions, query.action),
        subjectTypeItems: menuItems('Any subject type', choices.subjectTypes, query.subjectType),
        filtered: search.size > 0,
        result,
        entries: result?.events.map(entryView) ?? [],
        pagination: result === null ? null : buildPagination(result.page, result.pageCount, hrefFor),
        firstPageHref: hrefFor(1),
        csvHref: search.size > 0 ? `/admin/audit.csv?${search.toString()}` : '/admin/audit.csv',
        errors: errors.map((error) => ({
          text: error.message,
          href:
            error.field === 'from' || error.field === 'to'
              ? `#${error.field}-${partsInError(query, error.field)[0]}`
              : `#${error.field}`,
        })),
        fieldErrors: errorsByField(errors),
        dateErrorParts: { from: partsInError(query, 'from'), to: partsInError(query, 'to') },
      })
  }

  app.get('/admin/audit', adminRoute, async (request, reply) => {
    const query = parseParameters(auditQuery, request.query, 'query')
    const form = parseForm(auditFilterForm, query)
    if (!form.ok) return show(reply, query, { errors: form.errors })
    return show(reply, query, { result: await audit.findPage(form.data, query.page) })
  })

  app.get('/admin/audit.csv', adminRoute, async (request, reply) => {
    const query = parseParameters(auditQuery, request.query, 'query')
    const form = parseForm(auditFilterForm, query)
    if (!form.ok) return show(reply, query, { errors: form.errors })
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="trellis-audit-${ukDate(new Date())}.csv"`)
      .header('cache-control', 'no-store')
    // Fastify answers HEAD with the GET handler: a HEAD sends no entry, so it reads none and records nothing.
    if (request.method === 'HEAD') return reply.send()
    // Recorded before the first row is read, in its own transaction: a download cut short was still an export.
    await audit.recordExport(request.principal!.userId, form.data, requestContextOf(request))
    const events = audit.exportEvents(form.data)
    async function* csv() {
      yield startAuditCsv()
      for await (const chunk of events) yield auditCsvRecords(chunk)
    }
    return reply.send(Readable.from(csv()))
  })
}
