import {
  maximumCredits,
  moduleKinds,
  normaliseModuleCode,
  resultOutcomes,
  type DateReading,
  type ModuleKind,
  type ResultOutcome,
} from './learner-record.ts'

/**
 * The rules for one module result, whichever way it arrives: typed into the form by an academic, or a row of a
 * CSV file from a student records system. One set of rules; each way phrases the problems its own way (the form
 * as NHS field messages, the import as `line N, column X: reason`).
 */

export const resultFieldNames = [
  'code',
  'title',
  'kind',
  'credits',
  'level',
  'result',
  'completedOn',
] as const
export type ResultField = (typeof resultFieldNames)[number]

/** A result as typed or read: text, and the completion date as read from its boxes or its column. */
export interface ResultFieldsInput {
  readonly code: string
  readonly title: string
  readonly kind: string
  readonly credits: string
  readonly level: string
  readonly result: string
  readonly completedOn: DateReading
}

export interface ResultFields {
  readonly code: string
  readonly title: string
  readonly kind: ModuleKind
  readonly credits: number
  readonly level: number
  readonly result: ResultOutcome
  /** `YYYY-MM-DD`; null while in progress. */
  readonly completedOn: string | null
}

/** What is wrong with a field: `missing` when nothing was given, `invalid` otherwise; `reason` says why. */
export interface ResultFieldProblem {
  readonly field: ResultField
  readonly problem: 'missing' | 'invalid'
  /** Lower case, to follow a label or a column: "must be a whole number from 1 to 180". */
  readonly reason: string
}

export type ResultFieldsCheck =
  | { readonly ok: true; readonly value: ResultFields }
  | { readonly ok: false; readonly problems: readonly ResultFieldProblem[] }

const levels = { lowest: 3, highest: 8 }

/** Reads a module kind as people write it: `online`, `RPE`, `Dissertation`. */
export function readModuleKind(text: string): ModuleKind | null {
  const value = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
  if (value === 'research-practice-experience') return 'rpe'
  return (moduleKinds as readonly string[]).includes(value) ? (value as ModuleKind) : null
}

/** Reads a result as people write it: `pass`, `Fail`, `in progress`, `in-progress`. */
export function readResultOutcome(text: string): ResultOutcome | null {
  const value = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
  const aliases: Readonly<Record<string, ResultOutcome>> = { passed: 'pass', failed: 'fail' }
  if (aliases[value] !== undefined) return aliases[value]
  return (resultOutcomes as readonly string[]).includes(value) ? (value as ResultOutcome) : null
}

/** Checks every field of a result against the rules and gives each problem, in the order of the fields. */
export function checkResultFields(input: ResultFieldsInput, today: string): ResultFieldsCheck {
  const problems: ResultFieldProblem[] = []
  const missing = (field: ResultField, reason: string) => problems.push({ field, problem: 'missing', reason })
  const invalid = (field: ResultField, reason: string) => problems.push({ field, problem: 'invalid', reason })

  const code = normaliseModuleCode(input.code)
  if (code === '') missing('code', 'is empty')
  else if (code.length > 30) invalid('code', 'must be 30 characters or fewer')
  else if (!/^[A-Z0-9][A-Z0-9 ./-]*$/.test(code))
    invalid('code', 'must be letters, numbers, spaces, full stops, hyphens or slashes')

  const title = input.title.trim().replace(/\s+/g, ' ')
  if (title === '') missing('title', 'is empty')
  else if (title.length > 200) invalid('title', 'must be 200 characters or fewer')

  const kind = readModuleKind(input.kind)
  if (input.kind.trim() === '') missing('kind', 'is empty')
  else if (kind === null) invalid('kind', 'must be online, rpe or dissertation')

  const credits = readWholeNumber(input.credits)
  if (input.credits.trim() === '') missing('credits', 'is empty')
  else if (credits === null || credits < 1 || credits > maximumCredits)
    invalid('credits', `must be a whole number from 1 to ${maximumCredits}`)

  const level = readWholeNumber(input.level)
  if (input.level.trim() === '') missing('level', 'is empty')
  else if (level === null || level < levels.lowest || level > levels.highest)
    invalid('level', `must be a whole number from ${levels.lowest} to ${levels.highest}`)

  const result = readResultOutcome(input.result)
  if (input.result.trim() === '') missing('result', 'is empty')
  else if (result === null) invalid('result', 'must be pass, fail or in-progress')

  const date = input.completedOn
  let completedOn: string | null = null
  if (date.kind === 'date') {
    if (result === 'in-progress') invalid('completedOn', 'must be empty while the module is in progress')
    else if (date.iso > today) invalid('completedOn', 'must be today or in the past')
    else completedOn = date.iso
  } else if (date.kind === 'empty') {
    if (result === 'pass' || result === 'fail') missing('completedOn', 'is empty')
  } else if (date.kind === 'missing') {
    invalid('completedOn', `must include a ${joinWords(date.parts)}`)
  } else if (date.kind === 'short-year') {
    invalid('completedOn', 'year must include 4 numbers')
  } else {
    invalid('completedOn', 'must be a real date')
  }

  if (problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    value: {
      code,
      title,
      kind: kind!,
      credits: credits!,
      level: level!,
      result: result!,
      completedOn: result === 'in-progress' ? null : completedOn,
    },
  }
}

function readWholeNumber(text: string): number | null {
  const value = text.trim()
  return /^\d{1,6}$/.test(value) ? Number(value) : null
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}
