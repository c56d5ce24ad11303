import fc from 'fast-check'
import type { MatchInput } from '../../src/modules/placements/index.ts'

/**
 * Match rounds for property tests: applicants a0, a1, … and programmes p0, p1, …, each ranking some of the other
 * side (or all of it) in a random order, with random capacities.
 */
export interface RoundShape {
  readonly maxApplicants: number
  readonly maxPrograms: number
  readonly maxCapacity: number
  /** Everyone ranks everyone on the other side: rounds with more than one stable matching are then common. */
  readonly complete?: boolean
}

/** A permutation of some of `ids` (or of all of them): a ranked list. */
function rankedSubset(ids: readonly string[], all = false): fc.Arbitrary<string[]> {
  return fc.shuffledSubarray([...ids], { minLength: all ? ids.length : 0 })
}

export function roundArbitrary(shape: RoundShape): fc.Arbitrary<MatchInput> {
  return fc
    .record({
      applicants: fc.integer({ min: 0, max: shape.maxApplicants }),
      programs: fc.integer({ min: 0, max: shape.maxPrograms }),
    })
    .chain(({ applicants, programs }) => {
      const applicantIds = Array.from({ length: applicants }, (_, index) => `a${index}`)
      const programIds = Array.from({ length: programs }, (_, index) => `p${index}`)
      return fc
        .record({
          applicants: fc.tuple(...applicantIds.map(() => rankedSubset(programIds, shape.complete))),
          programs: fc.tuple(
            ...programIds.map(() =>
              fc.record({
                capacity: fc.integer({ min: 0, max: shape.maxCapacity }),
                rol: rankedSubset(applicantIds, shape.complete),
              }),
            ),
          ),
        })
        .map((drawn): MatchInput => ({
          applicants: Object.fromEntries(applicantIds.map((id, index) => [id, drawn.applicants[index]!])),
          programs: Object.fromEntries(programIds.map((id, index) => [id, drawn.programs[index]!])),
        }))
    })
}
