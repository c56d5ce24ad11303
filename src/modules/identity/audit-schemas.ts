import { z } from 'zod'
import { paginationQuery } from '../../platform/http/api-routes.ts'
import { dateProblem, readDateParts, type AuditFilters } from './audit.ts'

/**
 * The audit log's address: its filters (a GET form, so that a filtered view can be bookmarked, paged and
 * exported) and the page. This schema only checks the shape: an unknown parameter or a page that is not a
 * number is a 400 about the address; what people type is checked by `auditFilterForm`, with NHS errors.
 */
const queryText = z.string().max(1000, 'must be 1000 characters or fewer').optional()

export const auditQuery = z.strictObject({
  action: queryText,
  actor: queryText,
  subjectType: queryText,
  subjectId: queryText,
  'from-day': queryText,
  'from-month': queryText,
  'from-year': queryText,
  'to-day': queryText,
  'to-month': queryText,
  'to-year': queryText,
  page: paginationQuery.page,
})
export type AuditQuery = z.infer<typeof auditQuery>

/** The names of the filter fields, in the order of the form: pagination and the export carry them on. */
export const auditFilterFields = [
  'action',
  'actor',
  'subjectType',
  'subjectId',
  'from-day',
  'from-month',
  'from-year',
  'to-day',
  'to-month',
  'to-year',
] as const

const filterText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((value) => (value === '' ? undefined : value))

const datePart = z.string().max(10).default('')

/** The filters as typed: lengths and the two dates checked, one message per field, as the form lists them. */
export const auditFilterForm = z
  .object({
    action: filterText('Action', 100),
    actor: filterText('Who acted', 200),
    subjectType: filterText('Subject type', 100),
    subjectId: filterText('Subject id', 200),
    'from-day': datePart,
    'from-month': datePart,
    'from-year': datePart,
    'to-day': datePart,
    'to-month': datePart,
    'to-year': datePart,
  })
  .transform((form, context): AuditFilters => {
    const read = (prefix: 'from' | 'to') =>
      readDateParts({
        day: form[`${prefix}-day`],
        month: form[`${prefix}-month`],
        year: form[`${prefix}-year`],
      })
    const from = read('from')
    const to = read('to')
    const fromProblem = dateProblem('From date', from)
    const toProblem = dateProblem('To date', to)
    if (fromProblem !== null) context.addIssue({ code: 'custom', path: ['from'], message: fromProblem })
    if (toProblem !== null) context.addIssue({ code: 'custom', path: ['to'], message: toProblem })
    if (from.kind === 'date' && to.kind === 'date' && from.iso > to.iso) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'To date must be the same as or after the from date',
      })
    }
    return {
      ...(form.action === undefined ? {} : { action: form.action }),
      ...(form.actor === undefined ? {} : { actor: form.actor }),
      ...(form.subjectType === undefined ? {} : { subjectType: form.subjectType }),
      ...(form.subjectId === undefined ? {} : { subjectId: form.subjectId }),
      ...(from.kind === 'date' ? { from: from.iso } : {}),
      ...(to.kind === 'date' ? { to: to.iso } : {}),
    }
  })
