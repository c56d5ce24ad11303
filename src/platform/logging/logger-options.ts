import type { FastifyInstance, FastifyServerOptions } from 'fastify'

/** Query parameters that may carry a secret (sign-in links, resets); their values never reach the logs. */
const secretParameters = /([?&](?:token|code|state|password|secret)=)[^&]*/gi

export function redactUrl(url: string): string {
  return url.replace(secretParameters, '$1[redacted]')
}

/**
 * Structured JSON logs (pino) with a request id on every line. Credentials, cookies and secret query values
 * are redacted, never logged.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        // Named paths only: wildcard redaction costs on every line. Nothing logs request bodies; services that log
        // an object with a secret in it must name its path here.
        'password',
        'token',
        'secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; id: string; ip?: string }) {
        return { id: request.id, method: request.method, url: redactUrl(request.url), ip: request.ip }
      },
    },
  }
}

/**
 * One structured line per request when its response is sent: method, path (secrets redacted), status, time
 * taken and whether the cache answered. Errors are logged where they are handled, with their stack.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
        cache: reply.getHeader('x-cache'),
      },
      'request completed',
    )
    done()
  })
}
