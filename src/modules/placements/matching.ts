/**
 * The placement matching engine of Research Practice Experience: learner-proposing deferred acceptance with
 * capacities, the applicant-proposing algorithm of the NRMP (Roth and Peranson, "The redesign of the matching
 * market for American physicians", American Economic Review 89(4), 1999), without couples.
 *
 * Applicants rank programmes (placement offers); each programme has a number of places and ranks the applicants
 * it will take. An applicant a programme does not rank is unacceptable to it, and a programme an applicant does
 * not rank is unacceptable to them: neither is ever matched to the other. The result is the applicant-optimal
 * stable matching (Gale and Shapley, 1962): no applicant and programme would both rather have each other than
 * what they got, and every applicant does at least as well as in any other stable matching. That matching is
 * unique, so the result does not depend on the order of the input, and neither does anything reported here: the
 * number of proposals too is fixed, because each applicant proposes down their list exactly as far as their
 * optimal stable partner.
 *
 * Exact and pure: plain data in, plain data out. Ids become integers once, preferences flat `Int32Array`s, and
 * each programme holds its applicants in a max-heap of their ranks, so that a national round (50,000
 * applicants, 10,000 programmes, 20 choices each) stays well inside its budget of 0.5 s on one core
 * (ARCHITECTURE.md; bench/match.ts).
 */

/** A round's input, in the NRMP's published shape: what `parseMatchInput` (matching-schemas.ts) returns. */
export interface MatchInput {
  /** Each applicant's programme ids, most wanted first. */
  readonly applicants: Readonly<Record<string, readonly string[]>>
  readonly programs: Readonly<Record<string, MatchProgramInput>>
}

export interface MatchProgramInput {
  /** Places: a whole number, 0 or more. */
  readonly capacity: number
  /** The rank order list: the applicants it will take, best first. */
  readonly rol: readonly string[]
}

export interface MatchedProgram {
  readonly id: string
  readonly capacity: number
  /** The applicants matched to it, in its rank order. */
  readonly matched: readonly string[]
  /** Places not filled: capacity less matched. */
  readonly placesLeft: number
}

export interface MatchResult {
  /** Every programme, matched or not, in order of id (code units, as `<` compares strings). */
  readonly programs: readonly MatchedProgram[]
  /** Applicants matched to no programme, in order of id (code units): a fixed order, whatever the input's. */
  readonly unmatched: readonly string[]
  readonly matchedCount: number
  readonly unmatchedCount: number
  /** `byChoice[k]`: how many applicants were matched to their (k + 1)th choice; as long as the longest list. */
  readonly byChoice: readonly number[]
  /** The places of every programme, and those left unfilled. */
  readonly totalPlaces: number
  readonly placesLeft: number
  /**
   * Applications made: each applicant applies down their list until one holds them or the list ends. An
   * application to a programme that does not rank the applicant counts too: it is refused at once.
   */
  readonly proposals: number
}

/** Thrown for input that `parseMatchInput` would refuse: the engine matches only what it can match exactly. */
export class InvalidMatchInputError extends Error {
  override readonly name = 'InvalidMatchInputError'
}

/** Code-unit order, the order of `<` on strings: the same on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The applicant-optimal stable matching of a round, and its figures. */
export function matchApplicants(input: MatchInput): MatchResult {
  const round = indexRound(input)
  const outcome = deferAcceptance(round)
  return describeOutcome(input, round, outcome)
}

/** A round in integers: applicant `a` and programme `p` are indexes into the ids, in the input's order. */
interface IndexedRound {
  readonly applicantIds: readonly string[]
  readonly programIds: readonly string[]
  readonly programIndex: Readonly<Record<string, number | undefined>>
  /** Applicant a's choices are choice[listStart[a] .. listStart[a + 1]), programme indexes, best first. */
  readonly listStart: Int32Array
  readonly choice: Int32Array
  readonly longestList: number
  /** Programme p's rank order list is rol[rolStart[p] .. rolStart[p + 1]), applicant indexes, best first. */
  readonly rolStart: Int32Array
  readonly rol: Int32Array
  /** Places each programme can fill: no more than the applicants it ranks. */
  readonly places: Int32Array
  readonly totalPlaces: number
  /** For each choice, the applicant's rank in that programme's list; -1 when it does not rank them. */
  readonly rankOfChoice: Int32Array
}

function indexRound(input: MatchInput): IndexedRound {
  const applicantIds = Object.keys(input.applicants)
  const programIds = Object.keys(input.programs)
  // Values in the same order as keys (both follow the object's own property order).
  const lists = Object.values(input.applicants)
  const programInputs = Object.values(input.programs)
  const applicantCount = applicantIds.length
  const programCount = programIds.length
  const applicantIndex = indexIds(applicantIds)
  const programIndex = indexIds(programIds)

  const listStart = new Int32Array(applicantCount + 1)
  for (let a = 0; a < applicantCount; a++) listStart[a + 1] = listStart[a]! + lists[a]!.length
  const entries = listStart[applicantCount]!
  const choice = new Int32Array(entries)
  const seenBy = new Int32Array(Math.max(programCount, applicantCount)).fill(-1)
  let longestList = 0
  for (let a = 0; a < applicantCount; a++) {
    const list = lists[a]!
    if (list.length > longestList) longestList = list.length
    const start = listStart[a]!
    for (let k = 0; k < list.length; k++) {
      const p = programIndex[list[k]!]
      if (p === undefined) throw invalid(`applicant "${applicantIds[a]}" ranks an unknown programme`)
      if (seenBy[p] === a) throw invalid(`applicant "${applicantIds[a]}" ranks "${list[k]}" twice`)
      seenBy[p] = a
      choice[start + k] = p
    }
  }

  const rolStart = new Int32Array(programCount + 1)
  const places = new Int32Array(programCount)
  let totalPlaces = 0
  for (let p = 0; p < programCount; p++) {
    const program = programInputs[p]!
    if (!Number.isSafeInteger(program.capacity) || program.capacity < 0) {
      throw invalid(`programme "${programIds[p]}" has a capacity that is not a whole number, 0 or more`)
    }
    totalPlaces += program.capacity
    places[p] = Math.min(program.capacity, program.rol.length)
    rolStart[p + 1] = rolStart[p]! + program.rol.length
  }
  const rol = new Int32Array(rolStart[programCount]!)
  seenBy.fill(-1)
  for (let p = 0; p < programCount; p++) {
    const list = programInputs[p]!.rol
    const start = rolStart[p]!
    for (let r = 0; r < list.length; r++) {
      const a = applicantIndex[list[r]!]
      if (a === undefined) throw invalid(`programme "${programIds[p]}" ranks an unknown applicant`)
      if (seenBy[a] === p) throw invalid(`programme "${programIds[p]}" ranks "${list[r]}" twice`)
      seenBy[a] = p
      rol[start + r] = a
    }
  }

  // The rank of each choice: the choices are grouped by programme (a counting sort), then each programme's
  // ranks are stamped once into a scratch array and read for the applicants who chose it.
  const byProgramStart = new Int32Array(programCount + 1)
  for (let k = 0; k < entries; k++) byProgramStart[choice[k]! + 1]!++
  for (let p = 0; p < programCount; p++) byProgramStart[p + 1]! += byProgramStart[p]!
  const fill = byProgramStart.slice(0, programCount)
  const chosenAt = new Int32Array(entries)
  const applicantOfChoice = new Int32Array(entries)
  for (let a = 0; a < applicantCount; a++) {
    for (let k = listStart[a]!; k < listStart[a + 1]!; k++) {
      chosenAt[fill[choice[k]!]!++] = k
      applicantOfChoice[k] = a
    }
  }
  const rankOfChoice = new Int32Array(entries)
  const stamp = new Int32Array(applicantCount).fill(-1)
  const rankIn = new Int32Array(applicantCount)
  for (let p = 0; p < programCount; p++) {
    for (let r = rolStart[p]!; r < rolStart[p + 1]!; r++) {
      stamp[rol[r]!] = p
      rankIn[rol[r]!] = r - rolStart[p]!
    }
    for (let i = byProgramStart[p]!; i < byProgramStart[p + 1]!; i++) {
      const k = chosenAt[i]!
      const a = applicantOfChoice[k]!
      rankOfChoice[k] = stamp[a] === p ? rankIn[a]! : -1
    }
  }
  return {
    applicantIds,
    programIds,
    programIndex,
    listStart,
    choice,
    longestList,
    rolStart,
    rol,
    places,
    totalPlaces,
    rankOfChoice,
  }
}

interface Outcome {
  /** Programme p holds the ranks heap[heapStart[p] .. heapStart[p] + held[p]), a max-heap: the worst on top. */
  readonly heapStart: Int32Array
  readonly heap: Int32Array
  readonly held: Int32Array
  /** Where each applicant is held: the position of the programme in their own list, or -1. */
  readonly heldChoice: Int32Array
  readonly proposals: number
}

/** Deferred acceptance: free applicants, from a stack, apply down their lists; programmes hold the best. */
function deferAcceptance(round: IndexedRound): Outcome {
  const { listStart, choice, rankOfChoice, rolStart, rol, places } = round
  const applicantCount = round.applicantIds.length
  const programCount = round.programIds.length
  const heapStart = new Int32Array(programCount + 1)
  for (let p = 0; p < programCount; p++) heapStart[p + 1] = heapStart[p]! + places[p]!
  const heap = new Int32Array(heapStart[programCount]!)
  const held = new Int32Array(programCount)
  const next = listStart.slice(0, applicantCount)
  const free = new Int32Array(applicantCount)
  let freeCount = 0
  for (let a = applicantCount - 1; a >= 0; a--) free[freeCount++] = a
  const heldChoice = new Int32Array(applicantCount).fill(-1)
  let proposals = 0
  while (freeCount > 0) {
    let a = free[--freeCount]!
    // Applicant a applies down their list until a programme holds them, or their list ends.
    while (next[a]! < listStart[a + 1]!) {
      const k = next[a]!++
      proposals++
      const rank = rankOfChoice[k]!
      if (rank < 0) continue
      const p = choice[k]!
      const base = heapStart[p]!
      const size = held[p]!
      if (size < places[p]!) {
        pushRank(heap, base, size, rank)
        held[p] = size + 1
        heldChoice[a] = k - listStart[a]!
        break
      }
      if (size === 0 || rank > heap[base]!) continue
      // Better than the worst held: that one is let go and applies further down their own list.
      const displaced = rol[rolStart[p]! + heap[base]!]!
      replaceTop(heap, base, size, rank)
      heldChoice[a] = k - listStart[a]!
      heldChoice[displaced] = -1
      a = displaced
    }
  }
  return { heapStart, heap, held, heldChoice, proposals }
}

/** The outcome in canonical order, with its figures. */
function describeOutcome(input: MatchInput, round: IndexedRound, outcome: Outcome): MatchResult {
  const { applicantIds, rol, rolStart } = round
  const { heap, heapStart, held, heldChoice } = outcome
  const byChoice = new Array<number>(round.longestList).fill(0)
  const unmatched: string[] = []
  let matchedCount = 0
  for (let a = 0; a < applicantIds.length; a++) {
    const k = heldChoice[a]!
    if (k < 0) unmatched.push(applicantIds[a]!)
    else {
      byChoice[k]!++
      matchedCount++
    }
  }
  // The default sort compares strings by code unit, as compareIds does, and faster.
  unmatched.sort()

  let placesLeft = 0
  const programs = [...round.programIds].sort().map((id): MatchedProgram => {
    const p = round.programIndex[id]!
    // A typed array sorts numerically: the ranks in order are the applicants in the programme's order.
    const ranks = heap.slice(heapStart[p]!, heapStart[p]! + held[p]!).sort()
    const capacity = input.programs[id]!.capacity
    placesLeft += capacity - ranks.length
    return {
      id,
      capacity,
      matched: Array.from(ranks, (rank) => applicantIds[rol[rolStart[p]! + rank]!]!),
      placesLeft: capacity - ranks.length,
    }
  })

  return {
    programs,
    unmatched,
    matchedCount,
    unmatchedCount: unmatched.length,
    byChoice,
    totalPlaces: round.totalPlaces,
    placesLeft,
    proposals: outcome.proposals,
  }
}

/**
 * Each id's index, in an object without a prototype: V8 looks a string key up there at least as fast as in a
 * Map, and no id (not even "__proto__") means anything special to it.
 */
function indexIds(ids: readonly string[]): Record<string, number | undefined> {
  const index = Object.create(null) as Record<string, number | undefined>
  for (let at = 0; at < ids.length; at++) index[ids[at]!] = at
  return index
}

function invalid(reason: string): InvalidMatchInputError {
  return new InvalidMatchInputError(`Invalid match input: ${reason}; check it with parseMatchInput first.`)
}

/** Adds a rank to the max-heap heap[base .. base + size). */
function pushRank(heap: Int32Array, base: number, size: number, rank: number): void {
  let i = size
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (heap[base + parent]! >= rank) break
    heap[base + i] = heap[base + parent]!
    i = parent
  }
  heap[base + i] = rank
}

/** Puts a rank in place of the largest (the top) of the max-heap heap[base .. base + size). */
function replaceTop(heap: Int32Array, base: number, size: number, rank: number): void {
  let i = 0
  for (;;) {
    const left = 2 * i + 1
    if (left >= size) break
    const right = left + 1
    const larger = right < size && heap[base + right]! > heap[base + left]! ? right : left
    if (heap[base + larger]! <= rank) break
    heap[base + i] = heap[base + larger]!
    i = larger
  }
  heap[base + i] = rank
}
