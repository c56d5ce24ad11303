import { join } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import type { Config } from './config.ts'
import type { Services } from './composition.ts'
import type { Database } from './platform/database/database.ts'
import { registerOutboxPages } from './platform/email/outbox-pages.ts'
import { publicPolicy, registerAccessControl, type RegisteredRoute } from './platform/http/access-control.ts'
import { ApiRegistry } from './platform/http/api-routes.ts'
import { registerCsrfProtection } from './platform/http/csrf.ts'
import { registerMultipartForms } from './platform/http/multipart.ts'
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
import {
  identityApiRoutes,
  registerAccountPages,
  registerAuditPages,
  registerMembershipPages,
  registerOidcPages,
  registerSessionLoading,
  sessionCookieSettings,
} from './modules/identity/index.ts'
import { organisationApiRoutes, registerOrganisationPages } from './modules/organisations/index.ts'
import { registerPathwayPages } from './modules/pathways/index.ts'
import {
  credentialsApiRoutes,
  registerIssuerPages,
  registerVerificationPages,
} from './modules/credentials/index.ts'
import {
  learningApiRoutes,
  maximumEvidenceBytes,
  maximumEvidenceFiles,
  registerCohortPages,
  registerLearnerPages,
} from './modules/learning/index.ts'
import {
  registerOfferPages,
  registerPreferencePages,
  registerStudiesPages,
  registerPlacementPages,
  registerSupervisionPages,
} from './modules/placements/index.ts'

export interface AppDependencies {
  readonly config: Pick<Config, 'environment' | 'logLevel' | 'publicUrl'>
  readonly database: Database
  readonly services: Services
  /** Signs CSRF tokens. */
  readonly sessionSecret: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access policy, as registered: the authorisation matrix reads it. */
    routeTable: readonly RegisteredRoute[]
  }
}

const nhsukAssets = join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk')

/**
 * The whole request pipeline, in order: logging and request ids, security headers, cookies, the catalogue
 * response cache (which answers anonymous catalogue reads before anything else), who is signed in, access
 * control and CSRF, body parsing, static assets, views, errors, then every module's pages and API routes.
 * Tests build the app with this same function.
 */
export async function buildApp({
  config,
  database,
  services,
  sessionSecret,
}: AppDependencies): Promise<FastifyInstance> {
  const isProduction = config.environment === 'production'
  const cookie = sessionCookieSettings(config.environment)
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
  const routeTable = registerAccessControl(app)
  app.decorate('routeTable', routeTable)

  registerSecurityHeaders(app, { isProduction })
  registerRequestLog(app)
  await app.register(fastifyCookie)
  // Early, so that a cached answer skips every later hook; signed-in people are never served from it.
  registerResponseCache(app, {
    currentVersion: async () => String((await services.catalogue.findCurrentVersion())?.id ?? 'empty'),
    versionTtlMs: 2_000,
    maxEntries: 2_000,
    isPersonal: (request) => request.cookies[cookie.name] !== undefined,
  })
  registerSessionLoading(app, services.sessions, cookie)
  // Before CSRF: multipart forms (files of evidence, CSV results) are read into the body by a preValidation hook,
  // which must run before the CSRF check's, so that the check finds their `_csrf` field.
  await registerMultipartForms(app, {
    maximumFileBytes: maximumEvidenceBytes,
    maximumFiles: maximumEvidenceFiles,
  })
  const csrf = registerCsrfProtection(app, { secret: sessionSecret, secureCookies: cookie.secure })
  await app.register(fastifyFormbody)
  await app.register(async (assets) => {
    // Public files: the policy is declared once for every file route the static plugin makes.
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, policy: publicPolicy }
    })
    await assets.register(fastifyStatic, {
      root: [join(projectRoot, 'assets'), join(nhsukAssets, 'assets'), nhsukAssets],
      prefix: '/assets/',
      maxAge: isProduction ? '1d' : 0,
      index: false,
      wildcard: true,
      allowedPath: (path) =>
        /^\/(trellis\.(css|js)|nhsuk-frontend\.min\.(css|js)|images\/[\w.-]+|manifest\.json)$/.test(path),
    })
  })
  await registerViews(app, { cacheTemplates: config.environment !== 'development' })
  app.addHook('preHandler', (request, reply, done) => {
    const personal =
      request.principal !== null || request.routeOptions.config.cacheUntilCatalogueChanges !== true
    reply.locals = {
      ...reply.locals,
      cspNonce: request.cspNonce,
      currentUser: request.principal === null ? null : { name: request.principal.displayName },
      // Cached catalogue pages have no forms that post, so they carry no token (and set no cookie).
      ...(personal && request.method === 'GET' ? { csrfToken: csrf.tokenFor(request, reply) } : {}),
    }
    done()
  })
  registerErrorHandling(app)

  registerHealth(app, database)
  registerSitePages(app)
  registerPathwayPages(app, services)
  registerCataloguePages(app, services)
  registerFrameworkPages(app, services)
  registerOrganisationPages(app, services)
  registerAccountPages(app, {
    accounts: services.accounts,
    memberships: services.memberships,
    catalogue: services.catalogue,
    cookie,
    oidcProviders: services.oidc.listProviders(),
  })
  registerOidcPages(app, {
    oidc: services.oidc,
    accounts: services.accounts,
    catalogue: services.catalogue,
    cookie,
  })
  registerMembershipPages(app, { memberships: services.memberships, cookie })
  registerAuditPages(app, { audit: services.audit })
  registerLearnerPages(app, { learning: services.learning })
  registerCohortPages(app, { learning: services.learning })
  registerStudiesPages(app, { studies: services.studies })
  registerOfferPages(app, { offers: services.offers })
  registerPreferencePages(app, {
    preferences: services.preferences,
    offers: services.offers,
    placements: services.placements,
  })
  registerPlacementPages(app, { placements: services.placements })
  registerSupervisionPages(app, { supervision: services.supervision })
  registerVerificationPages(app, { credentialVerification: services.credentialVerification })
  registerIssuerPages(app, { issuers: services.issuers, statusLists: services.statusLists })
  if (services.mailer.kind === 'outbox') {
    registerOutboxPages(app, { outbox: services.emailOutbox, environment: config.environment })
  }

  const api = new ApiRegistry()
  api.register(app, catalogueApiRoutes(services))
  api.register(app, frameworkApiRoutes(services))
  api.register(app, organisationApiRoutes(services))
  api.register(app, learningApiRoutes({ learning: services.learning }))
  api.register(app, credentialsApiRoutes({ credentialVerification: services.credentialVerification }))
  api.register(
    app,
    identityApiRoutes({
      accounts: services.accounts,
      memberships: services.memberships,
      csrfTokenFor: csrf.tokenFor,
    }),
  )
  registerOpenApi(app, api, config.publicUrl)
  return app
}
