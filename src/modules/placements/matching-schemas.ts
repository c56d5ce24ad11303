import { readJsonText } from '../../platform/json/json-text.ts'
import type { MatchInput, MatchProgramInput, MatchResult } from './matching.ts'

/**
 * The JSON of a match round, checked at the edge: `{"applicants": {ID: [PROGRAM_ID, …]}, "programs": {ID:
 * {"capacity": N, "rol": [APPLICANT_ID, …]}}}`, the NRMP's published shape. `trellis match --input FILE` reads
 * it (and a JSON API may later share the check).
 *
 * Every problem is reported, each at its place: a JSON path such as `applicants.Brown[2]` or
 * `programs.City.rol[0]` (an id that is not letters, digits, `_` or `-` is written `applicants["St Mary's"]`),
 * or, when the text is not JSON, a line and column. A field the shape does not have is refused too, so that a
 * misspelt one is found at once rather than ignored; a key given twice in one object (which JSON.parse would
 * silently resolve to the last) is refused with its line and column. Hand-written rather than zod: zod drops
 * an object key named `__proto__`, which is a valid id here; the checks across the two halves (every id ranked
 * must exist) need the whole input; and the checks run over national rounds of a million choices.
 */

export type MatchInputProblem =
  | { readonly kind: 'field'; readonly path: string; readonly reason: string }
  | { readonly kind: 'text'; readonly line: number; readonly column: number; readonly reason: string }

export type MatchInputCheck =
  | { readonly ok: true; readonly input: MatchInput }
  | { readonly ok: false; readonly problems: readonly MatchInputProblem[] }

/** Reads the JSON text of a round: its syntax (with repeated keys) first, then its fields. */
export function parseMatchInput(text: string): MatchInputCheck {
  const json = readJsonText(text)
  if (!json.ok) return { ok: false, problems: json.problems.map((problem) => ({ kind: 'text', ...problem })) }
  return checkMatchInput(json.value)
}

/** `FILE: path: reason`, or `FILE:line:column: reason` for the text itself (the form compilers use). */
export function formatMatchInputProblem(file: string, problem: MatchInputProblem): string {
  if (problem.kind === 'text') return `${file}:${problem.line}:${problem.column}: ${problem.reason}`
  return problem.path === '' ? `${file}: ${problem.reason}` : `${file}: ${problem.path}: ${problem.reason}`
}

const simpleId = /^[A-Za-z0-9_-]+$/

/** The path to an entry of an object: `.id`, or `["id"]` when the id is not plain. */
function appendId(path: string, id: string): string {
  return simpleId.test(id) ? `${path}.${id}` : `${path}[${JSON.stringify(id)}]`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks a parsed JSON value; on success, the input the engine takes (the same objects, not copies). */
export function checkMatchInput(value: unknown): MatchInputCheck {
  const problems: MatchInputProblem[] = []
  const problem = (path: string, reason: string) => problems.push({ kind: 'field', path, reason })
  if (!isObject(value)) {
    problem('', 'must be a JSON object with "applicants" and "programs"')
    return { ok: false, problems }
  }
  for (const key of Object.keys(value)) {
    if (key !== 'applicants' && key !== 'programs') {
      problem(
        appendId('', key).replace(/^\./, ''),
        'is not a field here (a round has "applicants" and "programs")',
      )
    }
  }
  const applicants = value.applicants
  const programs = value.programs
  const applicantsValid = isObject(applicants)
  const programsValid = isObject(programs)
  if (!applicantsValid) {
    problem(
      'applicants',
      applicants === undefined
        ? 'is missing: give each applicant’s id with the programme ids they rank, most wanted first'
        : 'must be an object of applicant ids, each with a list of programme ids',
    )
  }
  if (!programsValid) {
    problem(
      'programs',
      programs === undefined
        ? 'is missing: give each programme’s id with its capacity and rank order list (rol)'
        : 'must be an object of programme ids, each with "capacity" and "rol"',
    )
  }

  if (applicantsValid) {
    for (const [id, list] of Object.entries(applicants)) {
      const path = appendId('applicants', id)
      if (id === '') problem(path, 'an applicant’s id must not be empty')
      checkRankedList(
        path,
        list,
        programsValid ? programs : undefined,
        'programme',
        'a list of programme ids, most wanted first',
        problem,
      )
    }
  }
  if (programsValid) {
    for (const [id, program] of Object.entries(programs)) {
      const path = appendId('programs', id)
      if (id === '') problem(path, 'a programme’s id must not be empty')
      if (!isObject(program)) {
        problem(path, 'must be an object with "capacity" and "rol"')
        continue
      }
      for (const key of Object.keys(program)) {
        if (key !== 'capacity' && key !== 'rol') {
          problem(appendId(path, key), 'is not a field here (a programme has "capacity" and "rol")')
        }
      }
      const capacity = program.capacity
      if (capacity === undefined) problem(`${path}.capacity`, 'is missing: give its number of places')
      else if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 0) {
        problem(
          `${path}.capacity`,
          `must be a whole number of places, 0 or more (not ${JSON.stringify(capacity)})`,
        )
      }
      if (program.rol === undefined) {
        problem(`${path}.rol`, 'is missing: give the applicants it ranks, best first ([] for none)')
      } else {
        checkRankedList(
          `${path}.rol`,
          program.rol,
          applicantsValid ? applicants : undefined,
          'applicant',
          'a list of applicant ids, best first',
          problem,
        )
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    input: {
      applicants: applicants as Record<string, readonly string[]>,
      programs: programs as Record<string, MatchProgramInput>,
    },
  }
}

/** A list of ids, each known on the other side and ranked once. */
function checkRankedList(
  path: string,
  list: unknown,
  others: Record<string, unknown> | undefined,
  otherName: 'programme' | 'applicant',
  expected: string,
  problem: (path: string, reason: string) => void,
): void {
  if (!Array.isArray(list)) {
    problem(path, `must be ${expected}`)
    return
  }
  // An applicant's list is short (20 choices): a repeat is looked for along it, without making a Map for each of
  // 50,000 lists. A programme's list can hold thousands: a Map then.
  const firstAt = list.length > 32 ? new Map<string, number>() : undefined
  for (let index = 0; index < list.length; index++) {
    const id: unknown = list[index]
    if (typeof id !== 'string') {
      problem(
        `${path}[${index}]`,
        `must be ${otherName === 'programme' ? 'a programme' : 'an applicant'}’s id, a string`,
      )
      continue
    }
    const before = firstAt === undefined ? list.indexOf(id) : (firstAt.get(id) ?? index)
    if (before !== index) {
      problem(`${path}[${index}]`, `${JSON.stringify(id)} is ranked twice (first at [${before}])`)
      continue
    }
    firstAt?.set(id, index)
    if (others !== undefined && !Object.hasOwn(others, id)) {
      const otherSide = otherName === 'programme' ? 'programs' : 'applicants'
      problem(
        `${path}[${index}]`,
        `${JSON.stringify(id)} is not ${otherName === 'programme' ? 'a programme' : 'an applicant'} in "${otherSide}"`,
      )
    }
  }
}

/** The JSON `trellis match` prints: every programme (an empty list when none was matched), then the unmatched. */
export interface MatchOutput {
  readonly matches: Record<string, readonly string[]>
  readonly unmatched: readonly string[]
}

/**
 * The result as JSON: programmes in order of id, each with its applicants in its rank order. (A JSON object
 * keeps that order, except that JavaScript puts ids that are array indexes, such as "12", first and in numeric
 * order: still the same for every order of input.)
 */
export function toMatchOutput(result: MatchResult): MatchOutput {
  return {
    // fromEntries defines each key as data, so an id such as "__proto__" is a key like any other.
    matches: Object.fromEntries(result.programs.map((program) => [program.id, program.matched])),
    unmatched: result.unmatched,
  }
}
