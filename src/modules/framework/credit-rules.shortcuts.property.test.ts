import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readTestCatalogue } from '../../../test/support/test-app.ts'
import type { ModuleKindId } from '../catalogue/index.ts'
import {
  articleFor,
  canFill,
  evaluateRecord,
  fitsPart,
  frameworkRulesFrom,
  joinWithOr,
  kindWords,
  type CountedUnit,
  type Evaluation,
  type FrameworkRules,
  type LearnerRecord,
  type PriorLearning,
  type RecordedModule,
} from './credit-rules.ts'

const framework = (await readTestCatalogue()).content!.framework
const rules = frameworkRulesFrom(framework)

/**
 * Records fast-check makes up: modules of every kind, at credits the framework recognises and some it does not
 * (a 90-credit module fits no level), levels 5 to 8, every result, modules passed twice, prior learning of every
 * status, at most 12 modules.
 */
const moduleArbitrary: fc.Arbitrary<RecordedModule> = fc.record({
  code: fc.constantFrom('A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'C1', 'C2', 'D1', 'D2', 'E1'),
  title: fc.constantFrom('Trials', 'Statistics', 'Practice', 'Project'),
  kind: fc.constantFrom<ModuleKindId>('online', 'online', 'online', 'rpe', 'rpe', 'dissertation'),
  credits: fc.constantFrom(10, 15, 15, 15, 20, 20, 25, 30, 40, 60, 90),
  level: fc.constantFrom(5, 6, 7, 7, 7, 7, 8),
  result: fc.constantFrom<RecordedModule['result']>('pass', 'pass', 'pass', 'pass', 'fail', 'in-progress'),
  provider: fc.constantFrom('University of Exeter', "King's College London"),
})

const priorLearningArbitrary: fc.Arbitrary<PriorLearning> = fc.record(
  {
    credits: fc.constantFrom(10, 15, 20, 30),
    countsAs: fc.constantFrom<PriorLearning['countsAs']>('online', 'rpe'),
    status: fc.constantFrom<PriorLearning['status']>('approved', 'approved', 'pending', 'rejected'),
    provider: fc.constantFrom('University of Sheffield', 'Newcastle University'),
    level: fc.constantFrom(6, 7, 8),
  },
  { requiredKeys: ['credits', 'countsAs', 'status', 'provider'] },
)

const anyRecord: fc.Arbitrary<LearnerRecord> = fc.record({
  modules: fc.array(moduleArbitrary, { maxLength: 12 }),
  priorLearning: fc.array(priorLearningArbitrary, { maxLength: 3 }),
})

const runs = { numRuns: 400 }

function allUnits(evaluation: Evaluation): CountedUnit[] {
  return [...evaluation.allocation.flatMap((level) => level.units), ...evaluation.unallocated]
}

/**
 * The evaluation works some things out once for each rules object and keeps them (lookups, and the words for
 * empty slots and for units that fit no level), and its searches skip ways that cannot count. These check
 * the results against plain references that do none of that.
 */
/**
 * Besides the framework's own rules, rules changed as data may change: each composition's parts in the
 * other order, and compositions of other shapes (parts open to any credits, credits a level cannot hold).
 */
const otherRules: FrameworkRules[] = [
  {
    ...rules,
    levels: rules.levels.map((level) => ({
      ...level,
      compositions: level.compositions.map((composition) => ({
        ...composition,
        parts: [...composition.parts].reverse(),
      })),
    })),
  },
  {
    ...rules,
    levels: rules.levels.map((level, index) => ({
      ...level,
      compositions: [
        ...level.compositions,
        index === 1
          ? {
              description: 'Three online modules of 10 or 20 credits and an RPE of 30 or 90',
              parts: [
                { kind: 'online', count: 3, creditsEach: null, allowedCredits: [10, 20] },
                { kind: 'rpe', count: 1, creditsEach: null, allowedCredits: [30, 90] },
              ],
            }
          : {
              description: 'Two modules of any credits of each kind',
              parts: [
                { kind: 'rpe', count: 2, creditsEach: null, allowedCredits: null },
                { kind: 'online', count: 2, creditsEach: null, allowedCredits: null },
              ],
            },
      ],
    })),
  },
]

describe('the credit rules’ shortcuts, for any record', () => {
  it('give the same evaluation with rules made afresh as with rules already used for other records', () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { minLength: 1, maxLength: 5 }), (records) => {
        const fresh = frameworkRulesFrom(framework)
        for (const record of records)
          expect(evaluateRecord(fresh, record)).toEqual(evaluateRecord(rules, record))
      }),
      { numRuns: 100 },
    )
  })

  it('say of each unit that fits no level still to achieve why, as the rules say', () => {
    fc.assert(
      fc.property(anyRecord, fc.constantFrom(rules, ...otherRules), (record, rules) => {
        const evaluation = evaluateRecord(rules, record)
        const heldCount = evaluation.achieved.length
        const expected = evaluation.unallocated.flatMap((unit) => {
          if (heldCount === rules.levels.length)
            return ['counts toward no award: the record already holds every level.']
          if (fitsSomeLevelFrom(rules, heldCount, unit)) return []
          return [`fits no award still to achieve: ${whyNothingFits(rules, heldCount, unit)}.`]
        })
        const notes = evaluation.problems.filter((problem) => / (fits|counts toward) no award/.test(problem))
        expect(notes.map((note) => note.slice(note.search(/ (fits|counts toward) no award/) + 1))).toEqual(
          expected,
        )
      }),
      runs,
    )
  })

  it('plan the next level from the leftover units that bring the most credits, then level-7 credits', () => {
    const allRules = [rules, ...otherRules]
    for (const level of allRules.flatMap((each) => each.levels)) {
      for (const composition of level.compositions) {
        // The reference below places each unit in the one part of its kind.
        expect(new Set(composition.parts.map((part) => part.kind)).size).toBe(composition.parts.length)
      }
    }
    fc.assert(
      fc.property(anyRecord, fc.constantFrom(...allRules), (record, rules) => {
        const evaluation = evaluateRecord(rules, record)
        const next = evaluation.nextLevel
        fc.pre(next !== null)
        const held = evaluation.allocation.filter((level) => level.achieved).flatMap((level) => level.units)
        const left = allUnits(evaluation).filter((unit) => !held.includes(unit))
        fc.pre(left.length <= 10)
        const levelIndex = evaluation.achieved.length
        const level = rules.levels[levelIndex]!
        const best = bestPartialFillByBruteForce(rules, levelIndex, left)
        const toGain = level.credits - Math.max(0, best.credits)
        const level7Needed = level.minimumLevel7Credits - level7Of(held) - Math.max(0, best.level7)
        expect(next!.creditsToGo).toBe(toGain + Math.max(0, level7Needed - toGain))
        expect(evaluation.allocation[levelIndex]!.units.reduce((sum, unit) => sum + unit.credits, 0)).toBe(
          Math.max(0, best.credits),
        )
      }),
      runs,
    )
  })
})

function level7Of(units: readonly CountedUnit[]): number {
  return units.filter((unit) => unit.level >= 7).reduce((sum, unit) => sum + unit.credits, 0)
}

function fitsSomeLevelFrom(rules: FrameworkRules, firstLevel: number, unit: CountedUnit): boolean {
  return rules.levels
    .slice(firstLevel)
    .some(
      (level) =>
        unit.credits <= level.credits &&
        level.compositions.some((composition) =>
          composition.parts.some((part) => part.kind === unit.kind && fitsPart(part, unit.credits)),
        ),
    )
}

function whyNothingFits(rules: FrameworkRules, firstLevel: number, unit: CountedUnit): string {
  const parts = rules.levels
    .slice(firstLevel)
    .flatMap((level) => level.compositions.flatMap((composition) => composition.parts))
    .filter((part) => part.kind === unit.kind)
  const allowed = [...new Set(parts.flatMap((part) => part.allowedCredits ?? []))].sort((a, b) => a - b)
  if (allowed.length === 0) {
    const credits = `${unit.credits} credit${unit.credits === 1 ? '' : 's'}`
    return `no level still to achieve takes ${articleFor(unit.kind)} ${kindWords[unit.kind].one} of ${credits}`
  }
  return `${kindWords[unit.kind].many} count when they are worth ${joinWithOr(allowed.map(String))} credits`
}

/**
 * The most credits, then level-7 credits, that a subset of the units brings to one of the level's compositions
 * (each unit in the part of its kind, if the part allows its credits and has a slot left) with the slots left
 * empty still able to make the level's credits; -1 and -1 when no subset can.
 */
function bestPartialFillByBruteForce(
  rules: FrameworkRules,
  levelIndex: number,
  units: readonly CountedUnit[],
): { credits: number; level7: number } {
  const level = rules.levels[levelIndex]!
  let best = { credits: -1, level7: -1 }
  for (let mask = 0; mask < 1 << units.length; mask++) {
    const chosen = units.filter((_, index) => (mask & (1 << index)) !== 0)
    const credits = chosen.reduce((sum, unit) => sum + unit.credits, 0)
    if (credits > level.credits) continue
    const level7 = level7Of(chosen)
    if (credits < best.credits || (credits === best.credits && level7 <= best.level7)) continue
    const fills = level.compositions.some((composition) => {
      const unfilled = composition.parts.map((part) => part.count)
      for (const unit of chosen) {
        const index = composition.parts.findIndex(
          (part, at) => part.kind === unit.kind && fitsPart(part, unit.credits) && unfilled[at]! > 0,
        )
        if (index === -1) return false
        unfilled[index]!--
      }
      return canFill(composition.parts, unfilled, level.credits - credits)
    })
    if (fills) best = { credits, level7 }
  }
  return best
}
