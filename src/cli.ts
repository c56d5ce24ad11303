import { relative } from 'node:path'
import { z } from 'zod'
import { readConfigOrExit, type Config } from './config.ts'
import { formatProblem, readCatalogue } from './modules/catalogue/index.ts'

/**
 * The `trellis` command. Each command prints what it did or, on bad input, the file, line or path and the
 * reason; it exits 0 on success, 1 when the input is wrong, 2 when the command itself is misused.
 */
const usage = `Usage: trellis <command>

Commands:
  catalogue check   Validate every file in content/ and print each problem with its file, line, entry and field
  catalogue load    Validate content/ and load it into the database in one transaction
  migrate           Apply database migrations
  admin create EMAIL
                    Make EMAIL a framework admin: at once if it has a confirmed account, otherwise by an
                    emailed invitation (the link is printed too)
  help              Show this help

Environment: DATABASE_URL (a PostgreSQL server; embedded PGlite under DATA_DIR otherwise), CONTENT_DIR.`

export interface CliOutput {
  out(line: string): void
  error(line: string): void
}

export async function runCli(args: readonly string[], config: Config, output: CliOutput): Promise<number> {
  const [command, subcommand, ...rest] = args
  const contentLabel = relative(process.cwd(), config.contentDirectory) || '.'

  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    output.out(usage)
    return command === undefined ? 2 : 0
  }

  if (command === 'catalogue' && (subcommand === 'check' || subcommand === 'load') && rest.length === 0) {
    const catalogue = await readCatalogue(config.contentDirectory)
    if (catalogue.problems.length > 0) {
      for (const problem of catalogue.problems) {
        output.error(formatProblem({ ...problem, file: `${contentLabel}/${problem.file}` }))
      }
      const count = catalogue.problems.length
      output.error(
        `${count} problem${count === 1 ? '' : 's'} in ${contentLabel}/` +
          (subcommand === 'load' ? '; nothing was loaded and the database is as it was.' : '.'),
      )
      return 1
    }
    if (subcommand === 'check') {
      output.out(`${contentLabel}/ is valid: ${catalogue.files.length} files checked.`)
      return 0
    }
    const { openComposition } = await import('./composition.ts')
    const composition = await openComposition(config)
    try {
      const result = await composition.services.catalogue.load(catalogue)
      output.out(
        `Loaded the catalogue into ${composition.database.engine}: ${result.entries} entries and ` +
          `${result.organisations} NHS organisations (version ${result.contentHash.slice(0, 12)}).`,
      )
      return 0
    } finally {
      await composition.close()
    }
  }

  if (command === 'admin' && subcommand === 'create') {
    const [email, extra] = rest
    const parsed = z.email().safeParse(email?.trim())
    if (email === undefined || extra !== undefined || !parsed.success) {
      output.error(
        `trellis admin create: give one email address, such as name@nhs.net${email === undefined ? '' : ` (not "${[email, extra].filter(Boolean).join(' ')}")`}`,
      )
      return 2
    }
    const { openComposition } = await import('./composition.ts')
    const composition = await openComposition(config)
    try {
      const result = await composition.services.memberships.createFrameworkAdmin(parsed.data)
      if (result.kind === 'granted') {
        output.out(
          `${parsed.data} is now a framework admin. Their sessions have ended: they sign in again to use the role.`,
        )
      } else {
        output.out(
          `${parsed.data} has no confirmed Trellis account yet, so we invited them to be a framework admin.`,
        )
        output.out(
          `The invitation was emailed (${composition.services.mailer.kind === 'outbox' ? 'to the development outbox' : 'by SMTP'}) and expires in 7 days. Its link:`,
        )
        output.out(result.link)
      }
      return 0
    } finally {
      await composition.close()
    }
  }

  if (command === 'migrate' && subcommand === undefined) {
    const { openComposition } = await import('./composition.ts')
    const composition = await openComposition(config)
    try {
      output.out(
        `Database (${composition.database.engine}) is up to date: ${composition.migrations.length} migrations applied now.`,
      )
      return 0
    } finally {
      await composition.close()
    }
  }

  output.error(`Unknown command: trellis ${args.join(' ')}\n\n${usage}`)
  return 2
}

/** The process entry for `trellis` (bin/trellis.js). */
export async function runCliMain(): Promise<void> {
  const config = readConfigOrExit()
  const code = await runCli(process.argv.slice(2), config, {
    out: (line) => console.log(line),
    error: (line) => console.error(line),
  })
  process.exitCode = code
}
