import { join } from 'node:path'
import fastifyFormbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Config } from './config.ts'
import type { Services } from './composition.ts'
import type { Database } from './platform/database/database.ts'
import { ApiRegistry } from './platform/http/api-routes.ts'
import { registerErrorHandling } from './platform/http/error-handling.ts'
import { registerHealth } from './platform/http/health.ts'
import { registerOpenApi } from './platform/http/openapi.ts'
import { registerResponseCache } from './platform/http/response-cache.ts'
import { registerSecurityHeaders } from './platform/http/security-headers.ts'
import { registerSitePages } from './platform/http/site-pages.ts'
import { loggerOptions, registerRequestLog } from './platform/logging/logger-options.ts'
import { projectRoot, registerViews } from './platform/views/view-engine.ts'
import { catalogueApiRoutes, registerCataloguePages } from './modules/catalogue/index.ts'
import { frameworkApiRoutes, registerFrameworkPages } from './modules/framework/index.ts'
import { organisationApiRoutes, registerOrganisationPages } from './modules/organisations/index.ts'
import { registerPathwayPages } from './modules/pathways/index.ts'

export interface AppDependencies {
  readonly config: Pick<Config, 'environment' | 'logLevel' | 'publicUrl'>
  readonly database: Database
  readonly services: Services
}

/**
 * The whole request pipeline, in order: logging and request ids, security headers, body parsing, static
 * assets, views, the catalogue response cache, errors, then every module's pages and API routes. Tests build
 * the app with this same function.
 */
export async function buildApp({ config, database, services }: AppDependencies): Promise<FastifyInstance> {
  const isProduction = config.environment === 'production'
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : loggerOptions(config.logLevel),
    requestIdHeader: 'x-request-id',
    // One line per request, written when it completes (registerRequestLog), rather than two.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    genReqId: () => crypto.randomUUID(),
    trustProxy: isProduction,
    bodyLimit: 1_048_576,
    routerOptions: { ignoreTrailingSlash: true },
  })

  registerSecurityHeaders(app, { isProduction })
  registerRequestLog(app)
  // Early, so that a cached answer skips every later hook.
  registerResponseCache(app, {
    currentVersion: async () => String((await services.catalogue.findCurrentVersion())?.id ?? 'empty'),
    versionTtlMs: 2_000,
    maxEntries: 2_000,
  })
  await app.register(fastifyFormbody)
  await app.register(fastifyStatic, {
    root: [
      join(projectRoot, 'assets'),
      join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk', 'assets'),
      join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk'),
    ],
    prefix: '/assets/',
    maxAge: isProduction ? '1d' : 0,
    index: false,
    wildcard: false,
  })
  await registerViews(app, { cacheTemplates: config.environment !== 'development' })
  app.addHook('preHandler', (request, reply, done) => {
    reply.locals = { ...reply.locals, cspNonce: request.cspNonce }
    done()
  })
  registerErrorHandling(app)

  registerHealth(app, database)
  registerSitePages(app)
  registerPathwayPages(app, services)
  registerCataloguePages(app, services)
  registerFrameworkPages(app, services)
  registerOrganisationPages(app, services)

  const api = new ApiRegistry()
  api.register(app, catalogueApiRoutes(services))
  api.register(app, frameworkApiRoutes(services))
  api.register(app, organisationApiRoutes(services))
  registerOpenApi(app, api, config.publicUrl)
  return app
}
