import type { Framework, ModuleKindId } from '../catalogue/index.ts'

/**
 * The credit rules of the Clinician Researcher Credentials Framework, as pure functions over plain data.
 *
 * Every number comes from the catalogue's framework (content/framework.yaml): the credits of each level, the
 * modules that make it up, its level-7 minimum, the hours per credit and the months per level. A change to the
 * framework is a change of data, never of this file. `frameworkRulesFrom` turns the framework into rules once;
 * `evaluateRecord` then answers, for one learner's record, which awards it holds and what is still missing.
 */

// The learner's record -------------------------------------------------------------------------------------

export type ModuleResult = 'pass' | 'fail' | 'in-progress'
export type PriorLearningStatus = 'approved' | 'pending' | 'rejected'
/** Prior learning is recognised in place of a taught or a practice module, never of a dissertation. */
export type PriorLearningKind = 'online' | 'rpe'

export interface RecordedModule {
  readonly code: string
  readonly title: string
  readonly kind: ModuleKindId
  readonly credits: number
  /** The FHEQ level of the module, 3 to 8. */
  readonly level: number
  readonly result: ModuleResult
  /** The university that ran it. A module is the same module when its code and provider are the same. */
  readonly provider: string
}

export interface PriorLearning {
  readonly credits: number
  readonly countsAs: PriorLearningKind
  readonly status: PriorLearningStatus
  readonly provider: string
  /**
   * The level it is recognised at. When absent it is 7: a university recognises prior learning against the
   * learning outcomes of its own programme's modules, and every programme in the framework is a level-7
   * (Master's-level) programme, so recognised learning stands in for level-7 credits.
   */
  readonly level?: number
}

export interface LearnerRecord {
  readonly modules: readonly RecordedModule[]
  readonly priorLearning: readonly PriorLearning[]
}

// The rules ------------------------------------------------------------------------------------------------

export interface RoleSummary {
  readonly id: string
  readonly name: string
}

/** One part of a composition: `count` modules of `kind`, each worth one of `allowedCredits`. */
export interface PartRule {
  readonly kind: ModuleKindId
  readonly count: number
  /** The credits the framework fixes for each module of this part, where it does. */
  readonly creditsEach: number | null
  /**
   * The credits a module may have to fill this part: the part's own figure, or else the credits the framework
   * gives for modules of the kind (online modules are 15 or 20); null when neither says (any credits).
   */
  readonly allowedCredits: readonly number[] | null
}

export interface CompositionRule {
  readonly description: string
  readonly parts: readonly PartRule[]
}

export interface LevelRules {
  readonly id: string
  readonly name: string
  readonly abbreviation: string
  /** Credits this level adds. */
  readonly credits: number
  readonly cumulativeCredits: number
  /** The credits at level 7 or above that the award needs, counted over this level and those before it. */
  readonly minimumLevel7Credits: number
  /**
   * This level's own share of the level-7 minimum: its minimum less the minimum of the level before
   * (PGCert 40, PGDip 90 − 40 = 50, Master's 150 − 90 = 60). A programme teaches one level only, and a
   * learner may arrive from another university's earlier level holding exactly that level's minimum; only if
   * each programme carries its own share does every learner meet the cumulative minimum.
   */
  readonly level7Share: number
  /** The level to hold first (or an approved equivalent, which the record holds as approved prior learning). */
  readonly entryRequires: string | null
  /** Any one of them makes the level. */
  readonly compositions: readonly CompositionRule[]
  readonly roles: readonly RoleSummary[]
}

export interface FrameworkRules {
  readonly hoursPerCredit: number
  readonly partTimeMonthsPerLevel: number
  /** The kinds of module, in the framework's order. */
  readonly kinds: readonly ModuleKindId[]
  /** The levels in order: each builds on the one before. */
  readonly levels: readonly LevelRules[]
  /** Every role, in the framework's order. */
  readonly roles: readonly RoleSummary[]
}

/**
 * The rules of a framework. Throws when the levels do not form a ladder (each requiring the one before),
 * because the allocation below relies on it: a framework that changed that would need new rules, not data.
 */
export function frameworkRulesFrom(framework: Framework): FrameworkRules {
  const creditOptions = new Map(framework.moduleKinds.map((kind) => [kind.id, kind.creditOptions]))
  const rolesById = new Map(framework.roles.map((role) => [role.id, { id: role.id, name: role.name }]))
  let previousMinimum = 0
  const levels = framework.levels.map((level, index): LevelRules => {
    const before = framework.levels[index - 1]
    const expected = before === undefined ? null : before.id
    if (level.entryRequires !== expected) {
      throw new Error(
        `The credit rules need each level to build on the one before: "${level.id}" requires ` +
          `"${String(level.entryRequires)}", not "${String(expected)}".`,
      )
    }
    const share = level.minimumLevel7Credits.value - previousMinimum
    previousMinimum = level.minimumLevel7Credits.value
    return {
      id: level.id,
      name: level.name,
      abbreviation: level.abbreviation,
      credits: level.credits,
      cumulativeCredits: level.cumulativeCredits,
      minimumLevel7Credits: level.minimumLevel7Credits.value,
      level7Share: Math.max(0, share),
      entryRequires: level.entryRequires,
      compositions: level.compositions.map((composition) => ({
        description: composition.description,
        parts: composition.parts.map((part) => {
          const options = creditOptions.get(part.kind) ?? []
          return {
            kind: part.kind,
            count: part.count,
            creditsEach: part.creditsEach ?? null,
            allowedCredits:
              part.creditsEach !== undefined ? [part.creditsEach] : options.length > 0 ? [...options] : null,
          }
        }),
      })),
      roles: level.prepares.flatMap((id) => {
        const role = rolesById.get(id)
        return role === undefined ? [] : [role]
      }),
    }
  })
  return {
    hoursPerCredit: framework.hoursPerCredit.value,
    partTimeMonthsPerLevel: framework.partTimeMonthsPerLevel.value,
    kinds: framework.moduleKinds.map((kind) => kind.id),
    levels,
    roles: [...rolesById.values()],
  }
}

/** Whether a module of these credits may fill this part. */
export function fitsPart(part: Pick<PartRule, 'allowedCredits'>, credits: number): boolean {
  return part.allowedCredits === null || part.allowedCredits.includes(credits)
}

// The evaluation -------------------------------------------------------------------------------------------

/** A passed module or approved prior learning: something that counts toward an award. */
export interface CountedUnit {
  readonly source: 'module' | 'prior-learning'
  /** The module's code; null for prior learning. */
  readonly code: string | null
  readonly title: string
  readonly provider: string
  readonly kind: ModuleKindId
  readonly credits: number
  readonly level: number
}

export interface NextLevel {
  readonly id: string
  readonly name: string
  /** Whether its entry requirement is met, so that the learner can start it. */
  readonly eligible: boolean
  /** What the record still lacks for it, in words. */
  readonly missing: readonly string[]
  /** Credits still to study for it, counting any level-7 credits that must replace lower-level ones. */
  readonly creditsToGo: number
}

export interface TimelineStep {
  readonly levelId: string
  readonly name: string
  readonly creditsToGo: number
  /** Months of part-time study for this level, scaled by the credits it still needs. */
  readonly months: number
  /** Months from now to finishing this level, studying the levels in order. */
  readonly monthsFromNow: number
}

export interface LevelAllocation {
  readonly levelId: string
  /** True when the units make the award; false when they only count toward it so far. */
  readonly achieved: boolean
  readonly units: readonly CountedUnit[]
}

export interface Evaluation {
  /** The awards held, in order. */
  readonly achieved: readonly string[]
  /** Passed modules (each code and provider once) and approved prior learning. */
  readonly creditsCounted: number
  /** Of those, the credits at level 7 or above. */
  readonly level7Credits: number
  readonly creditsByKind: Readonly<Record<ModuleKindId, number>>
  readonly learningHours: { readonly done: number; readonly toNextLevel: number | null }
  /** null once the last level is held. */
  readonly nextLevel: NextLevel | null
  /** The research roles the awards held prepare for. */
  readonly roles: readonly RoleSummary[]
  /** Each level still to achieve, in order. */
  readonly timeline: readonly TimelineStep[]
  /** Notes about the record, in words. */
  readonly problems: readonly string[]
  /** Which units went to each level: those held, then those still to achieve. */
  readonly allocation: readonly LevelAllocation[]
  /** Counted units that went to no level. */
  readonly unallocated: readonly CountedUnit[]
}

/**
 * Which awards a learner's record holds, what counts, and what is still missing.
 *
 * Units (passed modules and approved prior learning) are allocated to the levels in order: the PGCert, then
 * the PGDip from what is left, then the Master's, choosing among the ways each level can be made so that the
 * number of awards held is the greatest. Interchangeable units (same kind and credits) are grouped and taken
 * level-7 first, so the search runs over a few distinct values rather than over subsets of units; ties go to
 * the allocation that leaves the most toward the next level. The result does not depend on the order of the
 * record: units are put in a canonical order first.
 */
export function evaluateRecord(rules: FrameworkRules, record: LearnerRecord): Evaluation {
  const lookups = lookupsFor(rules)
  const counting = collectUnits(record)
  const groups = groupUnits(rules, lookups, counting.units)
  const partialWalk = startPartialWalks(lookups, rules.levels, groups)
  const heldTakes = searchAllocation(rules, lookups, groups, partialWalk)

  const picking = startPicking(groups)
  const allocation: LevelAllocation[] = []
  const achieved: string[] = []
  let heldLevel7 = 0
  for (let index = 0; index < heldTakes.length; index++) {
    const level = rules.levels[index]!
    const take = heldTakes[index]!
    heldLevel7 += level7CreditsOf(groups, picking.used, take)
    allocation.push({ levelId: level.id, achieved: true, units: pickUnits(picking, take) })
    achieved.push(level.id)
  }

  const plan = planRemainingLevels(rules, lookups, picking, partialWalk, heldLevel7, achieved.length)
  const timeline: TimelineStep[] = []
  let monthsFromNow = 0
  for (const step of plan) {
    allocation.push({ levelId: step.level.id, achieved: false, units: step.units })
    const months = Math.ceil((rules.partTimeMonthsPerLevel * step.creditsToGo) / step.level.credits)
    monthsFromNow += months
    timeline.push({
      levelId: step.level.id,
      name: step.level.name,
      creditsToGo: step.creditsToGo,
      months,
      monthsFromNow,
    })
  }
  const unallocated = leftUnits(picking)

  let creditsCounted = 0
  let level7Credits = 0
  for (const unit of counting.units) {
    creditsCounted += unit.credits
    if (unit.level >= 7) level7Credits += unit.credits
  }

  const next = plan[0]
  const problems = counting.problems
  if (unallocated.length > 0) {
    describeUnitsThatFitNothing(rules, lookups, picking, achieved.length, problems)
  }
  return {
    achieved,
    creditsCounted,
    level7Credits,
    creditsByKind: creditsByKindOf(lookups, groups, counting.units),
    learningHours: {
      done: creditsCounted * rules.hoursPerCredit,
      toNextLevel: next === undefined ? null : next.creditsToGo * rules.hoursPerCredit,
    },
    nextLevel:
      next === undefined
        ? null
        : {
            id: next.level.id,
            name: next.level.name,
            eligible: next.level.entryRequires === null || achieved.includes(next.level.entryRequires),
            missing: describeMissing(next),
            creditsToGo: next.creditsToGo,
          },
    // A copy: the evaluation is the caller's to keep, and the lookups' lists are shared by every evaluation.
    roles: lookups.rolesHeldWith[achieved.length]!.slice(),
    timeline,
    problems,
    allocation,
    unallocated,
  }
}

/**
 * The credits counted of each kind: every kind of the framework, in its order, then any other kind in the order
 * of the units. Added up by group (a group's units all have its credits), on a copy of an object made once, so
 * that no property is added and the object's shape stays the same (adding properties one by one is slow).
 */
function creditsByKindOf(
  lookups: RulesLookups,
  groups: readonly UnitGroup[],
  units: readonly CountedUnit[],
): Record<ModuleKindId, number> {
  const creditsByKind = { ...lookups.noCreditsByKind }
  let otherKinds = false
  for (const group of groups) {
    if (group.kindOrder === -1) otherKinds = true
    else creditsByKind[group.kind] += group.credits * group.units.length
  }
  if (otherKinds) {
    for (const unit of units) {
      if (Object.hasOwn(lookups.noCreditsByKind, unit.kind)) continue
      creditsByKind[unit.kind] = (creditsByKind[unit.kind] ?? 0) + unit.credits
    }
  }
  return creditsByKind
}

// What the evaluation looks up in the rules ----------------------------------------------------------------

/**
 * What every evaluation looks up in the rules, worked out once for each rules object. The rules are plain
 * data that callers and tests may build by hand, so the lookups are kept beside them, in a WeakMap, rather
 * than in them; like everything in this file, they treat the rules as immutable (their types are readonly).
 */
interface RulesLookups {
  /**
   * A number for each kind the rules name: a kind of `FrameworkRules.kinds` has its place there (the order of
   * the groups of units), any other kind a part names comes after them. Matching a unit to a part compares
   * these numbers, not the kinds' strings, which may be equal without being the same string.
   */
  readonly kindNumbers: ReadonlyMap<ModuleKindId, number>
  /** The compositions of each level, as the walks use them. */
  readonly compositions: readonly (readonly WalkComposition[])[]
  /** The most parts a composition has. */
  readonly mostParts: number
  /** Every kind of `FrameworkRules.kinds` at 0 credits: the start of `Evaluation.creditsByKind`. */
  readonly noCreditsByKind: Readonly<Record<ModuleKindId, number>>
  /** The roles that the first n levels prepare for, in the framework's order, for n from 0 to every level. */
  readonly rolesHeldWith: readonly (readonly RoleSummary[])[]
  /**
   * For each first level still to achieve, which units of each kind can go toward it or a later level, and
   * why the others cannot: filled in as kinds are met (see `kindFitFrom`), one entry for each kind.
   */
  readonly kindFits: readonly Map<ModuleKindId, KindFit>[]
}

const lookupsByRules = new WeakMap<FrameworkRules, RulesLookups>()

function lookupsFor(rules: FrameworkRules): RulesLookups {
  let lookups = lookupsByRules.get(rules)
  if (lookups === undefined) {
    lookups = buildLookups(rules)
    lookupsByRules.set(rules, lookups)
  }
  return lookups
}

function buildLookups(rules: FrameworkRules): RulesLookups {
  const kindNumbers = new Map<ModuleKindId, number>()
  const noCreditsByKind = {} as Record<ModuleKindId, number>
  rules.kinds.forEach((kind, index) => {
    if (!kindNumbers.has(kind)) kindNumbers.set(kind, index)
    noCreditsByKind[kind] = 0
  })
  const numberOf = (kind: ModuleKindId): number => {
    let number = kindNumbers.get(kind)
    if (number === undefined) {
      number = rules.kinds.length + kindNumbers.size
      kindNumbers.set(kind, number)
    }
    return number
  }
  const compositions = rules.levels.map((level) =>
    level.compositions.map((rule) => walkCompositionOf(rule, numberOf, rules.kinds.length)),
  )
  const rolesHeldWith: RoleSummary[][] = []
  for (let held = 0; held <= rules.levels.length; held++) {
    const prepared = new Set(
      rules.levels.slice(0, held).flatMap((level) => level.roles.map((role) => role.id)),
    )
    rolesHeldWith.push(rules.roles.filter((role) => prepared.has(role.id)))
  }
  return {
    kindNumbers,
    compositions,
    mostParts: Math.max(0, ...compositions.flat().map((composition) => composition.parts.length)),
    noCreditsByKind,
    rolesHeldWith,
    kindFits: Array.from({ length: rules.levels.length + 1 }, () => new Map<ModuleKindId, KindFit>()),
  }
}

/** Which units of one kind some part of a level from a given one on can take, and why the others cannot. */
interface KindFit {
  /** Any credits up to this many fit (a part open to any credits, in a level of so many); -1 when none do. */
  readonly anyCreditsUpTo: number
  /** Credits that fit a part that fixes them, in a level of at least as many. */
  readonly fixedCredits: ReadonlySet<number>
  /**
   * The end of the note for a unit of the kind that fits no part, saying why; null when the reason names the
   * unit's credits.
   */
  readonly fitsNothing: string | null
}

function kindFitFrom(
  rules: FrameworkRules,
  lookups: RulesLookups,
  firstLevel: number,
  kind: ModuleKindId,
): KindFit {
  const fits = lookups.kindFits[firstLevel]!
  let fit = fits.get(kind)
  if (fit === undefined) {
    fit = buildKindFit(rules.levels.slice(firstLevel), kind)
    fits.set(kind, fit)
  }
  return fit
}

function buildKindFit(levels: readonly LevelRules[], kind: ModuleKindId): KindFit {
  let anyCreditsUpTo = -1
  const fixedCredits = new Set<number>()
  /** Every credit value a part of the kind names, whatever the level's credits: the words list them. */
  const named = new Set<number>()
  let takesKind = false
  for (const level of levels) {
    for (const composition of level.compositions) {
      for (const part of composition.parts) {
        if (part.kind !== kind) continue
        takesKind = true
        if (part.allowedCredits === null) {
          anyCreditsUpTo = Math.max(anyCreditsUpTo, level.credits)
          continue
        }
        for (const value of part.allowedCredits) {
          named.add(value)
          if (value <= level.credits) fixedCredits.add(value)
        }
      }
    }
  }
  const values = [...named].sort((a, b) => a - b).map(String)
  return {
    anyCreditsUpTo,
    fixedCredits,
    fitsNothing:
      !takesKind || named.size === 0
        ? null
        : fitsNothingBecause(
            `${kindWords[kind].many} count when they are worth ${joinWithOr(values)} credits`,
          ),
  }
}

/** A composition as the walks use it: its parts' kinds as numbers (see `RulesLookups.kindNumbers`). */
interface WalkComposition {
  readonly rule: CompositionRule
  readonly parts: readonly WalkPart[]
  /**
   * What its empty slots are, in words, for each way of leaving slots empty and each number of credits still
   * to gain: filled in as they are met (see `describeUnfilled`), so at most a few dozen entries.
   */
  readonly unfilledWords: Map<number, string>
}

interface WalkPart {
  readonly kindNumber: number
  /** Its kind's place in the framework's order, -1 for a kind the framework does not have (as for groups). */
  readonly kindOrder: number
  readonly count: number
  /** As `PartRule.allowedCredits`. */
  readonly allowedCredits: readonly number[] | null
}

function walkCompositionOf(
  rule: CompositionRule,
  kindNumberOf: (kind: ModuleKindId) => number,
  kindCount: number,
): WalkComposition {
  const parts = rule.parts.map((part): WalkPart => {
    const kindNumber = kindNumberOf(part.kind)
    return {
      kindNumber,
      kindOrder: kindNumber < kindCount ? kindNumber : -1,
      count: part.count,
      allowedCredits: part.allowedCredits,
    }
  })
  return { rule, parts, unfilledWords: new Map() }
}

// Collecting the units that count ---------------------------------------------------------------------------

/** The default level of prior learning: see `PriorLearning.level`. */
export const priorLearningDefaultLevel = 7

interface Counting {
  readonly units: readonly CountedUnit[]
  /** Notes about the record so far: the evaluation adds its own to them. */
  readonly problems: string[]
}

/**
 * Sorts in place, stably, by insertion: a record's lists are short (a dozen modules) and often nearly in
 * order already, and at that size this takes half the time of `Array.prototype.sort`.
 */
function sortShortList<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let index = 1; index < items.length; index++) {
    const item = items[index]!
    let at = index - 1
    while (at >= 0 && compare(items[at]!, item) > 0) {
      items[at + 1] = items[at]!
      at--
    }
    items[at + 1] = item
  }
  return items
}

/** Compares strings by code unit: fast, and the same everywhere (no locale). */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1
}

const resultOrder: Readonly<Record<ModuleResult, number>> = { pass: 0, fail: 1, 'in-progress': 2 }
const statusOrder: Readonly<Record<PriorLearningStatus, number>> = { approved: 0, pending: 1, rejected: 2 }

/**
 * The canonical order of modules, so that nothing depends on the order of the record: by provider and code,
 * then passes first and, among two passes of one module, the one worth most toward an award first.
 */
function compareModules(a: RecordedModule, b: RecordedModule): number {
  return (
    compareText(a.provider, b.provider) ||
    compareText(a.code, b.code) ||
    resultOrder[a.result] - resultOrder[b.result] ||
    Number(b.level >= 7) - Number(a.level >= 7) ||
    b.credits - a.credits ||
    b.level - a.level ||
    compareText(a.kind, b.kind) ||
    compareText(a.title, b.title)
  )
}

function comparePriorLearning(a: PriorLearning, b: PriorLearning): number {
  return (
    statusOrder[a.status] - statusOrder[b.status] ||
    compareText(a.countsAs, b.countsAs) ||
    b.credits - a.credits ||
    (b.level ?? priorLearningDefaultLevel) - (a.level ?? priorLearningDefaultLevel) ||
    compareText(a.provider, b.provider)
  )
}

function describeModule(module: {
  readonly title: string
  readonly code: string | null
  readonly provider: string
}): string {
  return `${module.title} (${module.code ?? ''}, ${module.provider})`
}

function credits(value: number): string {
  return `${value} credit${value === 1 ? '' : 's'}`
}

function describePriorLearning(provider: string, creditValue: number, kind: ModuleKindId): string {
  return `Prior learning from ${provider} (${credits(creditValue)}, in place of ${articleFor(kind)} ${kindWords[kind].one})`
}

function describeUnit(unit: CountedUnit): string {
  return unit.source === 'module'
    ? describeModule(unit)
    : describePriorLearning(unit.provider, unit.credits, unit.kind)
}

/** Passed modules, each code and provider once, and approved prior learning; and what the record says besides. */
function collectUnits(record: LearnerRecord): Counting {
  const modules = sortShortList(record.modules.slice(), compareModules)
  const units: CountedUnit[] = []
  const problems: string[] = []
  let previous: RecordedModule | undefined
  let previousPassed = false
  let notedTwice = false
  for (const module of modules) {
    const sameModule =
      previous !== undefined && previous.code === module.code && previous.provider === module.provider
    if (!sameModule) {
      previousPassed = false
      notedTwice = false
    }
    previous = module
    if (module.result === 'pass') {
      if (previousPassed) {
        if (!notedTwice) {
          problems.push(`${describeModule(module)} is passed more than once in the record; it counts once.`)
          notedTwice = true
        }
        continue
      }
      previousPassed = true
      units.push({
        source: 'module',
        code: module.code,
        title: module.title,
        provider: module.provider,
        kind: module.kind,
        credits: module.credits,
        level: module.level,
      })
    } else if (!previousPassed) {
      // An attempt that was not passed says nothing once the module is passed (passes sort first).
      problems.push(
        module.result === 'fail'
          ? `${describeModule(module)} was not passed, so its ${credits(module.credits)} do not count.`
          : `${describeModule(module)} is still in progress, so its ${credits(module.credits)} do not count yet.`,
      )
    }
  }
  const priorLearning =
    record.priorLearning.length > 1
      ? sortShortList(record.priorLearning.slice(), comparePriorLearning)
      : record.priorLearning
  for (const learning of priorLearning) {
    if (learning.status === 'approved') {
      units.push({
        source: 'prior-learning',
        code: null,
        title: `Recognised prior learning (${learning.provider})`,
        provider: learning.provider,
        kind: learning.countsAs,
        credits: learning.credits,
        level: learning.level ?? priorLearningDefaultLevel,
      })
    } else {
      const described = describePriorLearning(learning.provider, learning.credits, learning.countsAs)
      problems.push(
        learning.status === 'pending'
          ? `${described} is waiting for approval, so it does not count yet.`
          : `${described} was not approved, so it does not count.`,
      )
    }
  }
  return { units, problems }
}

// Grouping interchangeable units ---------------------------------------------------------------------------

/** Units of one kind and one credit value: interchangeable for the composition, level-7 ones first. */
interface UnitGroup {
  readonly kind: ModuleKindId
  readonly credits: number
  readonly units: readonly CountedUnit[]
  /** How many of `units` (the first ones) are at level 7 or above. */
  readonly level7Count: number
  /** The kind's number (see `RulesLookups.kindNumbers`); -1 for a kind the rules do not name. */
  readonly kindNumber: number
  /** The kind's place in the framework's order, -1 for a kind it does not have: groups are in that order. */
  readonly kindOrder: number
}

/** The groups in the framework's order of kinds, then by credits; the units of each in the canonical order. */
function groupUnits(
  rules: FrameworkRules,
  lookups: RulesLookups,
  units: readonly CountedUnit[],
): UnitGroup[] {
  const groups: GroupBeingMade[] = []
  for (const unit of units) {
    let group: GroupBeingMade | undefined
    for (const candidate of groups) {
      if (candidate.credits === unit.credits && candidate.kind === unit.kind) {
        group = candidate
        break
      }
    }
    if (group === undefined) {
      const kindNumber = lookups.kindNumbers.get(unit.kind) ?? -1
      const kindOrder = kindNumber < rules.kinds.length ? kindNumber : -1
      group = { kind: unit.kind, credits: unit.credits, units: [], level7Count: 0, kindNumber, kindOrder }
      groups.push(group)
    }
    group.units.push(unit)
    if (unit.level >= 7) group.level7Count++
  }
  // Level 7 and above first, higher levels before lower; otherwise the canonical order they arrived in.
  for (const group of groups) if (group.units.length > 1) sortShortList(group.units, compareLevels)
  return sortShortList(groups, compareGroups)
}

interface GroupBeingMade extends UnitGroup {
  readonly units: CountedUnit[]
  level7Count: number
}

function compareLevels(a: CountedUnit, b: CountedUnit): number {
  return Number(b.level >= 7) - Number(a.level >= 7) || b.level - a.level
}

function compareGroups(a: UnitGroup, b: UnitGroup): number {
  return a.kindOrder - b.kindOrder || a.credits - b.credits
}

/** Level-7 credits of taking `take[g]` more units from each group, after `used[g]` have gone. */
function level7CreditsOf(
  groups: readonly UnitGroup[],
  used: readonly number[],
  take: readonly number[],
): number {
  let total = 0
  for (let g = 0; g < groups.length; g++) {
    const count = take[g]!
    if (count === 0) continue
    const group = groups[g]!
    const from = used[g]!
    const level7 = Math.max(0, Math.min(from + count, group.level7Count) - Math.min(from, group.level7Count))
    total += level7 * group.credits
  }
  return total
}

/** A list of `length` zeros (filled by a loop: `new Array(length).fill(0)` takes several times as long). */
function zeros(length: number): number[] {
  const list = new Array<number>(length)
  for (let index = 0; index < length; index++) list[index] = 0
  return list
}

// Picking the units of a take ------------------------------------------------------------------------------

/**
 * Which units of each group have gone to a level. The search only counts units per group; the units
 * themselves are picked here, once the allocation is chosen.
 */
interface UnitPicking {
  readonly groups: readonly UnitGroup[]
  /** How many units of each group have gone. */
  readonly used: number[]
  /** Where each group's units start in `takenBy`. */
  readonly firstOf: readonly number[]
  /** For every unit, group after group, the pick (1, 2…) that took it, or 0 while it is free. */
  readonly takenBy: number[]
  picks: number
}

function startPicking(groups: readonly UnitGroup[]): UnitPicking {
  const firstOf: number[] = []
  let unitCount = 0
  for (const group of groups) {
    firstOf.push(unitCount)
    unitCount += group.units.length
  }
  return { groups, used: zeros(groups.length), firstOf, takenBy: zeros(unitCount), picks: 0 }
}

/**
 * Picks `counts[g]` units from each group for one level. The search counted on taking level-7 units first, so
 * exactly as many level-7 and lower units are picked as that gives; among interchangeable units, those from a
 * university the level already has units from come first (a learner's Diploma modules stay together rather
 * than swapping places with identical Certificate ones). Groups with no choice are picked first, so that
 * their universities guide the others. Returned in the canonical order.
 */
function pickUnits(picking: UnitPicking, counts: readonly number[]): CountedUnit[] {
  const { groups, firstOf, takenBy } = picking
  const pick = ++picking.picks
  // The universities of the units picked, which guide the choice: not needed when there is none to make.
  const universities = hasChoice(picking, counts) ? [] : null
  pickGroups(picking, counts, pick, universities, false)
  if (universities !== null) pickGroups(picking, counts, pick, universities, true)
  const units: CountedUnit[] = []
  for (let g = 0; g < groups.length; g++) {
    if (counts[g] === 0) continue
    const groupUnits = groups[g]!.units
    const first = firstOf[g]!
    for (let index = 0; index < groupUnits.length; index++) {
      if (takenBy[first + index] === pick) units.push(groupUnits[index]!)
    }
  }
  return units
}

/** Whether some group has more units free than the level takes from it. */
function hasChoice(picking: UnitPicking, counts: readonly number[]): boolean {
  const { groups, used } = picking
  for (let g = 0; g < groups.length; g++) {
    if (counts[g] !== 0 && groups[g]!.units.length - used[g]! > counts[g]!) return true
  }
  return false
}

/** Picks the units of the groups that have no choice (`withChoice` false) or those that have. */
function pickGroups(
  picking: UnitPicking,
  counts: readonly number[],
  pick: number,
  universities: string[] | null,
  withChoice: boolean,
): void {
  const { groups, used } = picking
  for (let g = 0; g < groups.length; g++) {
    const count = counts[g]!
    if (count === 0) continue
    const group = groups[g]!
    const from = used[g]!
    if (group.units.length - from > count !== withChoice) continue
    if (withChoice) {
      const level7 = Math.max(
        0,
        Math.min(from + count, group.level7Count) - Math.min(from, group.level7Count),
      )
      pickFromBand(picking, g, 0, group.level7Count, level7, pick, universities!)
      pickFromBand(picking, g, group.level7Count, group.units.length, count - level7, pick, universities!)
    } else {
      // The level takes every unit of the group still free: as many level-7 ones as the search counted on.
      pickEveryFreeUnit(picking, g, pick, universities)
    }
    used[g] = from + count
  }
}

/**
 * Takes `wanted` free units of group `g` in `[start, end)`, each time the first from the university the
 * level has most units from so far (`universities` holds the university of each unit picked for the level).
 * Once a university is picked from it has the most, so the level goes on taking its free units, in order, until
 * it has as many as it wants or that university has none left; only then is the next university chosen.
 */
function pickFromBand(
  picking: UnitPicking,
  g: number,
  start: number,
  end: number,
  wanted: number,
  pick: number,
  universities: string[],
): void {
  const units = picking.groups[g]!.units
  const { takenBy } = picking
  const first = picking.firstOf[g]!
  let left = wanted
  while (left > 0) {
    let chosen: string | undefined
    let chosenShare = -1
    for (let index = start; index < end; index++) {
      if (takenBy[first + index] !== 0) continue
      const provider = units[index]!.provider
      if (provider === chosen) continue
      const share = countOf(universities, provider)
      if (share > chosenShare) {
        chosen = provider
        chosenShare = share
      }
    }
    if (chosen === undefined) return
    for (let index = start; index < end && left > 0; index++) {
      if (takenBy[first + index] !== 0 || units[index]!.provider !== chosen) continue
      takenBy[first + index] = pick
      universities.push(chosen)
      left--
    }
  }
}

function countOf(values: readonly string[], value: string): number {
  let count = 0
  for (const candidate of values) if (candidate === value) count++
  return count
}

function pickEveryFreeUnit(
  picking: UnitPicking,
  g: number,
  pick: number,
  universities: string[] | null,
): void {
  const units = picking.groups[g]!.units
  const { takenBy } = picking
  const first = picking.firstOf[g]!
  for (let index = 0; index < units.length; index++) {
    if (takenBy[first + index] !== 0) continue
    takenBy[first + index] = pick
    universities?.push(units[index]!.provider)
  }
}

/** Counted units no level took, in the canonical order. */
function leftUnits(picking: UnitPicking): CountedUnit[] {
  const left: CountedUnit[] = []
  const { groups, firstOf, takenBy } = picking
  for (let g = 0; g < groups.length; g++) {
    const units = groups[g]!.units
    const first = firstOf[g]!
    for (let index = 0; index < units.length; index++)
      if (takenBy[first + index] === 0) left.push(units[index]!)
  }
  return left
}

// Searching for the allocation -----------------------------------------------------------------------------
//
// The functions below run for every record, many times: they are plain top-level functions over a state
// object, with no closures made per call (tsx names every function it creates, which costs on a hot path),
// and they count units in arrays made once per record rather than copying them for each way they find.

interface AllocationSearch {
  readonly levels: readonly LevelRules[]
  readonly compositions: readonly (readonly WalkComposition[])[]
  readonly groups: readonly UnitGroup[]
  /** How many units of each group the levels above the one being walked have taken. */
  readonly used: number[]
  /** For each level, how many units of each group its take holds so far: the branch being walked. */
  readonly takes: readonly number[][]
  /** The branches that hold the most awards found so far: the take of each level held, in order. */
  best: Branch[]
}

interface Branch {
  readonly takes: (readonly number[])[]
  readonly level7: number
}

/** Walking the complete takes of one level of the search: ways of making its composition exactly. */
interface LevelWalk {
  readonly levelIndex: number
  readonly level: LevelRules
  /** Level-7 credits of the levels above. */
  readonly cumulativeLevel7: number
  composition: WalkComposition
  /** Whether some take made the level with its level-7 minimum. */
  held: boolean
}

/**
 * Depth-first over the levels in order: each complete take of a level (each slot filled, the level's credits
 * made exactly) that keeps the cumulative level-7 minimum leads on to the next level, and a branch ends where
 * no take makes the level. Of the branches that hold the most awards, the one whose leftover units bring the
 * most credits, then the most level-7 credits, toward the next level wins (only worked out when there is a
 * choice); the first found wins a tie, and the order branches are found in depends only on the canonical
 * order of the groups.
 */
function searchAllocation(
  rules: FrameworkRules,
  lookups: RulesLookups,
  groups: readonly UnitGroup[],
  partialWalk: PartialWalk,
): (readonly number[])[] {
  const search: AllocationSearch = {
    levels: rules.levels,
    compositions: lookups.compositions,
    groups,
    used: zeros(groups.length),
    takes: rules.levels.map(() => zeros(groups.length)),
    best: [],
  }
  descend(search, 0, 0)
  const [first] = search.best
  if (first === undefined) return []
  if (search.best.length === 1) return first.takes
  const nextIndex = first.takes.length
  const next = rules.levels[nextIndex]
  let chosen = first
  let chosenCredits = -1
  let chosenLevel7 = -1
  for (const branch of search.best) {
    // Without a next level, the most level-7 credits held wins; with one, the most brought toward it.
    let credits = 0
    let level7 = branch.level7
    if (next !== undefined) {
      const used = zeros(groups.length)
      for (const take of branch.takes) for (let g = 0; g < groups.length; g++) used[g]! += take[g]!
      const [match] = bestPartialMatches(partialWalk, next, lookups.compositions[nextIndex]!, used)
      credits = match?.credits ?? 0
      level7 += match?.level7 ?? 0
    }
    if (credits > chosenCredits || (credits === chosenCredits && level7 > chosenLevel7)) {
      chosen = branch
      chosenCredits = credits
      chosenLevel7 = level7
    }
  }
  return chosen.takes
}

function descend(search: AllocationSearch, levelIndex: number, cumulativeLevel7: number): void {
  const level = search.levels[levelIndex]
  if (level !== undefined) {
    const compositions = search.compositions[levelIndex]!
    const walk: LevelWalk = {
      levelIndex,
      level,
      cumulativeLevel7,
      composition: compositions[0]!,
      held: false,
    }
    for (const composition of compositions) {
      walk.composition = composition
      walkCompleteTakes(search, walk, 0, composition.parts[0]?.count ?? 0, 0, 0, 0)
    }
    if (walk.held) return
  }
  const heldSoFar = search.best[0]?.takes.length ?? -1
  if (levelIndex < heldSoFar) return
  const takes: number[][] = []
  for (let index = 0; index < levelIndex; index++) takes.push(search.takes[index]!.slice())
  const branch = { takes, level7: cumulativeLevel7 }
  if (levelIndex > heldSoFar) search.best = [branch]
  else search.best.push(branch)
}

/**
 * Fills the slots of the walk's composition, part by part, from `fromGroup` on (groups are chosen in
 * non-decreasing order within a part, so each multiset of groups is visited once), and follows each way that
 * makes the level's credits exactly. `sum` and `level7` are the credits and level-7 credits taken so far.
 */
function walkCompleteTakes(
  search: AllocationSearch,
  walk: LevelWalk,
  partIndex: number,
  slotsLeft: number,
  fromGroup: number,
  sum: number,
  level7: number,
): void {
  const { level } = walk
  const parts = walk.composition.parts
  const part = parts[partIndex]
  if (part === undefined) {
    if (sum === level.credits) followTake(search, walk, level7)
    return
  }
  if (slotsLeft === 0) {
    walkCompleteTakes(search, walk, partIndex + 1, parts[partIndex + 1]?.count ?? 0, 0, sum, level7)
    return
  }
  const { groups, used } = search
  const counts = search.takes[walk.levelIndex]!
  for (let g = fromGroup; g < groups.length; g++) {
    const group = groups[g]!
    // Groups are in the order of kinds, then of credits: past the part's kind, or once a group of it is worth
    // more than the level has room for, no later group can fill the slot.
    if (group.kindOrder > part.kindOrder) break
    if (group.kindNumber !== part.kindNumber) continue
    if (sum + group.credits > level.credits) break
    const taken = used[g]! + counts[g]!
    if (taken >= group.units.length || !fitsPart(part, group.credits)) continue
    counts[g]!++
    // A group's level-7 units come first, so this one is at level 7 if it is among them.
    const addedLevel7 = taken < group.level7Count ? group.credits : 0
    walkCompleteTakes(search, walk, partIndex, slotsLeft - 1, g, sum + group.credits, level7 + addedLevel7)
    counts[g]!--
  }
}

/** A complete take of the walk's level: if it keeps the level-7 minimum, on to the next level with it. */
function followTake(search: AllocationSearch, walk: LevelWalk, takeLevel7: number): void {
  const { groups, used } = search
  const counts = search.takes[walk.levelIndex]!
  const level7 = walk.cumulativeLevel7 + takeLevel7
  if (level7 < walk.level.minimumLevel7Credits) return
  walk.held = true
  for (let g = 0; g < groups.length; g++) used[g]! += counts[g]!
  descend(search, walk.levelIndex + 1, level7)
  for (let g = 0; g < groups.length; g++) used[g]! -= counts[g]!
}

// Matching a level in part ---------------------------------------------------------------------------------

/** A way of going on with a level: how many units of each group it takes, and which slots it leaves empty. */
interface PartialMatch {
  readonly composition: WalkComposition
  readonly counts: readonly number[]
  readonly credits: number
  readonly level7: number
  /** Slots of each part left empty. */
  readonly unfilled: readonly number[]
}

/**
 * The state of a partial walk. One is made for each record and reused by each of its walks (`level`, `used`
 * and the best so far are set for each), so that its arrays are made once.
 */
interface PartialWalk {
  level: LevelRules
  readonly groups: readonly UnitGroup[]
  used: readonly number[]
  /** The fill being walked: how many units of each group it takes, and the slots of each part it leaves empty. */
  readonly counts: number[]
  readonly unfilled: number[]
  composition: WalkComposition
  /** The best matches of the compositions walked so far: the first found of each composition that ties. */
  matches: PartialMatch[]
  bestCredits: number
  bestLevel7: number
  /**
   * Whether the composition being walked has a fill as good as the best so far. The first such is copied into
   * `bestCounts` and `bestUnfilled`, and becomes a match once the composition is walked, unless a better fill
   * replaces it: copied, rather than made a match at once, because most are replaced.
   */
  pending: boolean
  readonly bestCounts: number[]
  readonly bestUnfilled: number[]
}

/**
 * The best partial ways of filling a level's compositions from the units still free: those holding the most
 * credits, then the most level-7 credits, that could still be completed with modules the framework
 * recognises — the first found of each composition that ties, so that the words can offer each way of
 * finishing the level. Each multiset of groups is visited once per composition (as in `walkCompleteTakes`).
 */
function bestPartialMatches(
  walk: PartialWalk,
  level: LevelRules,
  compositions: readonly WalkComposition[],
  used: readonly number[],
): PartialMatch[] {
  walk.level = level
  walk.used = used
  walk.matches = []
  walk.bestCredits = -1
  walk.bestLevel7 = -1
  for (const composition of compositions) {
    walk.composition = composition
    walkPartialTakes(walk, 0, composition.parts[0]?.count ?? 0, 0, 0, 0)
    if (walk.pending) {
      walk.matches.push({
        composition,
        counts: walk.bestCounts.slice(),
        credits: walk.bestCredits,
        level7: walk.bestLevel7,
        unfilled: walk.bestUnfilled.slice(0, composition.parts.length),
      })
      walk.pending = false
    }
  }
  return walk.matches
}

/** A placeholder until a walk sets its composition, for rules with no composition at all. */
const noComposition: WalkComposition = {
  rule: { description: '', parts: [] },
  parts: [],
  unfilledWords: new Map(),
}

/** The state for the partial walks of one record, its arrays sized for the record's groups. */
function startPartialWalks(
  lookups: RulesLookups,
  levels: readonly LevelRules[],
  groups: readonly UnitGroup[],
): PartialWalk {
  return {
    level: levels[0]!,
    groups,
    used: [],
    counts: zeros(groups.length),
    unfilled: zeros(lookups.mostParts),
    // Set by each walk, as are the level and the units used.
    composition: lookups.compositions[0]?.[0] ?? noComposition,
    matches: [],
    bestCredits: -1,
    bestLevel7: -1,
    pending: false,
    bestCounts: zeros(groups.length),
    bestUnfilled: zeros(lookups.mostParts),
  }
}

/** As `walkCompleteTakes`, but each part may also be left with empty slots, and every fill is looked at. */
function walkPartialTakes(
  walk: PartialWalk,
  partIndex: number,
  slotsLeft: number,
  fromGroup: number,
  sum: number,
  level7: number,
): void {
  const { level, groups, used, counts } = walk
  const parts = walk.composition.parts
  const part = parts[partIndex]
  if (part === undefined) {
    keepIfBestPartial(walk, sum, level7)
    return
  }
  // On to the next part, leaving this part's remaining slots empty.
  walk.unfilled[partIndex] = slotsLeft
  walkPartialTakes(walk, partIndex + 1, parts[partIndex + 1]?.count ?? 0, 0, sum, level7)
  walk.unfilled[partIndex] = 0
  if (slotsLeft === 0) return
  for (let g = fromGroup; g < groups.length; g++) {
    const group = groups[g]!
    // Groups are in the order of kinds, then of credits: past the part's kind, or once a group of it is worth
    // more than the level has room for, no later group can fill the slot.
    if (group.kindOrder > part.kindOrder) break
    if (group.kindNumber !== part.kindNumber) continue
    if (sum + group.credits > level.credits) break
    const taken = used[g]! + counts[g]!
    if (taken >= group.units.length || !fitsPart(part, group.credits)) continue
    counts[g]!++
    // A group's level-7 units come first, so this one is at level 7 if it is among them.
    const addedLevel7 = taken < group.level7Count ? group.credits : 0
    walkPartialTakes(walk, partIndex, slotsLeft - 1, g, sum + group.credits, level7 + addedLevel7)
    counts[g]!--
  }
}

function keepIfBestPartial(walk: PartialWalk, credits: number, level7: number): void {
  if (credits < walk.bestCredits) return
  const better = credits > walk.bestCredits || level7 > walk.bestLevel7
  // A tie counts only if this composition has none yet: the first found of each composition is kept.
  if (!better && (level7 < walk.bestLevel7 || walk.pending)) return
  if (!canFill(walk.composition.parts, walk.unfilled, walk.level.credits - credits)) return
  if (better) {
    walk.bestCredits = credits
    walk.bestLevel7 = level7
    walk.matches = []
  }
  walk.pending = true
  copyInto(walk.bestCounts, walk.counts)
  copyInto(walk.bestUnfilled, walk.unfilled)
}

function copyInto(target: number[], source: readonly number[]): void {
  for (let index = 0; index < source.length; index++) target[index] = source[index]!
}

/**
 * Whether the empty slots (`unfilled[i]` of part i) can be filled with modules the framework recognises,
 * making exactly `credits`.
 */
export function canFill(
  parts: readonly Pick<PartRule, 'allowedCredits'>[],
  unfilled: readonly number[],
  credits: number,
): boolean {
  let openSlots = 0
  for (let index = 0; index < parts.length; index++) {
    if (parts[index]!.allowedCredits === null) openSlots += unfilled[index]!
  }
  return fillSlots(parts, unfilled, 0, unfilled[0] ?? 0, openSlots, credits)
}

/** Whether the fixed slots from part `partIndex` on (`slotsLeft` of it), then the open slots, make `left`. */
function fillSlots(
  parts: readonly Pick<PartRule, 'allowedCredits'>[],
  unfilled: readonly number[],
  partIndex: number,
  slotsLeft: number,
  openSlots: number,
  left: number,
): boolean {
  let at = partIndex
  let slots = slotsLeft
  while (at < parts.length && (slots === 0 || parts[at]!.allowedCredits === null)) slots = unfilled[++at] ?? 0
  const options = parts[at]?.allowedCredits
  // Slots open to any credits take whatever is left, at least one credit each.
  if (options === undefined || options === null) return openSlots === 0 ? left === 0 : left >= openSlots
  for (const option of options) {
    if (option <= left && fillSlots(parts, unfilled, at, slots - 1, openSlots, left - option)) return true
  }
  return false
}

// Planning the levels still to achieve ---------------------------------------------------------------------

interface PlannedLevel {
  readonly level: LevelRules
  /** The ways of going on with the level that bring the most toward it (one per composition that ties). */
  readonly matches: readonly PartialMatch[]
  readonly units: readonly CountedUnit[]
  /** Credits still to gain in the level's composition. */
  readonly toGain: number
  /** Level-7 credits still needed for the award, counting those the record holds. */
  readonly level7Needed: number
  readonly creditsToGo: number
}

/**
 * For each level not held, in order: the units that already count toward it (from those left), and the
 * credits still to study. Credits still to gain are assumed to be at level 7, the least a learner must do; a
 * level-7 shortfall beyond them means replacing lower-level credits, so it adds to the credits to go.
 */
function planRemainingLevels(
  rules: FrameworkRules,
  lookups: RulesLookups,
  picking: UnitPicking,
  partialWalk: PartialWalk,
  heldLevel7: number,
  heldCount: number,
): PlannedLevel[] {
  const plan: PlannedLevel[] = []
  let cumulativeLevel7 = heldLevel7
  for (let index = heldCount; index < rules.levels.length; index++) {
    const level = rules.levels[index]!
    const matches = bestPartialMatches(partialWalk, level, lookups.compositions[index]!, picking.used)
    const chosen = matches[0]
    const toGain = level.credits - (chosen?.credits ?? 0)
    const level7Needed = level.minimumLevel7Credits - cumulativeLevel7 - (chosen?.level7 ?? 0)
    plan.push({
      level,
      matches,
      units: chosen === undefined || takesNothing(chosen.counts) ? [] : pickUnits(picking, chosen.counts),
      toGain,
      level7Needed,
      creditsToGo: toGain + Math.max(0, level7Needed - toGain),
    })
    // As if the learner finished this level as planned: new credits at level 7, any shortfall made good.
    cumulativeLevel7 = Math.max(cumulativeLevel7 + (chosen?.level7 ?? 0) + toGain, level.minimumLevel7Credits)
  }
  return plan
}

function takesNothing(counts: readonly number[]): boolean {
  for (const count of counts) if (count !== 0) return false
  return true
}

/** What a level still lacks, in words: the modules, then the level-7 credits. */
function describeMissing(step: PlannedLevel): string[] {
  const { level, matches, toGain, level7Needed } = step
  const missing: string[] = []
  if (matches.length === 0) {
    missing.push(`${level.credits} credits that make up the ${level.name}`)
  } else if (toGain > 0) {
    missing.push(joinAlternatives(matches.map((match) => describeUnfilled(level, match))))
  }
  if (level7Needed > 0) {
    missing.push(
      toGain > 0 && level7Needed <= toGain
        ? `at least ${level7Needed} of the new credits at level 7`
        : `${level7Needed} more credit${level7Needed === 1 ? '' : 's'} at level 7`,
    )
  }
  return missing
}

// Words ---------------------------------------------------------------------------------------------------

export const kindWords: Readonly<Record<ModuleKindId, { readonly one: string; readonly many: string }>> = {
  online: { one: 'online module', many: 'online modules' },
  rpe: { one: 'Research Practice Experience module', many: 'Research Practice Experience modules' },
  dissertation: { one: 'dissertation', many: 'dissertations' },
}

export function articleFor(kind: ModuleKindId): string {
  return kind === 'online' ? 'an' : 'a'
}

const numberWords = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']

export function countInWords(count: number): string {
  return numberWords[count] ?? String(count)
}

/** "one online module", "three online modules of 15 credits". */
export function describeModules(kind: ModuleKindId, count: number, creditsEach: number | null): string {
  const words = count === 1 ? kindWords[kind].one : kindWords[kind].many
  return `${countInWords(count)} ${words}${creditsEach === null ? '' : ` of ${creditsEach} credits`}`
}

/** Joins phrases as English does: "a", "a and b", "a, b and c". */
export function joinWithAnd(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? ''
  return `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)!}`
}

/** "a", "a or b", "a, b or c". */
export function joinWithOr(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? ''
  return `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)!}`
}

/** Ways of doing something, as English offers them: "a", "either a, or b". */
export function joinAlternatives(phrases: readonly string[]): string {
  if (phrases.length === 1) return phrases[0]!
  const distinct = [...new Set(phrases)]
  if (distinct.length === 1) return distinct[0]!
  return `either ${distinct.slice(0, -1).join(', or ')}, or ${distinct.at(-1)!}`
}

/**
 * The empty slots of a match, in words: "one Research Practice Experience module and two online modules, 60
 * credits in all". Where a single open slot is left its credits follow from the level's total, so they are said.
 */
function describeUnfilled(level: LevelRules, match: PartialMatch): string {
  const { composition, unfilled } = match
  const remaining = level.credits - match.credits
  // The words depend only on the composition, its empty slots and the credits still to gain, so they are
  // worked out once for each, under a number made of those (for whole credits, as records hold).
  if (!Number.isInteger(remaining) || remaining < 0) {
    return unfilledInWords(composition.rule.parts, unfilled, remaining)
  }
  let key = remaining
  for (let index = 0; index < composition.parts.length; index++) {
    key = key * (composition.parts[index]!.count + 1) + unfilled[index]!
  }
  let words = composition.unfilledWords.get(key)
  if (words === undefined) {
    words = unfilledInWords(composition.rule.parts, unfilled, remaining)
    composition.unfilledWords.set(key, words)
  }
  return words
}

function unfilledInWords(parts: readonly PartRule[], unfilled: readonly number[], remaining: number): string {
  let openSlots = 0
  let fixedCredits = 0
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!
    const slots = unfilled[index]!
    if (part.creditsEach === null) openSlots += slots
    else fixedCredits += slots * part.creditsEach
  }
  const phrases: string[] = []
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!
    const slots = unfilled[index]!
    if (slots === 0) continue
    const each = part.creditsEach ?? (openSlots === 1 ? remaining - fixedCredits : null)
    phrases.push(describeModules(part.kind, slots, each))
  }
  const phrase = joinWithAnd(phrases)
  return openSlots > 1 ? `${phrase}, ${remaining} credits in all` : phrase
}

/**
 * Adds a note for each unit that counts but can go toward no level still to achieve (or none at all, once
 * every level is held), in the canonical order. The units of a group have the same kind and credits, so
 * whether they fit, and why not, is worked out once for each group.
 */
function describeUnitsThatFitNothing(
  rules: FrameworkRules,
  lookups: RulesLookups,
  picking: UnitPicking,
  heldCount: number,
  problems: string[],
): void {
  const { groups, used, firstOf, takenBy } = picking
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!
    if (used[g] === group.units.length) continue
    let ending: string
    if (heldCount >= rules.levels.length) {
      ending = ' counts toward no award: the record already holds every level.'
    } else {
      const fit = kindFitFrom(rules, lookups, heldCount, group.kind)
      if (group.credits <= fit.anyCreditsUpTo || fit.fixedCredits.has(group.credits)) continue
      ending =
        fit.fitsNothing ??
        fitsNothingBecause(
          `no level still to achieve takes ${articleFor(group.kind)} ${kindWords[group.kind].one} of ${credits(group.credits)}`,
        )
    }
    for (let index = 0; index < group.units.length; index++) {
      if (takenBy[firstOf[g]! + index] === 0) problems.push(describeUnit(group.units[index]!) + ending)
    }
  }
}

function fitsNothingBecause(reason: string): string {
  return ` fits no award still to achieve: ${reason}.`
}
