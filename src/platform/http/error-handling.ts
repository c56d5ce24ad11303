import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError, problemContentType, toProblem } from './problem.ts'
import { TooManyRequestsError } from './rate-limit.ts'

/** Requests for JSON (the API, OpenAPI, health) get problem+json; everyone else gets an NHS-styled page. */
function wantsJson(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? ''
  return path.startsWith('/api/') || path === '/health'
}

/**
 * One place turns every failure into a response: a deliberate HttpError keeps its status and message; a
 * malformed request from Fastify (bad JSON, too large) keeps its 4xx; anything else is logged with its stack
 * and answered with a plain 500 that reveals nothing of the internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url
    return sendError(request, reply, new HttpError(404, 'Page not found', `There is nothing at ${path}.`))
  })

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return sendError(request, reply, error)
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return sendError(request, reply, new HttpError(status, titleFor(status), error.message))
    }
    request.log.error({ err: error }, 'request failed')
    return sendError(
      request,
      reply,
      new HttpError(
        500,
        'Sorry, there is a problem with the service',
        'Something went wrong on our side. Try again later.',
      ),
    )
  })
}

async function sendError(request: FastifyRequest, reply: FastifyReply, error: HttpError) {
  reply.code(error.statusCode)
  if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds))
  if (wantsJson(request)) {
    return reply.type(problemContentType).send(toProblem(error, request.url))
  }
  const template =
    error.statusCode === 404
      ? 'errors/not-found.njk'
      : error.statusCode >= 500
        ? 'errors/server-error.njk'
        : error.statusCode === 401 || error.statusCode === 403
          ? 'errors/forbidden.njk'
          : error.statusCode === 429
            ? 'errors/too-many-requests.njk'
            : 'errors/bad-request.njk'
  const isAddressProblem = error.statusCode === 400 && error.invalidParams.length > 0
  return reply.type('text/html; charset=utf-8').view(template, {
    pageTitle: isAddressProblem ? 'There is a problem with the page address' : error.title,
    error,
    path: request.url.split('?')[0],
    cspNonce: request.cspNonce,
    currentUser: request.principal === null ? null : { name: request.principal.displayName },
  })
}

function titleFor(status: number): string {
  if (status === 404) return 'Not found'
  if (status === 405) return 'Method not allowed'
  if (status === 413) return 'Request too large'
  if (status === 415) return 'Unsupported media type'
  if (status === 429) return 'Too many requests'
  return 'Bad request'
}
