import type { z } from 'zod'
import { BadRequestError, type InvalidParam } from './problem.ts'

/**
 * Parses query or path parameters with a zod schema; on failure throws a 400 that names each parameter and
 * what it allows. Unknown parameters are refused too, so that a typo (`?profesion=`) is not silently ignored.
 */
export function parseParameters<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'query' | 'path',
): z.infer<S> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  const params: InvalidParam[] = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        name: issue.keys.join(', '),
        reason: `is not a ${where} parameter of this address`,
      }
    }
    return { name: issue.path.map(String).join('.') || where, reason: issue.message }
  })
  throw new BadRequestError(params)
}
