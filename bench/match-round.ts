import type { MatchInput, MatchResult } from '../src/modules/placements/index.ts'

/**
 * A national matching round for bench/match.ts, the same for a given seed on every machine: by default 50,000
 * applicants and 10,000 programmes (the budget's round, ARCHITECTURE.md), 20 choices each.
 *
 * - **Places**: each programme has 1 to 10, uniformly (a ward, a clinic or a trials unit offering a handful of
 *   placements), about 55,000 in all: a few more places than applicants, as in a round where most, not all,
 *   are placed.
 * - **Applicants' lists** follow popularity: each programme has a popularity drawn from a log-normal
 *   distribution (σ = 1: the most popular are some 40 times as sought as the median), and each applicant's 20
 *   choices are drawn one after another, in proportion to popularity, without repeats (the Plackett–Luce model),
 *   so popular programmes are ranked by many and high. That makes the round hard: the popular programmes turn
 *   most of their applicants away, who then apply further down their lists.
 * - **Programmes' lists** hold every applicant who ranked them, ordered by a score common to all programmes
 *   (how strong the applicant is) plus half as much noise of the programme's own: programmes largely agree,
 *   so the same strong applicants displace others everywhere.
 */
export interface MatchRoundShape {
  readonly applicants: number
  readonly programs: number
  readonly choices: number
  readonly seed: number
}

export const nationalRound: MatchRoundShape = {
  applicants: 50_000,
  programs: 10_000,
  choices: 20,
  seed: 20_261_202,
}

export function buildMatchRound(shape: MatchRoundShape = nationalRound): MatchInput {
  const random = seededRandom(shape.seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const programIds = Array.from({ length: shape.programs }, (_, p) => `P${String(p + 1).padStart(5, '0')}`)
  const applicantIds = Array.from(
    { length: shape.applicants },
    (_, a) => `A${String(a + 1).padStart(6, '0')}`,
  )
  const capacities = programIds.map(() => 1 + Math.floor(random() * 10))
  const cumulative = new Float64Array(shape.programs)
  let total = 0
  for (let p = 0; p < shape.programs; p++) {
    total += Math.exp(gaussian())
    cumulative[p] = total
  }
  const strength = applicantIds.map(() => gaussian())
  const choices = Math.min(shape.choices, shape.programs)

  const rankedBy: number[][] = programIds.map(() => [])
  const applicants: Record<string, string[]> = {}
  const taken = new Int32Array(shape.programs).fill(-1)
  for (let a = 0; a < shape.applicants; a++) {
    const list: string[] = []
    while (list.length < choices) {
      const p = lowerBound(cumulative, random() * total)
      if (taken[p] === a) continue
      taken[p] = a
      list.push(programIds[p]!)
      rankedBy[p]!.push(a)
    }
    applicants[applicantIds[a]!] = list
  }
  const programs: Record<string, { capacity: number; rol: string[] }> = {}
  for (let p = 0; p < shape.programs; p++) {
    const scored = rankedBy[p]!.map((a) => ({ a, score: strength[a]! + 0.5 * gaussian() }))
    scored.sort((x, y) => y.score - x.score)
    programs[programIds[p]!] = { capacity: capacities[p]!, rol: scored.map(({ a }) => applicantIds[a]!) }
  }
  return { applicants, programs }
}

/** The first index whose cumulative weight exceeds `value`. */
function lowerBound(cumulative: Float64Array, value: number): number {
  let low = 0
  let high = cumulative.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if (cumulative[middle]! > value) high = middle
    else low = middle + 1
  }
  return low
}

/** mulberry32, as bench/engine-records.ts: small, fast and good enough to vary benchmark data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * The blocking pairs of a result (none, for a stable matching), found in one pass over the lists: so that
 * the benchmark times an engine that gives the right answer on its own round.
 */
export function countBlockingPairs(input: MatchInput, result: MatchResult): number {
  const matchedTo = new Map<string, string>()
  const worstHeld = new Map<string, number>()
  const ranks = new Map<string, Map<string, number>>()
  for (const [id, program] of Object.entries(input.programs)) {
    ranks.set(id, new Map(program.rol.map((applicant, rank) => [applicant, rank])))
  }
  for (const program of result.programs) {
    for (const applicant of program.matched) matchedTo.set(applicant, program.id)
    const full = program.matched.length >= program.capacity
    const last = program.matched[program.matched.length - 1]
    // A programme with a place free takes any applicant it ranks: its "worst held" is past the end of its list.
    worstHeld.set(program.id, full ? (last === undefined ? -1 : ranks.get(program.id)!.get(last)!) : Infinity)
  }
  let blocking = 0
  for (const [applicant, list] of Object.entries(input.applicants)) {
    const to = matchedTo.get(applicant)
    for (const programId of list) {
      if (programId === to) break
      const rank = ranks.get(programId)!.get(applicant)
      if (rank !== undefined && rank < worstHeld.get(programId)!) blocking++
    }
  }
  return blocking
}
