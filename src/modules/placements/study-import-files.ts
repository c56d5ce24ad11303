import { readFile } from 'node:fs/promises'
import { commandLineOrigin } from '../../platform/audit/audit-log.ts'
import type { StudiesService, StudyFile } from './studies-service.ts'
import { formatStudyFileProblem, type StudyFileProblem } from './study-registry-file.ts'

export interface CommandOutput {
  out(line: string): void
  error(line: string): void
}

/**
 * `trellis studies import FILE…`: reads every file, imports them all in one transaction, and prints each study
 * (created or updated) with its UK sites matched and not. On any problem it prints `file: path: reason` lines
 * on stderr, writes nothing and answers 1.
 */
export async function runStudyImportCommand(
  paths: readonly string[],
  studies: StudiesService,
  output: CommandOutput,
): Promise<number> {
  const files: StudyFile[] = []
  const problems: StudyFileProblem[] = []
  for (const path of paths) {
    try {
      files.push({ fileName: path, text: await readFile(path, 'utf8') })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
      problems.push({ file: path, path: '', reason: `cannot be read (${code})` })
    }
  }
  const result =
    problems.length > 0
      ? ({ ok: false, problems } as const)
      : await studies.importFiles(files, { label: 'command line' }, commandLineOrigin)
  if (!result.ok) {
    for (const problem of result.problems) output.error(formatStudyFileProblem(problem))
    const count = result.problems.length
    output.error(
      `${count} problem${count === 1 ? '' : 's'}; nothing was imported and the database is as it was.`,
    )
    return 1
  }
  for (const study of result.studies) {
    const unmatched = study.unmatchedSites.length
    const total = study.matchedSites + unmatched
    output.out(
      `${study.nctId} ${study.outcome}: ${study.briefTitle} (${total} UK site${total === 1 ? '' : 's'}: ` +
        `${study.matchedSites} matched, ${unmatched} not matched)`,
    )
    for (const site of study.unmatchedSites) {
      output.out(`  not matched: ${site.facility}${site.city === null ? '' : ` (${site.city})`}`)
    }
  }
  const created = result.studies.filter((study) => study.outcome === 'created').length
  const count = result.studies.length
  output.out(
    `Imported ${count} stud${count === 1 ? 'y' : 'ies'}: ${created} created, ${count - created} updated.` +
      (result.studies.some((study) => study.unmatchedSites.length > 0)
        ? ' Match the sites not matched on the studies page: each match is remembered for later imports.'
        : ''),
  )
  return 0
}
