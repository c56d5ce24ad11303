import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { roundArbitrary } from '../../../test/builders/match-rounds.ts'
import { matchApplicants } from './matching.ts'
import {
  checkMatchInput,
  formatMatchInputProblem,
  parseMatchInput,
  toMatchOutput,
  type MatchInputCheck,
} from './matching-schemas.ts'

function problemsOf(check: MatchInputCheck): string[] {
  return check.ok ? [] : check.problems.map((problem) => formatMatchInputProblem('round.json', problem))
}

describe('the input of a match round', () => {
  it('takes a valid round as it is', () => {
    const text = '{"applicants":{"ana":["ward"],"ben":[]},"programs":{"ward":{"capacity":1,"rol":["ana"]}}}'
    const check = parseMatchInput(text)
    expect(check).toEqual({ ok: true, input: JSON.parse(text) })
  })

  it('reports every problem with its path and reason', () => {
    const check = checkMatchInput({
      applicants: { Brown: ['City', 'Mercy', 'City', 'Nowhere', 7], Chen: 'City', '': [] },
      programs: {
        City: { capacity: 2, rol: ['Brown', 'Zed', 'Brown'] },
        Mercy: { capacity: -1, rol: [] },
        General: { capacity: 1.5 },
        State: { capacity: '2', rol: 'Brown', beds: 4 },
        'St Mary’s': [],
      },
      expected: {},
    })
    expect(problemsOf(check)).toEqual([
      'round.json: expected: is not a field here (a round has "applicants" and "programs")',
      'round.json: applicants.Brown[2]: "City" is ranked twice (first at [0])',
      'round.json: applicants.Brown[3]: "Nowhere" is not a programme in "programs"',
      'round.json: applicants.Brown[4]: must be a programme’s id, a string',
      'round.json: applicants.Chen: must be a list of programme ids, most wanted first',
      'round.json: applicants[""]: an applicant’s id must not be empty',
      'round.json: programs.City.rol[1]: "Zed" is not an applicant in "applicants"',
      'round.json: programs.City.rol[2]: "Brown" is ranked twice (first at [0])',
      'round.json: programs.Mercy.capacity: must be a whole number of places, 0 or more (not -1)',
      'round.json: programs.General.capacity: must be a whole number of places, 0 or more (not 1.5)',
      'round.json: programs.General.rol: is missing: give the applicants it ranks, best first ([] for none)',
      'round.json: programs.State.beds: is not a field here (a programme has "capacity" and "rol")',
      'round.json: programs.State.capacity: must be a whole number of places, 0 or more (not "2")',
      'round.json: programs.State.rol: must be a list of applicant ids, best first',
      'round.json: programs["St Mary’s"]: must be an object with "capacity" and "rol"',
    ])
  })

  it('finds a repeat in a long rank order list as in a short one', () => {
    const applicants = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`a${index}`, ['ward']]))
    const rol = Object.keys(applicants)
    rol[35] = 'a3'
    rol[36] = 'nobody'
    expect(problemsOf(checkMatchInput({ applicants, programs: { ward: { capacity: 5, rol } } }))).toEqual([
      'round.json: programs.ward.rol[35]: "a3" is ranked twice (first at [3])',
      'round.json: programs.ward.rol[36]: "nobody" is not an applicant in "applicants"',
    ])
  })

  it('says what is missing or of the wrong type at the top', () => {
    expect(problemsOf(checkMatchInput([]))).toEqual([
      'round.json: must be a JSON object with "applicants" and "programs"',
    ])
    expect(problemsOf(checkMatchInput({ applicants: [] }))).toEqual([
      'round.json: applicants: must be an object of applicant ids, each with a list of programme ids',
      'round.json: programs: is missing: give each programme’s id with its capacity and rank order list (rol)',
    ])
    // Without the programmes, the applicants' lists cannot be checked against them: nothing is said of them.
    expect(problemsOf(checkMatchInput({ applicants: { ana: ['ward'] }, programs: null }))).toEqual([
      'round.json: programs: must be an object of programme ids, each with "capacity" and "rol"',
    ])
  })

  it('refuses JSON that is not JSON, with the line and column', () => {
    expect(problemsOf(parseMatchInput('{"applicants": {\n  "ana": ["ward",]\n}}'))).toEqual([
      'round.json:2:18: "]" is not allowed where a value should be',
    ])
    expect(problemsOf(parseMatchInput(''))).toEqual(['round.json:1:1: the text ends where a value should be'])
  })

  it('refuses an id given twice in one object, which JSON.parse would silently drop', () => {
    const text =
      '{"applicants": {"ana": [], "ana": ["ward"]},\n "programs": {"ward": {"capacity": 1, "rol": []}}}'
    expect(problemsOf(parseMatchInput(text))).toEqual([
      'round.json:1:28: "ana" is given twice in this object',
    ])
  })

  it('takes ids JavaScript treats specially, such as "__proto__"', () => {
    const check = parseMatchInput(
      '{"applicants":{"__proto__":["constructor"]},"programs":{"constructor":{"capacity":1,"rol":["__proto__"]}}}',
    )
    expect(check.ok).toBe(true)
    if (!check.ok) return
    expect(JSON.stringify(toMatchOutput(matchApplicants(check.input)))).toBe(
      '{"matches":{"constructor":["__proto__"]},"unmatched":[]}',
    )
  })

  it('refuses an id that is not a programme though it is a property of every object', () => {
    expect(problemsOf(parseMatchInput('{"applicants":{"ana":["toString"]},"programs":{}}'))).toEqual([
      'round.json: applicants.ana[0]: "toString" is not a programme in "programs"',
    ])
  })

  const anyRound = roundArbitrary({ maxApplicants: 12, maxPrograms: 6, maxCapacity: 3 })

  it('takes every well-formed round, whatever its shape', () => {
    fc.assert(
      fc.property(anyRound, (input) => {
        expect(parseMatchInput(JSON.stringify(input))).toEqual({ ok: true, input })
      }),
    )
  })

  it('finds one unknown or repeated id anywhere, and reports it alone, at its place', () => {
    fc.assert(
      fc.property(anyRound, fc.nat(), fc.nat(), fc.boolean(), (input, which, position, repeat) => {
        const lists = [
          ...Object.entries(input.applicants).map(([id, list]) => ({ side: 'applicants', id, list })),
          ...Object.entries(input.programs).map(([id, program]) => ({
            side: 'programs',
            id,
            list: program.rol,
          })),
        ].filter((entry) => entry.list.length > (repeat ? 1 : 0))
        fc.pre(lists.length > 0)
        const { side, id, list } = lists[which % lists.length]!
        const at = repeat ? 1 + (position % (list.length - 1)) : position % list.length
        const spoilt: string[] = [...list]
        spoilt[at] = repeat ? list[0]! : 'nowhere'
        const json = JSON.parse(JSON.stringify(input)) as {
          applicants: Record<string, string[]>
          programs: Record<string, { rol: string[] }>
        }
        if (side === 'applicants') json.applicants[id] = spoilt
        else json.programs[id]!.rol = spoilt
        const path = side === 'applicants' ? `applicants.${id}[${at}]` : `programs.${id}.rol[${at}]`
        const reason = repeat
          ? `"${list[0]}" is ranked twice (first at [0])`
          : `"nowhere" is not ${side === 'applicants' ? 'a programme in "programs"' : 'an applicant in "applicants"'}`
        expect(checkMatchInput(json)).toEqual({ ok: false, problems: [{ kind: 'field', path, reason }] })
      }),
    )
  })
})
