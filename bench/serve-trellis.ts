/**
 * The server under test: the real Trellis app (the same buildApp as production), run in a child process of
 * bench/run.ts so the load generator never shares its event loop.
 *
 *   node --import tsx bench/serve-trellis.ts --content <dir> --data <dir> [--database-url <url>]
 *
 * Production-like: environment 'production' (HSTS, upgrade-insecure-requests, cache headers) and pino logging
 * at info level to stdout, which the parent points at a file or /dev/null. Embedded PGlite stores the
 * catalogue under the given data directory; with --database-url (the learner-record benchmark), the PostgreSQL
 * server does, through the same connection pool as production, and the data directory only holds the CSRF
 * secret. Listens on 127.0.0.1 on a free port and reports the port to the parent over IPC (and on stderr, for
 * a person running it by hand). SIGTERM or a "stop" message closes the server and the database, so that
 * `--cpu-prof` can write its profile on exit.
 */
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { readConfig } from '../src/config.ts'
import { openComposition } from '../src/composition.ts'
import { readCatalogue } from '../src/modules/catalogue/index.ts'
import { announceListening, onStop } from './child-signals.ts'

const { values } = parseArgs({
  options: {
    content: { type: 'string' },
    data: { type: 'string' },
    'database-url': { type: 'string' },
  },
})
if (values.content === undefined || values.data === undefined) {
  console.error(
    'usage: serve-trellis.ts --content <content dir> --data <empty data dir> [--database-url <url>]',
  )
  process.exit(2)
}

// A production-like configuration, on embedded PGlite in a scratch directory or on the PostgreSQL server given
// (readConfig would refuse PGlite, and the absence of SMTP, in production, so the settings are taken from a
// development configuration).
const config = {
  ...readConfig({
    DATA_DIR: values.data,
    CONTENT_DIR: values.content,
    PUBLIC_URL: 'http://127.0.0.1',
    ...(values['database-url'] === undefined ? {} : { DATABASE_URL: values['database-url'] }),
  }),
  environment: 'production' as const,
  logLevel: 'info' as const,
}
const composition = await openComposition(config)
const catalogue = await readCatalogue(values.content)
if (catalogue.problems.length > 0) {
  console.error(`content/ has ${catalogue.problems.length} problems; run "trellis catalogue check"`)
  await composition.close()
  process.exit(1)
}
await composition.services.catalogue.loadIfChanged(catalogue)

const app = await buildApp({
  // publicUrl only appears in absolute links (OpenAPI servers); it is not fetched.
  config,
  database: composition.database,
  services: composition.services,
  sessionSecret: composition.sessionSecret,
})
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
if (address === null || typeof address === 'string') throw new Error('Trellis did not listen on a TCP port')

onStop(async () => {
  await app.close()
  await composition.close()
})
announceListening(address.port)
