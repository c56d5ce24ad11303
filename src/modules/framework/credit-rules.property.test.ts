import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readTestCatalogue } from '../../../test/support/test-app.ts'
import type { ModuleKindId } from '../catalogue/index.ts'
import {
  evaluateRecord,
  fitsPart,
  frameworkRulesFrom,
  type CountedUnit,
  type Evaluation,
  type FrameworkRules,
  type LearnerRecord,
  type PriorLearning,
  type RecordedModule,
} from './credit-rules.ts'

/**
 * The invariants of the credit rules, over records fast-check makes up: modules of every kind, some credits
 * the framework does not recognise, levels 5 to 8, every result, modules passed twice, prior learning of
 * every status, at most 12 modules.
 */

const rules = frameworkRulesFrom((await readTestCatalogue()).content!.framework)

const providers = ['University of Exeter', "King's College London"]

const moduleArbitrary: fc.Arbitrary<RecordedModule> = fc.record({
  code: fc.constantFrom('A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'C1', 'C2', 'D1', 'D2', 'E1'),
  title: fc.constantFrom('Trials', 'Statistics', 'Practice', 'Project'),
  kind: fc.constantFrom<ModuleKindId>('online', 'online', 'online', 'rpe', 'rpe', 'dissertation'),
  credits: fc.constantFrom(10, 15, 15, 15, 20, 20, 25, 30, 40, 60),
  level: fc.constantFrom(5, 6, 7, 7, 7, 7, 8),
  result: fc.constantFrom<RecordedModule['result']>('pass', 'pass', 'pass', 'pass', 'fail', 'in-progress'),
  provider: fc.constantFrom(...providers),
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

const recordArbitrary: fc.Arbitrary<LearnerRecord> = fc.record({
  modules: fc.array(moduleArbitrary, { maxLength: 12 }),
  priorLearning: fc.array(priorLearningArbitrary, { maxLength: 3 }),
})

/**
 * Records shaped like the framework's programmes, all passed: 15- and 20-credit online modules, 15-, 20- and
 * 30-credit RPEs, 60-credit dissertations, some below level 7. Most of them make at least one award, and many
 * can be allocated in more than one way.
 */
const frameworkShapedRecordArbitrary: fc.Arbitrary<LearnerRecord> = fc.record({
  modules: fc.array(
    fc
      .record({
        code: fc.string({ minLength: 1, maxLength: 3 }),
        kind: fc.constantFrom<ModuleKindId>('online', 'online', 'online', 'rpe', 'rpe', 'dissertation'),
        taughtCredits: fc.constantFrom(15, 20),
        practiceCredits: fc.constantFrom(15, 20, 30),
        level: fc.constantFrom(6, 7, 7, 7, 7),
        provider: fc.constantFrom(...providers),
      })
      .map((drawn): RecordedModule => ({
        code: drawn.code,
        title: 'Module',
        kind: drawn.kind,
        credits:
          drawn.kind === 'online' ? drawn.taughtCredits : drawn.kind === 'rpe' ? drawn.practiceCredits : 60,
        level: drawn.level,
        result: 'pass',
        provider: drawn.provider,
      })),
    { minLength: 3, maxLength: 10 },
  ),
  priorLearning: fc.constant([]),
})

const runs = { numRuns: 400 }
const anyRecord = fc.oneof(recordArbitrary, frameworkShapedRecordArbitrary)

function key(module: Pick<RecordedModule, 'code' | 'provider'>): string {
  return `${module.provider}\u0000${module.code}`
}

function allUnits(evaluation: Evaluation): CountedUnit[] {
  return [...evaluation.allocation.flatMap((level) => level.units), ...evaluation.unallocated]
}

function withoutNotes(evaluation: Evaluation) {
  const { problems: _problems, ...rest } = evaluation
  return rest
}

describe('the credit rules, for any record', () => {
  it('never count failed or unfinished modules', () => {
    fc.assert(
      fc.property(recordArbitrary, (record) => {
        const passedOnly = { ...record, modules: record.modules.filter((module) => module.result === 'pass') }
        expect(withoutNotes(evaluateRecord(rules, record))).toEqual(
          withoutNotes(evaluateRecord(rules, passedOnly)),
        )
      }),
      runs,
    )
  })

  it('never count a module twice', () => {
    fc.assert(
      fc.property(anyRecord, (record) => {
        const evaluation = evaluateRecord(rules, record)
        const modules = allUnits(evaluation).filter((unit) => unit.source === 'module')
        const keys = modules.map((unit) => key({ code: unit.code!, provider: unit.provider }))
        expect(new Set(keys).size).toBe(keys.length)
        const passed = new Set(record.modules.filter((m) => m.result === 'pass').map(key))
        expect(keys.every((unitKey) => passed.has(unitKey))).toBe(true)
      }),
      runs,
    )
  })

  it('count a module passed again only once: the awards and credits do not change', () => {
    fc.assert(
      fc.property(recordArbitrary, fc.nat(), (record, pick) => {
        const passed = record.modules.filter((module) => module.result === 'pass')
        fc.pre(passed.length > 0)
        const again = passed[pick % passed.length]!
        const before = evaluateRecord(rules, record)
        const after = evaluateRecord(rules, { ...record, modules: [...record.modules, { ...again }] })
        expect(after.achieved).toEqual(before.achieved)
        expect(after.creditsCounted).toBe(before.creditsCounted)
        expect(after.level7Credits).toBe(before.level7Credits)
      }),
      runs,
    )
  })

  it('give the same answer whatever the order of the record', () => {
    fc.assert(
      fc.property(anyRecord, fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (record, seeds) => {
        const shuffle = <T>(items: readonly T[]) =>
          items
            .map((item, index) => ({ item, order: seeds[index % seeds.length]! * 31 + index }))
            .sort((a, b) => a.order - b.order)
            .map((entry) => entry.item)
        const shuffled = { modules: shuffle(record.modules), priorLearning: shuffle(record.priorLearning) }
        expect(evaluateRecord(rules, shuffled)).toEqual(evaluateRecord(rules, record))
      }),
      runs,
    )
  })

  it('never take an award away when one more module is passed', () => {
    fc.assert(
      fc.property(anyRecord, moduleArbitrary, (record, extra) => {
        const fresh = { ...extra, code: 'NEW', result: 'pass' as const }
        const before = evaluateRecord(rules, record).achieved
        const after = evaluateRecord(rules, { ...record, modules: [...record.modules, fresh] }).achieved
        expect(after.slice(0, before.length)).toEqual(before)
      }),
      runs,
    )
  })

  it('never count more credits than were passed, once each, plus approved prior learning', () => {
    fc.assert(
      fc.property(recordArbitrary, (record) => {
        const passedOnce = new Map(
          record.modules.filter((m) => m.result === 'pass').map((m) => [key(m), m.credits] as const),
        )
        const passedCredits = record.modules
          .filter((module) => module.result === 'pass')
          .reduce((sum, module) => sum + module.credits, 0)
        const approved = record.priorLearning
          .filter((learning) => learning.status === 'approved')
          .reduce((sum, learning) => sum + learning.credits, 0)
        const evaluation = evaluateRecord(rules, record)
        expect(evaluation.creditsCounted).toBeLessThanOrEqual(passedCredits + approved)
        expect(passedOnce.size + record.priorLearning.length).toBeGreaterThanOrEqual(
          allUnits(evaluation).length,
        )
      }),
      runs,
    )
  })

  it('hold an award only with units that make one of its compositions and the level-7 minimum', () => {
    fc.assert(
      fc.property(anyRecord, (record) => {
        const evaluation = evaluateRecord(rules, record)
        let level7 = 0
        evaluation.allocation
          .filter((level) => level.achieved)
          .forEach((allocated, index) => {
            const level = rules.levels[index]!
            expect(allocated.levelId).toBe(level.id)
            expect(makesTheLevel(rules, index, allocated.units)).toBe(true)
            level7 += allocated.units.filter((unit) => unit.level >= 7).reduce((sum, u) => sum + u.credits, 0)
            expect(level7).toBeGreaterThanOrEqual(level.minimumLevel7Credits)
          })
      }),
      runs,
    )
  })

  it('hold as many awards as any allocation of the units could', () => {
    fc.assert(
      fc.property(anyRecord, (record) => {
        const evaluation = evaluateRecord(rules, record)
        const units = allUnits(evaluation)
        fc.pre(units.length <= 10)
        expect(evaluation.achieved.length).toBe(mostAwardsByBruteForce(rules, units))
      }),
      runs,
    )
  })
})

/** Whether the units make exactly one of the level's compositions: right kinds, counts and credits. */
function makesTheLevel(rules: FrameworkRules, levelIndex: number, units: readonly CountedUnit[]): boolean {
  const level = rules.levels[levelIndex]!
  if (units.reduce((sum, unit) => sum + unit.credits, 0) !== level.credits) return false
  return level.compositions.some((composition) => {
    const left = [...units]
    for (const part of composition.parts) {
      for (let slot = 0; slot < part.count; slot++) {
        const index = left.findIndex((unit) => unit.kind === part.kind && fitsPart(part, unit.credits))
        if (index === -1) return false
        left.splice(index, 1)
      }
    }
    return left.length === 0
  })
}

/**
 * The most awards, in order, that any allocation of the units makes: every subset of the units for the first
 * level, then every subset of the rest for the next, keeping the level-7 minimums.
 */
function mostAwardsByBruteForce(
  rules: FrameworkRules,
  units: readonly CountedUnit[],
  levelIndex = 0,
  level7 = 0,
): number {
  const level = rules.levels[levelIndex]
  if (level === undefined) return 0
  let best = 0
  for (let mask = 1; mask < 1 << units.length; mask++) {
    const chosen = units.filter((_, index) => (mask & (1 << index)) !== 0)
    if (!makesTheLevel(rules, levelIndex, chosen)) continue
    const held =
      level7 + chosen.filter((unit) => unit.level >= 7).reduce((sum, unit) => sum + unit.credits, 0)
    if (held < level.minimumLevel7Credits) continue
    const rest = units.filter((_, index) => (mask & (1 << index)) === 0)
    best = Math.max(best, 1 + mostAwardsByBruteForce(rules, rest, levelIndex + 1, held))
    if (best === rules.levels.length - levelIndex) break
  }
  return best
}
