import { parse } from 'csv-parse/sync'
import { readDateText } from './learner-record.ts'
import { checkResultFields, type ResultFields } from './module-result-fields.ts'

/**
 * Reading module results from a CSV file a student records system exported: one result a row, columns named in
 * the first line. Every problem is reported with its line and column, and a file with any problem imports
 * nothing. Which person each row names, and whether they are enrolled, the learning service checks after this.
 */

/** The columns Trellis reads, by the name a person sees, and the spellings it accepts for each. */
export const importColumns = [
  { key: 'email', name: 'email', spellings: ['email', 'emailaddress'] },
  { key: 'learnerId', name: 'learner_id', spellings: ['learnerid', 'learner'] },
  { key: 'code', name: 'code', spellings: ['code', 'modulecode'] },
  { key: 'title', name: 'title', spellings: ['title', 'moduletitle'] },
  { key: 'kind', name: 'kind', spellings: ['kind', 'modulekind'] },
  { key: 'credits', name: 'credits', spellings: ['credits'] },
  { key: 'level', name: 'level', spellings: ['level'] },
  { key: 'result', name: 'result', spellings: ['result', 'outcome'] },
  { key: 'completedOn', name: 'completed_on', spellings: ['completedon', 'completed', 'datecompleted'] },
] as const
type ColumnKey = (typeof importColumns)[number]['key']

/** The most rows one file may hold: a large cohort's results for a term, and a bound on the work one upload does. */
export const maximumImportRows = 5000

export interface ImportProblem {
  readonly line: number
  /** The column as the file names it; null for a problem with the whole line or file. */
  readonly column: string | null
  readonly reason: string
}

/** `line 4, column credits: must be a whole number from 1 to 180` */
export function formatImportProblem(problem: ImportProblem): string {
  return problem.column === null
    ? `line ${problem.line}: ${problem.reason}`
    : `line ${problem.line}, column ${problem.column}: ${problem.reason}`
}

/** Who a row is about, as the file says: by email address or by Trellis learner id, and in which column. */
export type LearnerReference =
  | { readonly by: 'email'; readonly email: string; readonly column: string }
  | { readonly by: 'id'; readonly id: string; readonly column: string }

export interface ImportRow {
  readonly line: number
  readonly learner: LearnerReference
  readonly fields: ResultFields
}

export interface ImportReading {
  readonly rows: readonly ImportRow[]
  readonly problems: readonly ImportProblem[]
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_-]+/g, '')
}

/** Reads the file's text; `today` (`YYYY-MM-DD`) bounds completion dates. Problems come in line order. */
export function readResultsCsv(text: string, today: string): ImportReading {
  let records: { record: string[]; info: { lines: number }; raw: string }[]
  try {
    records = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1
    return {
      rows: [],
      problems: [
        { line, column: null, reason: 'the file is not valid CSV here (check the quotation marks)' },
      ],
    }
  }
  // Where a record starts: where it ends, less the line breaks inside it (its raw text also carries the blank
  // lines skipped before it, and the break that ends it).
  const startLine = (entry: (typeof records)[number]) =>
    entry.info.lines - (entry.raw.replace(/^\n+/, '').replace(/\n$/, '').match(/\n/g)?.length ?? 0)

  const [header, ...body] = records
  if (header === undefined)
    return { rows: [], problems: [{ line: 1, column: null, reason: 'the file is empty' }] }

  // The header: which column holds what.
  const problems: ImportProblem[] = []
  const positions = new Map<ColumnKey, { index: number; name: string }>()
  header.record.forEach((rawName, index) => {
    const name = rawName.trim()
    const column = importColumns.find((c) =>
      (c.spellings as readonly string[]).includes(normaliseHeader(name)),
    )
    if (column === undefined) {
      problems.push({
        line: 1,
        column: name === '' ? `number ${index + 1}` : name,
        reason: `is not a column Trellis reads (it reads ${importColumns.map((c) => c.name).join(', ')})`,
      })
    } else if (positions.has(column.key)) {
      problems.push({
        line: 1,
        column: name,
        reason: `repeats the column ${positions.get(column.key)!.name}`,
      })
    } else {
      positions.set(column.key, { index, name })
    }
  })
  if (!positions.has('email') && !positions.has('learnerId'))
    problems.push({ line: 1, column: null, reason: 'the file needs a column email or learner_id' })
  for (const column of importColumns) {
    if (column.key === 'email' || column.key === 'learnerId' || positions.has(column.key)) continue
    problems.push({ line: 1, column: null, reason: `the column ${column.name} is missing` })
  }
  if (problems.length > 0) return { rows: [], problems }
  if (body.length === 0)
    return { rows: [], problems: [{ line: 2, column: null, reason: 'the file has no results' }] }
  if (body.length > maximumImportRows) {
    return {
      rows: [],
      problems: [
        {
          line: startLine(body[maximumImportRows]!),
          column: null,
          reason: `a file may hold at most ${maximumImportRows} results: split it into smaller files`,
        },
      ],
    }
  }

  const rows: ImportRow[] = []
  const seen = new Map<string, number>()
  for (const entry of body) {
    const line = startLine(entry)
    const cell = (key: ColumnKey) => {
      const position = positions.get(key)
      return position === undefined ? '' : (entry.record[position.index] ?? '').trim()
    }
    const columnName = (key: ColumnKey) => positions.get(key)!.name
    if (entry.record.length > header.record.length) {
      problems.push({
        line,
        column: null,
        reason: `has ${entry.record.length} values but the first line names ${header.record.length} columns`,
      })
      continue
    }
    const rowProblems: ImportProblem[] = []

    let learner: LearnerReference | null = null
    const id = cell('learnerId')
    const email = cell('email')
    if (id !== '') {
      if (uuidPattern.test(id)) learner = { by: 'id', id: id.toLowerCase(), column: columnName('learnerId') }
      else rowProblems.push({ line, column: columnName('learnerId'), reason: 'must be a Trellis learner id' })
    } else if (email !== '') {
      if (emailPattern.test(email) && email.length <= 254)
        learner = { by: 'email', email: email.toLowerCase(), column: columnName('email') }
      else rowProblems.push({ line, column: columnName('email'), reason: 'must be an email address' })
    } else {
      const columns = (['email', 'learnerId'] as const).filter((key) => positions.has(key)).map(columnName)
      rowProblems.push({ line, column: columns.join(' or '), reason: 'is empty: say who the result is for' })
    }

    const check = checkResultFields(
      {
        code: cell('code'),
        title: cell('title'),
        kind: cell('kind'),
        credits: cell('credits'),
        level: cell('level'),
        result: cell('result'),
        completedOn: readDateText(cell('completedOn')),
      },
      today,
    )
    if (!check.ok) {
      for (const problem of check.problems) {
        rowProblems.push({
          line,
          column: columnName(problem.field),
          reason:
            problem.field === 'completedOn' && problem.reason === 'must be a real date'
              ? 'must be a real date, like 2025-03-14 or 14/03/2025'
              : problem.reason,
        })
      }
    }
    problems.push(...rowProblems)
    if (rowProblems.length > 0 || learner === null || !check.ok) continue

    const who = learner.by === 'id' ? learner.id : learner.email
    const key = [who, check.value.code, check.value.result, check.value.completedOn ?? ''].join('\u0000')
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      problems.push({ line, column: null, reason: `repeats the result on line ${earlier}` })
      continue
    }
    seen.set(key, line)
    rows.push({ line, learner, fields: check.value })
  }
  return { rows, problems }
}
