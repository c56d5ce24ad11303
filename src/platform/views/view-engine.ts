import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyView from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import nunjucks from 'nunjucks'
import { registerViewFilters } from './view-filters.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Values every view receives (@fastify/view merges them into each render's context). */
    locals?: Record<string, unknown>
  }
}

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/**
 * Where templates are found: our layout and partials, then each module's `views/` (a page names its module:
 * `catalogue/views/scheme.njk`), then nhsuk-frontend's macros (`nhsuk/components/button/macro.njk`).
 */
export const templatePaths = [
  join(projectRoot, 'src', 'platform', 'views'),
  join(projectRoot, 'src', 'modules'),
  join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist'),
]

/** Nunjucks through @fastify/view, with an environment of our own rather than nunjucks' global one. */
export async function registerViews(
  app: FastifyInstance,
  options: { readonly cacheTemplates: boolean },
): Promise<void> {
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(templatePaths, { noCache: !options.cacheTemplates }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  registerViewFilters(environment)
  await app.register(fastifyView, {
    engine: { nunjucks: { configure: () => environment } },
    templates: templatePaths,
    production: options.cacheTemplates,
    defaultContext: { serviceName: 'Trellis' },
  })
}
