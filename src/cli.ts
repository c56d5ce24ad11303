import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { z } from 'zod'
import { readConfigOrExit, type Config } from './config.ts'
import { formatProblem, readCatalogue, type ReadCatalogue } from './modules/catalogue/index.ts'
import {
  checkContentProgrammes,
  evaluateRecord,
  evaluateRequest,
  frameworkRulesFrom,
  toEvaluationResponse,
  toLearnerRecord,
} from './modules/framework/index.ts'
import {
  formatMatchInputProblem,
  matchApplicants,
  parseMatchInput,
  toMatchOutput,
} from './modules/placements/index.ts'
import { describeInvalidFields } from './platform/http/api-routes.ts'

/**
 * The `trellis` command. Each command prints what it did or, on bad input, the file, line or path and the
 * reason; it exits 0 on success, 1 when the input is wrong, 2 when the command itself is misused.
 */
const usage = `Usage: trellis <command>

Commands:
  catalogue check   Validate every file in content/ and print each problem with its file, line, entry and field
  catalogue load    Validate content/ and load it into the database in one transaction
  framework evaluate FILE
                    Evaluate the learner record in FILE (the JSON of POST /api/v1/framework/evaluate)
                    against the framework in content/, and print the evaluation as JSON
  match --input FILE
                    Match the applicants in FILE to placement programmes (learner-proposing deferred
                    acceptance: the applicant-optimal stable matching) and print the matches as JSON
  migrate           Apply database migrations
  admin create EMAIL
                    Make EMAIL a framework admin: at once if it has a confirmed account, otherwise by an
                    emailed invitation (the link is printed too)
  studies import FILE…
                    Import ClinicalTrials.gov API v2 study records (each file one study or a page of a search)
                    in one transaction, match their UK sites to NHS organisations and list those not matched
  issuers rotate-key ISSUER_ID
                    Retire the credential issuer's signing key (kept, so that what it signed still verifies)
                    and make a new one active; ISSUER_ID is a university's id or framework-team
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
      for (const line of describeProgrammeAlignment(catalogue)) output.out(line)
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

  if (command === 'framework' && subcommand === 'evaluate') {
    const [file, extra] = rest
    if (file === undefined || extra !== undefined) {
      output.error('trellis framework evaluate: give one JSON file holding a learner record')
      return 2
    }
    return evaluateRecordFile(file, config, contentLabel, output)
  }

  if (command === 'match') {
    const [flag, file, extra] = [subcommand, ...rest]
    if (flag !== '--input' || file === undefined || extra !== undefined) {
      output.error('trellis match: give the round to match as --input FILE')
      return 2
    }
    return matchRoundFile(file, output)
  }

  if (command === 'studies' && subcommand === 'import') {
    if (rest.length === 0) {
      output.error('trellis studies import: give one or more ClinicalTrials.gov JSON files')
      return 2
    }
    const { runStudyImportCommand } = await import('./modules/placements/index.ts')
    const { openComposition } = await import('./composition.ts')
    const composition = await openComposition(config)
    try {
      return await runStudyImportCommand(rest, composition.services.studies, output)
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

  if (command === 'issuers' && subcommand === 'rotate-key') {
    const [issuerId, extra] = rest
    if (issuerId === undefined || extra !== undefined) {
      output.error('trellis issuers rotate-key: give one issuer id, such as framework-team')
      return 2
    }
    const { NotAnIssuerError } = await import('./modules/credentials/index.ts')
    const { commandLineOrigin } = await import('./platform/audit/audit-log.ts')
    const { openComposition } = await import('./composition.ts')
    const composition = await openComposition(config)
    try {
      const rotation = await composition.services.issuers.rotateKey(
        issuerId,
        { label: 'command line' },
        commandLineOrigin,
      )
      output.out(
        `${issuerId} now signs with ${rotation.activeKeyId}` +
          (rotation.retiredKeyId === null
            ? ' (it had no key before).'
            : `; ${rotation.retiredKeyId} is retired and stays in its DID document for verification.`),
      )
      output.out(`DID document: ${config.publicUrl}/issuers/${encodeURIComponent(issuerId)}/did.json`)
      return 0
    } catch (error) {
      if (!(error instanceof NotAnIssuerError)) throw error
      output.error(`trellis issuers rotate-key: ${error.message}`)
      return 1
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

/** One line for the catalogue's programmes, then one for each: how it fares against the framework's rules. */
function describeProgrammeAlignment(catalogue: ReadCatalogue): string[] {
  if (catalogue.content === undefined) return []
  const checks = checkContentProgrammes(frameworkRulesFrom(catalogue.content.framework), catalogue.content)
  const count = (status: string) => checks.filter((entry) => entry.check.status === status).length
  return [
    `Programmes checked against the framework: ${checks.length} (${count('aligned')} aligned, ` +
      `${count('not-aligned')} not aligned, ${count('cannot-check')} cannot be checked).`,
    ...checks.map((entry) => `  ${entry.programmeId}: ${entry.check.summary}`),
  ]
}

/**
 * `trellis framework evaluate FILE`: the same JSON as the API takes, evaluated against the framework in
 * content/ (no database). Bad input is printed as `FILE: modules[1].credits: reason`, one line a field.
 */
async function evaluateRecordFile(
  file: string,
  config: Config,
  contentLabel: string,
  output: CliOutput,
): Promise<number> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    output.error(
      code === undefined
        ? `${file}: is not valid JSON (${(error as Error).message})`
        : `${file}: cannot be read (${code})`,
    )
    return 1
  }
  const request = evaluateRequest.safeParse(json)
  if (!request.success) {
    for (const field of describeInvalidFields(request.error)) {
      output.error(`${file}: ${field.name}: ${field.reason}`)
    }
    return 1
  }
  const catalogue = await readCatalogue(config.contentDirectory)
  if (catalogue.content === undefined || catalogue.problems.length > 0) {
    for (const problem of catalogue.problems) {
      output.error(formatProblem({ ...problem, file: `${contentLabel}/${problem.file}` }))
    }
    output.error(`The framework in ${contentLabel}/ is not valid, so the record was not evaluated.`)
    return 1
  }
  const evaluation = evaluateRecord(
    frameworkRulesFrom(catalogue.content.framework),
    toLearnerRecord(request.data),
  )
  output.out(JSON.stringify(toEvaluationResponse(evaluation), null, 2))
  return 0
}

/**
 * `trellis match --input FILE`: the applicant-optimal stable matching of the round in FILE, as
 * `{"matches": {PROGRAM: [APPLICANT, …]}, "unmatched": [APPLICANT, …]}` with every programme listed (`[]` when
 * none was matched) and each one's applicants in its rank order; the unmatched in order of id. Bad input is
 * printed as `FILE: programs.City.rol[0]: reason` (or `FILE:line:column: reason` when it is not JSON), every
 * problem, one line each.
 */
async function matchRoundFile(file: string, output: CliOutput): Promise<number> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    output.error(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    return 1
  }
  const parsed = parseMatchInput(text)
  if (!parsed.ok) {
    for (const problem of parsed.problems) output.error(formatMatchInputProblem(file, problem))
    const count = parsed.problems.length
    output.error(`${count} problem${count === 1 ? '' : 's'} in ${file}; nothing was matched.`)
    return 1
  }
  output.out(JSON.stringify(toMatchOutput(matchApplicants(parsed.input)), null, 2))
  return 0
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
