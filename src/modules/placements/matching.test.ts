import { describe, expect, it } from 'vitest'
import { readPublishedExamples, sortedLists } from '../../../test/support/matching-examples.ts'
import { InvalidMatchInputError, matchApplicants, type MatchInput, type MatchResult } from './matching.ts'

const examples = await readPublishedExamples()

function matchesOf(result: MatchResult): Record<string, readonly string[]> {
  return Object.fromEntries(result.programs.map((program) => [program.id, program.matched]))
}

describe('the matching engine', () => {
  it.each(examples.map((example) => [example.name, example] as const))(
    'gives the published applicant-optimal matching of %s',
    (_name, example) => {
      const result = matchApplicants(example.input)
      expect(sortedLists(matchesOf(result))).toEqual(sortedLists(example.expectedApplicantOptimal))
      expect(result.unmatched).toEqual([...example.expectedUnmatched].sort())
    },
  )

  it('lists each programme’s applicants in its rank order, and counts the round', () => {
    const nrmp = examples.find((example) => example.name === 'nrmp_classic_8x4')!
    const result = matchApplicants(nrmp.input)
    expect(result.programs).toEqual([
      { id: 'City', capacity: 2, matched: ['Garcia', 'Eastman'], placesLeft: 0 },
      { id: 'General', capacity: 2, matched: ['Davis'], placesLeft: 1 },
      { id: 'Mercy', capacity: 2, matched: ['Chen'], placesLeft: 1 },
      // The NRMP's page lists Ford first; State ranks Hassan (5th) above Ford (6th).
      { id: 'State', capacity: 2, matched: ['Hassan', 'Ford'], placesLeft: 0 },
    ])
    // Worked by hand: Anderson 1 application, Brown 2, Chen 2, Davis 3, Eastman 1, Ford 4, Garcia 1, Hassan 1.
    expect(result).toMatchObject({
      unmatched: ['Anderson', 'Brown'],
      matchedCount: 6,
      unmatchedCount: 2,
      byChoice: [3, 1, 1, 1],
      totalPlaces: 8,
      placesLeft: 2,
      proposals: 15,
    })
  })

  it('fills no place of a programme with capacity 0: its applicants go on down their lists', () => {
    const result = matchApplicants({
      applicants: { ana: ['closed', 'open'], ben: ['closed'] },
      programs: { closed: { capacity: 0, rol: ['ana', 'ben'] }, open: { capacity: 1, rol: ['ana'] } },
    })
    expect(matchesOf(result)).toEqual({ closed: [], open: ['ana'] })
    expect(result).toMatchObject({ unmatched: ['ben'], byChoice: [0, 1], placesLeft: 0, proposals: 3 })
  })

  it('matches nobody from an empty list, and makes no application for them', () => {
    const result = matchApplicants({
      applicants: { ana: [], ben: ['ward'] },
      programs: { ward: { capacity: 3, rol: [] }, clinic: { capacity: 2, rol: ['ana', 'ben'] } },
    })
    expect(matchesOf(result)).toEqual({ clinic: [], ward: [] })
    expect(result).toMatchObject({
      unmatched: ['ana', 'ben'],
      matchedCount: 0,
      totalPlaces: 5,
      placesLeft: 5,
    })
    expect(result.proposals).toBe(1)
  })

  it('never matches a pair unless each ranks the other, even with places free', () => {
    const result = matchApplicants({
      // ana ranks the ward, which does not rank her; the clinic ranks ben, whom ben does not rank.
      applicants: { ana: ['ward'], ben: ['ward'] },
      programs: { ward: { capacity: 5, rol: ['ben'] }, clinic: { capacity: 5, rol: ['ana', 'ben'] } },
    })
    expect(matchesOf(result)).toEqual({ clinic: [], ward: ['ben'] })
    expect(result.unmatched).toEqual(['ana'])
  })

  it('takes a capacity far beyond the applicants', () => {
    const result = matchApplicants({
      applicants: { ana: ['ward'] },
      programs: { ward: { capacity: 1_000_000_000, rol: ['ana'] } },
    })
    expect(result.programs[0]).toEqual({ id: 'ward', capacity: 1e9, matched: ['ana'], placesLeft: 1e9 - 1 })
  })

  it('matches an empty round', () => {
    expect(matchApplicants({ applicants: {}, programs: {} })).toEqual({
      programs: [],
      unmatched: [],
      matchedCount: 0,
      unmatchedCount: 0,
      byChoice: [],
      totalPlaces: 0,
      placesLeft: 0,
      proposals: 0,
    })
  })

  it('lets a programme displace the applicant it likes least when a better one applies', () => {
    // ben applies first (the engine takes the applicants in any order); ana, ranked higher, displaces him.
    const result = matchApplicants({
      applicants: { ben: ['ward', 'clinic'], ana: ['ward'] },
      programs: { ward: { capacity: 1, rol: ['ana', 'ben'] }, clinic: { capacity: 1, rol: ['ben'] } },
    })
    expect(matchesOf(result)).toEqual({ clinic: ['ben'], ward: ['ana'] })
    expect(result.byChoice).toEqual([1, 1])
  })

  it('refuses ties and unknown ids rather than guess: there is no tie-breaking', () => {
    const twice: MatchInput = {
      applicants: { ana: ['ward', 'ward'] },
      programs: { ward: { capacity: 1, rol: ['ana'] } },
    }
    expect(() => matchApplicants(twice)).toThrow(InvalidMatchInputError)
    expect(() =>
      matchApplicants({
        applicants: { ana: ['ward'] },
        programs: { ward: { capacity: 1, rol: ['ana', 'ana'] } },
      }),
    ).toThrow(/ranks "ana" twice/)
    expect(() =>
      matchApplicants({ applicants: { ana: ['ward'] }, programs: { ward: { capacity: 1, rol: ['zed'] } } }),
    ).toThrow(/unknown applicant/)
    expect(() => matchApplicants({ applicants: { ana: ['nowhere'] }, programs: {} })).toThrow(
      /unknown programme/,
    )
    expect(() =>
      matchApplicants({ applicants: { ana: [] }, programs: { ward: { capacity: 1.5, rol: [] } } }),
    ).toThrow(/capacity/)
  })

  it('gives the same result every time, and for every order of the input', () => {
    const nrmp = examples.find((example) => example.name === 'nrmp_classic_8x4')!.input
    const reversed: MatchInput = {
      applicants: Object.fromEntries(Object.entries(nrmp.applicants).reverse()),
      programs: Object.fromEntries(Object.entries(nrmp.programs).reverse()),
    }
    const first = matchApplicants(nrmp)
    expect(matchApplicants(nrmp)).toEqual(first)
    expect(JSON.stringify(matchApplicants(reversed))).toBe(JSON.stringify(first))
  })

  it('orders ids by code unit, and takes any string as an id', () => {
    const input = JSON.parse(
      '{"applicants":{"b":["__proto__"],"B":["__proto__"],"é":["__proto__"],"10":["__proto__"],"9":["__proto__"]},' +
        '"programs":{"__proto__":{"capacity":0,"rol":["b","B","é","10","9"]}}}',
    ) as MatchInput
    const result = matchApplicants(input)
    expect(result.unmatched).toEqual(['10', '9', 'B', 'b', 'é'])
    expect(result.programs.map((program) => program.id)).toEqual(['__proto__'])
  })
})
