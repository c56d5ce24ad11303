import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RoutePolicy } from './access-control.ts'
import { BadRequestError, type InvalidParam } from './problem.ts'
import { parseParameters } from './query-parameters.ts'

/**
 * A field's place in a JSON body as an integrator writes it: `modules[2].credits`, `roles[0]`, `email`.
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`,
      )
      .join('') || 'body'
  )
}

/** Each field a body got wrong, once, in the order the schema lists them. */
export function describeInvalidFields(error: z.ZodError): InvalidParam[] {
  const invalid: InvalidParam[] = []
  const add = (name: string, reason: string) => {
    if (!invalid.some((param) => param.name === name)) invalid.push({ name, reason })
  }
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // Named by the field itself, so a misspelt field is found at once.
      for (const key of issue.keys) add(formatFieldPath([...issue.path, key]), 'is not a field here')
    } else {
      add(formatFieldPath(issue.path), issue.message)
    }
  }
  return invalid
}

function parseBody<B extends z.ZodType>(schema: B, body: unknown): z.infer<B> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError([{ name: 'body', reason: 'must be a JSON object' }])
  }
  const result = schema.safeParse(body)
  if (result.success) return result.data
  throw new BadRequestError(describeInvalidFields(result.error))
}

/**
 * A JSON API route declared once: its parameters and response as zod schemas, which both check requests at
 * run time and describe the route in OpenAPI, so the published description cannot drift from the code.
 */
export interface ApiRoute<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  R extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: 'GET' | 'POST'
  /** Who may call it (docs/adr: access control); checked before the handler. */
  readonly policy: RoutePolicy
  /** Fastify's form: `/api/v1/schemes/:schemeId`. */
  readonly url: string
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tag: string
  readonly params?: P
  readonly query?: Q
  /** A JSON body, for POST: fields that are wrong are named in the problem's `invalid-params`. */
  readonly body?: B
  readonly response: R
  /** The status of a success: 200 unless said otherwise (201 for something created). */
  readonly successStatus?: 200 | 201
  /**
   * 'not-needed': the route changes nothing and reads no session (a calculation anyone may ask for), so it
   * takes requests without a CSRF token and without any cookie, as integrators send them. Public routes only.
   */
  readonly csrf?: 'not-needed'
  /** Responses depend only on the catalogue: cache them until it changes. */
  readonly cacheUntilCatalogueChanges?: boolean
  /** Answers 404 problems (an unknown id). */
  readonly mayBeNotFound?: boolean
  readonly handler: (input: {
    readonly params: z.infer<P>
    readonly query: z.infer<Q>
    readonly body: z.infer<B>
    readonly request: FastifyRequest
    readonly reply: FastifyReply
  }) => Promise<z.input<R>>
}

/** Declares an API route with its types inferred from its schemas. */
export function defineApiRoute<
  P extends z.ZodObject,
  Q extends z.ZodObject,
  R extends z.ZodType,
  B extends z.ZodType = z.ZodType,
>(route: ApiRoute<P, Q, R, B>): ApiRoute<P, Q, R, B> {
  return route
}

export class ApiRegistry {
  readonly #routes: ApiRoute[] = []

  get routes(): readonly ApiRoute[] {
    return this.#routes
  }

  register(app: FastifyInstance, routes: readonly ApiRoute[]): void {
    for (const route of routes) {
      if (route.csrf === 'not-needed' && route.policy.access !== 'public') {
        // A route that knows who is asking could be made to act for them by another site.
        throw new Error(`${route.method} ${route.url}: only public routes may go without CSRF protection`)
      }
      this.#routes.push(route)
      app.route({
        method: route.method,
        url: route.url,
        config: {
          cacheUntilCatalogueChanges: route.cacheUntilCatalogueChanges === true,
          policy: route.policy,
          ...(route.csrf === undefined ? {} : { csrf: route.csrf }),
        },
        handler: async (request, reply) => {
          const params =
            route.params === undefined ? {} : parseParameters(route.params, request.params, 'path')
          const query = route.query === undefined ? {} : parseParameters(route.query, request.query, 'query')
          const body = route.body === undefined ? undefined : parseBody(route.body, request.body)
          const result = await route.handler({ params, query, body, request, reply })
          return reply
            .code(route.successStatus ?? 200)
            .type('application/json; charset=utf-8')
            .send(JSON.stringify(result))
        },
      })
    }
  }
}

// Shared API shapes -------------------------------------------------------------------------------------

/** `?page=2&pageSize=50`: whole numbers, with limits named in the error when they are broken. */
export const paginationQuery = {
  page: z.coerce
    .number({ error: 'must be a whole number from 1' })
    .int('must be a whole number from 1')
    .min(1, 'must be a whole number from 1')
    .max(10_000, 'must be at most 10000')
    .default(1)
    .describe('The page of results, from 1.'),
  pageSize: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(20)
    .describe('How many results a page holds, at most 100.'),
}

export function paginatedResponse<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().describe('How many items match, on all pages.'),
    pageCount: z.number().int(),
  })
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    'invalid-params': z
      .array(z.object({ name: z.string(), reason: z.string() }))
      .optional()
      .describe('Each parameter or field that was wrong, and why.'),
  })
  .describe('RFC 9457 problem details')
