import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { publicPolicy } from './access-control.ts'
import { problemSchema, type ApiRegistry } from './api-routes.ts'

type JsonSchema = Record<string, unknown>

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

/** OpenAPI 3.1 for every declared API route, built from the same schemas that check the requests. */
export function buildOpenApiDocument(registry: ApiRegistry, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of registry.routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}')
    const parameters: JsonSchema[] = []
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (schema === undefined) continue
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const fieldSchema = toJsonSchema(field, 'input')
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !field.safeParse(undefined).success,
          ...(field.description === undefined ? {} : { description: field.description }),
          schema: fieldSchema,
        })
      }
    }
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
    const restricted = route.policy.access === 'signed-in' || route.policy.access === 'role'
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description === undefined ? {} : { description: route.description }),
        tags: [route.tag],
        parameters,
        ...(route.body === undefined
          ? {}
          : {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
              },
            }),
        ...(restricted ? { security: [{ session: [] }] } : {}),
        responses: {
          [String(route.successStatus ?? 200)]: {
            description: route.successStatus === 201 ? 'Created' : 'OK',
            content: { 'application/json': { schema: toJsonSchema(route.response, 'output') } },
          },
          ...(parameters.length > 0 || route.body !== undefined
            ? {
                400: {
                  description: 'A parameter or field is not valid; each one is named.',
                  content: problem,
                },
              }
            : {}),
          ...(restricted
            ? {
                401: { description: 'Not signed in.', content: problem },
                403: {
                  description: 'Signed in, but not allowed to do this (or the CSRF token is missing).',
                  content: problem,
                },
              }
            : {}),
          ...(route.mayBeNotFound === true
            ? { 404: { description: 'Nothing has that id.', content: problem } }
            : {}),
        },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trellis API',
      version: '1.0.0',
      description:
        'Clinical research careers and credentials in the NHS: professions, career stages, funded schemes, the ' +
        'NIHR–AoMRC Clinician Researcher Credentials Framework with its universities, programmes and modules, and NHS ' +
        'organisations. Every fact carries its sources and a status, "verified" or "unverified". Errors are RFC 9457 ' +
        'problem details. NHS organisation data contains public sector information licensed under the Open ' +
        'Government Licence v3.0.',
    },
    servers: [{ url: serverUrl }],
    paths: {
      '/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Whether Trellis and its database are answering',
          tags: ['Operations'],
          responses: {
            200: {
              description: 'Trellis is healthy',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { status: { const: 'ok' }, database: { enum: ['pglite', 'postgresql'] } },
                    required: ['status', 'database'],
                  },
                },
              },
            },
            503: { description: 'The database is not answering' },
          },
        },
      },
      ...paths,
    },
    components: {
      schemas: { Problem: toJsonSchema(problemSchema, 'output') },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'trellis_session',
          description:
            'The session cookie set at sign-in (named __Host-trellis_session in production). Requests that change anything also send the x-csrf-token header given by GET /api/v1/me.',
        },
      },
    },
  }
}

export function registerOpenApi(app: FastifyInstance, registry: ApiRegistry, serverUrl: string): void {
  let document: string | undefined
  app.get('/api/openapi.json', { config: { policy: publicPolicy } }, async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(registry, serverUrl))
    return reply.type('application/json; charset=utf-8').send(document)
  })
}
