import { buildApp } from './app.ts'
import { openComposition } from './composition.ts'
import { readConfigOrExit } from './config.ts'
import { formatProblem, readCatalogue } from './modules/catalogue/index.ts'

/**
 * Starts Trellis: read the configuration, open the database and migrate it, load the catalogue when content/
 * has changed, then listen. SIGINT and SIGTERM close the server and the database cleanly.
 */
async function main(): Promise<void> {
  const config = readConfigOrExit()
  const composition = await openComposition(config)
  const catalogue = await readCatalogue(config.contentDirectory)
  if (catalogue.problems.length > 0) {
    for (const problem of catalogue.problems) console.error(formatProblem(problem))
    console.error(
      `Trellis did not start: content/ has ${catalogue.problems.length} problems (trellis catalogue check).`,
    )
    await composition.close()
    process.exit(1)
  }
  const loaded = await composition.services.catalogue.loadIfChanged(catalogue)

  const app = await buildApp({
    config,
    database: composition.database,
    services: composition.services,
    sessionSecret: composition.sessionSecret,
  })
  app.log.info(
    {
      engine: composition.database.engine,
      migrationsApplied: composition.migrations,
      catalogue: { loadedNow: loaded.loaded, entries: loaded.entries, organisations: loaded.organisations },
    },
    loaded.loaded ? 'catalogue loaded' : 'catalogue unchanged since the last load',
  )

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await composition.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ host: config.host, port: config.port })
  console.log(`Trellis is running at ${config.publicUrl} (database: ${composition.database.engine})`)
}

await main()
