import { describe, expect, it } from 'vitest'
import { matchApplicants } from '../src/modules/placements/index.ts'
import { buildMatchRound, countBlockingPairs } from './match-round.ts'

describe('the benchmark’s matching round', () => {
  const shape = { applicants: 2_000, programs: 400, choices: 20, seed: 7 }
  const round = buildMatchRound(shape)

  it('gives each applicant 20 different choices, and each programme ranks exactly those who rank it', () => {
    const applicants = Object.entries(round.applicants)
    expect(applicants).toHaveLength(2_000)
    const rankers = new Map<string, Set<string>>()
    for (const [id, list] of applicants) {
      expect(new Set(list).size).toBe(20)
      for (const programId of list) rankers.set(programId, (rankers.get(programId) ?? new Set()).add(id))
    }
    for (const [id, program] of Object.entries(round.programs)) {
      expect(program.capacity).toBeGreaterThanOrEqual(1)
      expect(program.capacity).toBeLessThanOrEqual(10)
      expect(new Set(program.rol)).toEqual(rankers.get(id) ?? new Set())
      expect(program.rol).toHaveLength(new Set(program.rol).size)
    }
  })

  it('is the same round for the same seed, and popularity is uneven', () => {
    expect(buildMatchRound(shape)).toEqual(round)
    const lengths = Object.values(round.programs)
      .map((program) => program.rol.length)
      .sort((a, b) => a - b)
    expect(lengths[lengths.length - 1]!).toBeGreaterThan(10 * lengths[Math.floor(lengths.length / 2)]!)
  })

  it('finds no blocking pair in the engine’s matching, and finds one in a matching that was spoilt', () => {
    const result = matchApplicants(round)
    expect(countBlockingPairs(round, result)).toBe(0)
    const spoilt = { ...result, programs: result.programs.map((program) => ({ ...program, matched: [] })) }
    expect(countBlockingPairs(round, spoilt)).toBeGreaterThan(0)
  })
})
