import type { z } from 'zod'

/** A problem with one field of a form, as the NHS error pattern shows it: in the summary and at the field. */
export interface FieldError {
  readonly field: string
  readonly message: string
}

export type FormResult<T> =
  | { readonly ok: true; readonly data: T }
  | {
      readonly ok: false
      readonly errors: readonly FieldError[]
      readonly values: Readonly<Record<string, unknown>>
    }

/**
 * Parses a posted form (or a JSON body: the same schema serves both) and, when it is wrong, gives one message
 * per field in the order the schema lists them, so the error summary reads top to bottom like the form.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const result = schema.safeParse(values)
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldError[] = []
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'form'
    if (!errors.some((error) => error.field === field)) errors.push({ field, message: issue.message })
  }
  return { ok: false, errors, values: withoutSecrets(values) }
}

/** Form values sent back to the page, without passwords or tokens: those are never echoed. */
export function withoutSecrets(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([key]) => !/password|token|_csrf/i.test(key) && typeof values[key] === 'string',
    ),
  )
}

/** Field messages keyed by field, for the templates' `errorMessage` options. */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  return Object.fromEntries(errors.map((error) => [error.field, error.message]))
}
