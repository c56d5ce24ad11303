import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { roundArbitrary } from '../../../test/builders/match-rounds.ts'
import { matchApplicants, type MatchInput, type MatchResult } from './matching.ts'

/**
 * The theory of the matching engine, over rounds fast-check makes up: stability, applicant-optimality and
 * the rural hospitals theorem checked against every stable matching found by brute force on small rounds, and
 * the same result for every order of the input.
 */

/** Who each applicant is matched to (undefined: nobody). */
type Assignment = ReadonlyMap<string, string | undefined>

const smallRound = roundArbitrary({ maxApplicants: 5, maxPrograms: 3, maxCapacity: 2 })
const completeRound = roundArbitrary({ maxApplicants: 5, maxPrograms: 3, maxCapacity: 2, complete: true })
const anySmallRound = fc.oneof(smallRound, completeRound)
const mediumRound = roundArbitrary({ maxApplicants: 40, maxPrograms: 10, maxCapacity: 4 })

function assignmentOf(input: MatchInput, result: MatchResult): Assignment {
  const assignment = new Map<string, string | undefined>(
    Object.keys(input.applicants).map((id) => [id, undefined]),
  )
  for (const program of result.programs)
    for (const applicant of program.matched) assignment.set(applicant, program.id)
  return assignment
}

/** Where `id` stands in `list`: lower is better; not on it, worse than anything on it. */
function rankIn(list: readonly string[], id: string | undefined): number {
  const at = id === undefined ? -1 : list.indexOf(id)
  return at === -1 ? Number.POSITIVE_INFINITY : at
}

/** A blocking pair, if any: an applicant and a programme that would both rather have each other. */
function findBlockingPair(input: MatchInput, assignment: Assignment): string | undefined {
  for (const [applicant, list] of Object.entries(input.applicants)) {
    const current = rankIn(list, assignment.get(applicant))
    for (const [index, programId] of list.entries()) {
      if (index >= current) break
      const program = input.programs[programId]!
      const rank = program.rol.indexOf(applicant)
      if (rank === -1) continue
      const holding = [...assignment]
        .filter(([, to]) => to === programId)
        .map(([id]) => program.rol.indexOf(id))
      if (holding.length < program.capacity || holding.some((held) => held > rank)) {
        return `${applicant} and ${programId}`
      }
    }
  }
  return undefined
}

/** Matched only where both rank each other, and never over capacity. */
function isMatching(input: MatchInput, assignment: Assignment): boolean {
  const filled = new Map<string, number>()
  for (const [applicant, programId] of assignment) {
    if (programId === undefined) continue
    if (!input.applicants[applicant]!.includes(programId)) return false
    if (!input.programs[programId]!.rol.includes(applicant)) return false
    filled.set(programId, (filled.get(programId) ?? 0) + 1)
  }
  return [...filled].every(([programId, count]) => count <= input.programs[programId]!.capacity)
}

/** Every stable matching of a small round, by trying every assignment of applicants to acceptable places. */
function allStableMatchings(input: MatchInput): Assignment[] {
  const applicants = Object.keys(input.applicants)
  const options = applicants.map((applicant) => [
    undefined,
    ...input.applicants[applicant]!.filter((programId) => input.programs[programId]!.rol.includes(applicant)),
  ])
  const stable: Assignment[] = []
  const chosen: (string | undefined)[] = []
  const walk = (index: number) => {
    if (index === applicants.length) {
      const assignment = new Map(applicants.map((applicant, at) => [applicant, chosen[at]]))
      if (isMatching(input, assignment) && findBlockingPair(input, assignment) === undefined)
        stable.push(assignment)
      return
    }
    for (const option of options[index]!) {
      chosen[index] = option
      walk(index + 1)
    }
  }
  walk(0)
  return stable
}

function filledBy(assignment: Assignment, programId: string): string[] {
  return [...assignment]
    .filter(([, to]) => to === programId)
    .map(([id]) => id)
    .sort()
}

/** The same round with its applicants and programmes in another order (lists keep theirs: they are rankings). */
function reordered(input: MatchInput): fc.Arbitrary<MatchInput> {
  const applicants = Object.entries(input.applicants)
  const programs = Object.entries(input.programs)
  return fc
    .record({
      applicants: fc.shuffledSubarray(applicants, { minLength: applicants.length }),
      programs: fc.shuffledSubarray(programs, { minLength: programs.length }),
    })
    .map((drawn) => ({
      applicants: Object.fromEntries(drawn.applicants),
      programs: Object.fromEntries(drawn.programs),
    }))
}

const runs = { numRuns: 500 }

describe('the matching engine, for any round', () => {
  it('gives a stable matching: mutually acceptable pairs, within capacity, with no blocking pair', () => {
    fc.assert(
      fc.property(fc.oneof(anySmallRound, mediumRound), (input) => {
        const assignment = assignmentOf(input, matchApplicants(input))
        expect(isMatching(input, assignment)).toBe(true)
        expect(findBlockingPair(input, assignment)).toBeUndefined()
      }),
      runs,
    )
  })

  it('gives every applicant their best partner among all stable matchings', () => {
    fc.assert(
      fc.property(anySmallRound, (input) => {
        const engine = assignmentOf(input, matchApplicants(input))
        const stable = allStableMatchings(input)
        expect(stable.length).toBeGreaterThan(0)
        for (const [applicant, list] of Object.entries(input.applicants)) {
          const best = Math.min(...stable.map((matching) => rankIn(list, matching.get(applicant))))
          expect(rankIn(list, engine.get(applicant)), applicant).toBe(best)
        }
      }),
      runs,
    )
  })

  it('matches the same applicants as every stable matching, and fills each programme as far (rural hospitals)', () => {
    fc.assert(
      fc.property(anySmallRound, (input) => {
        const engine = assignmentOf(input, matchApplicants(input))
        const matched = (assignment: Assignment) =>
          [...assignment]
            .filter(([, to]) => to !== undefined)
            .map(([id]) => id)
            .sort()
        for (const matching of allStableMatchings(input)) {
          expect(matched(matching)).toEqual(matched(engine))
          for (const [programId, program] of Object.entries(input.programs)) {
            const filled = filledBy(engine, programId)
            expect(filledBy(matching, programId).length).toBe(filled.length)
            // A programme with a place left over gets exactly the same applicants in every stable matching.
            if (filled.length < program.capacity) expect(filledBy(matching, programId)).toEqual(filled)
          }
        }
      }),
      runs,
    )
  })

  it('gives the identical result for every order of the applicants and programmes', () => {
    fc.assert(
      fc.property(
        fc.oneof(anySmallRound, mediumRound).chain((input) => fc.tuple(fc.constant(input), reordered(input))),
        ([input, shuffled]) => {
          expect(JSON.stringify(matchApplicants(shuffled))).toBe(JSON.stringify(matchApplicants(input)))
        },
      ),
      runs,
    )
  })

  it('adds up: matched and unmatched, choices, places and applications', () => {
    fc.assert(
      fc.property(fc.oneof(anySmallRound, mediumRound), (input) => {
        const result = matchApplicants(input)
        const assignment = assignmentOf(input, result)
        const applicants = Object.entries(input.applicants)
        expect(result.matchedCount + result.unmatchedCount).toBe(applicants.length)
        expect(result.byChoice.reduce((sum, count) => sum + count, 0)).toBe(result.matchedCount)
        expect(result.placesLeft).toBe(result.totalPlaces - result.matchedCount)
        for (const program of result.programs) {
          expect(program.placesLeft).toBe(program.capacity - program.matched.length)
          const rol = input.programs[program.id]!.rol
          expect(program.matched).toEqual(
            [...program.matched].sort((x, y) => rol.indexOf(x) - rol.indexOf(y)),
          )
        }
        const byChoice = new Array<number>(result.byChoice.length).fill(0)
        let proposals = 0
        for (const [applicant, list] of applicants) {
          const to = assignment.get(applicant)
          if (to === undefined) proposals += list.length
          else {
            byChoice[list.indexOf(to)]!++
            proposals += list.indexOf(to) + 1
          }
        }
        expect(result.byChoice).toEqual(byChoice)
        // Each applicant applies down their list as far as their optimal stable partner, and no further.
        expect(result.proposals).toBe(proposals)
        expect(result.unmatched).toEqual(
          applicants
            .filter(([id]) => assignment.get(id) === undefined)
            .map(([id]) => id)
            .sort(),
        )
      }),
      runs,
    )
  })
})
