import type { FastifyInstance } from 'fastify'

/** Pages about the service itself rather than any module's content. */
export function registerSitePages(app: FastifyInstance): void {
  app.get('/accessibility', { config: { cacheUntilCatalogueChanges: true } }, async (_request, reply) =>
    reply.view('site/accessibility.njk', { pageTitle: 'Accessibility statement' }),
  )
}
