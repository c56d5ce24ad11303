import type { FastifyInstance } from 'fastify'
import { publicPolicy } from './access-control.ts'

/** Pages about the service itself rather than any module's content. */
export function registerSitePages(app: FastifyInstance): void {
  app.get(
    '/accessibility',
    { config: { cacheUntilCatalogueChanges: true, policy: publicPolicy } },
    async (_request, reply) => reply.view('site/accessibility.njk', { pageTitle: 'Accessibility statement' }),
  )
}
