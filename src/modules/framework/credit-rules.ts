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
export function fitsPart(part: PartRule, credits: number): boolean {
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
  const counting = collectUnits(record)
  const groups = groupUnits(rules, counting.units)
  const heldTakes = searchAllocation(rules, groups)

  const picking = startPicking(groups)
  const allocation: LevelAllocation[] = []
  const achieved: string[] = []
  const heldRoles: string[] = []
  let heldLevel7 = 0
  for (let index = 0; index < heldTakes.length; index++) {
    const level = rules.levels[index]!
    const take = heldTakes[index]!
    heldLevel7 += level7CreditsOf(groups, picking.used, take)
    allocation.push({ levelId: level.id, achieved: true, units: pickUnits(picking, take) })
    achieved.push(level.id)
    for (const role of level.roles) heldRoles.push(role.id)
  }

  const plan = planRemainingLevels(rules, picking, heldLevel7, achieved.length)
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

  const creditsByKind = {} as Record<ModuleKindId, number>
  for (const kind of rules.kinds) creditsByKind[kind] = 0
  let creditsCounted = 0
  let level7Credits = 0
  for (const unit of counting.units) {
    creditsByKind[unit.kind] = (creditsByKind[unit.kind] ?? 0) + unit.credits
    creditsCounted += unit.credits
    if (unit.level >= 7) level7Credits += unit.credits
  }

  const next = plan[0]
  const problems = counting.problems.slice()
  if (unallocated.length > 0) {
    problems.push(...describeUnitsThatFitNothing(rules, unallocated, achieved.length))
  }
  return {
    achieved,
    creditsCounted,
    level7Credits,
    creditsByKind,
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
    roles: heldRoles.length === 0 ? [] : rules.roles.filter((role) => heldRoles.includes(role.id)),
    timeline,
    problems,
    allocation,
    unallocated,
  }
}

// Collecting the units that count ---------------------------------------------------------------------------

/** The default level of prior learning: see `PriorLearning.level`. */
export const priorLearningDefaultLevel = 7

interface Counting {
  readonly units: readonly CountedUnit[]
  readonly problems: readonly string[]
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
  return a < b ? -1 : a > b ? 1 : 0
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

function describeModule(module: Pick<RecordedModule, 'title' | 'code' | 'provider'>): string {
  return `${module.title} (${module.code}, ${module.provider})`
}

function credits(value: number): string {
  return `${value} credit${value === 1 ? '' : 's'}`
}

function describePriorLearning(learning: { provider: string; credits: number; kind: ModuleKindId }): string {
  const kind = `${articleFor(learning.kind)} ${kindWords[learning.kind].one}`
  return `Prior learning from ${learning.provider} (${credits(learning.credits)}, in place of ${kind})`
}

function describeUnit(unit: CountedUnit): string {
  if (unit.source === 'module') return describeModule({ ...unit, code: unit.code ?? '' })
  return describePriorLearning(unit)
}

/** Passed modules, each code and provider once, and approved prior learning; and what the record says besides. */
function collectUnits(record: LearnerRecord): Counting {
  const modules = sortShortList([...record.modules], compareModules)
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
  for (const learning of sortShortList([...record.priorLearning], comparePriorLearning)) {
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
      const described = describePriorLearning({ ...learning, kind: learning.countsAs })
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
}

function groupUnits(rules: FrameworkRules, units: readonly CountedUnit[]): UnitGroup[] {
  const lists: CountedUnit[][] = []
  for (const unit of units) {
    let list: CountedUnit[] | undefined
    for (const candidate of lists) {
      if (candidate[0]!.kind === unit.kind && candidate[0]!.credits === unit.credits) {
        list = candidate
        break
      }
    }
    if (list === undefined) lists.push([unit])
    else list.push(unit)
  }
  const groups: (UnitGroup & { readonly kindIndex: number })[] = []
  for (const list of lists) {
    // Level 7 and above first, higher levels before lower; otherwise the canonical order they arrived in.
    if (list.length > 1) sortShortList(list, compareLevels)
    let level7Count = 0
    for (const unit of list) if (unit.level >= 7) level7Count++
    const { kind, credits } = list[0]!
    groups.push({ kind, credits, units: list, level7Count, kindIndex: rules.kinds.indexOf(kind) })
  }
  return sortShortList(groups, compareGroups)
}

function compareLevels(a: CountedUnit, b: CountedUnit): number {
  return Number(b.level >= 7) - Number(a.level >= 7) || b.level - a.level
}

function compareGroups(
  a: { kindIndex: number; credits: number },
  b: { kindIndex: number; credits: number },
): number {
  return a.kindIndex - b.kindIndex || a.credits - b.credits
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

// Picking the units of a take ------------------------------------------------------------------------------

/**
 * Which units of each group have gone to a level. The search only counts units per group; the units
 * themselves are picked here, once the allocation is chosen.
 */
interface UnitPicking {
  readonly groups: readonly UnitGroup[]
  /** How many units of each group have gone. */
  readonly used: number[]
  /** For each unit of each group, the pick (1, 2…) that took it, or 0 while it is free. */
  readonly takenBy: number[][]
  picks: number
}

function startPicking(groups: readonly UnitGroup[]): UnitPicking {
  const takenBy: number[][] = []
  for (const group of groups) takenBy.push(new Array<number>(group.units.length).fill(0))
  return { groups, used: new Array<number>(groups.length).fill(0), takenBy, picks: 0 }
}

/**
 * Picks `counts[g]` units from each group for one level. The search counted on taking level-7 units first, so
 * exactly as many level-7 and lower units are picked as that gives; among interchangeable units, those from a
 * university the level already has units from come first (a learner's Diploma modules stay together rather
 * than swapping places with identical Certificate ones). Groups with no choice are picked first, so that
 * their universities guide the others. Returned in the canonical order.
 */
function pickUnits(picking: UnitPicking, counts: readonly number[]): CountedUnit[] {
  const { groups } = picking
  const pick = ++picking.picks
  const universities: string[] = []
  pickGroups(picking, counts, pick, universities, false)
  pickGroups(picking, counts, pick, universities, true)
  const units: CountedUnit[] = []
  for (let g = 0; g < groups.length; g++) {
    if (counts[g] === 0) continue
    const takenBy = picking.takenBy[g]!
    const groupUnits = groups[g]!.units
    for (let index = 0; index < groupUnits.length; index++) {
      if (takenBy[index] === pick) units.push(groupUnits[index]!)
    }
  }
  return units
}

/** Picks the units of the groups that have no choice (`withChoice` false) or those that have. */
function pickGroups(
  picking: UnitPicking,
  counts: readonly number[],
  pick: number,
  universities: string[],
  withChoice: boolean,
): void {
  const { groups, used } = picking
  for (let g = 0; g < groups.length; g++) {
    const count = counts[g]!
    if (count === 0) continue
    const group = groups[g]!
    const from = used[g]!
    if (group.units.length - from > count !== withChoice) continue
    const level7 = Math.max(0, Math.min(from + count, group.level7Count) - Math.min(from, group.level7Count))
    pickFromBand(picking, g, 0, group.level7Count, level7, pick, universities)
    pickFromBand(picking, g, group.level7Count, group.units.length, count - level7, pick, universities)
    used[g] = from + count
  }
}

/**
 * Takes `wanted` free units of group `g` in `[start, end)`, each time the first from the university the
 * level has most units from so far (`universities` holds the university of each unit picked for the level).
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
  const takenBy = picking.takenBy[g]!
  for (let left = wanted; left > 0; left--) {
    let best = -1
    let bestShare = -1
    for (let index = start; index < end; index++) {
      if (takenBy[index] !== 0) continue
      const provider = units[index]!.provider
      let share = 0
      for (const university of universities) if (university === provider) share++
      if (share > bestShare) {
        best = index
        bestShare = share
      }
    }
    if (best === -1) return
    takenBy[best] = pick
    universities.push(units[best]!.provider)
  }
}

/** Counted units no level took, in the canonical order. */
function leftUnits(picking: UnitPicking): CountedUnit[] {
  const left: CountedUnit[] = []
  for (let g = 0; g < picking.groups.length; g++) {
    const units = picking.groups[g]!.units
    const takenBy = picking.takenBy[g]!
    for (let index = 0; index < units.length; index++) if (takenBy[index] === 0) left.push(units[index]!)
  }
  return left
}

// Matching a level's compositions ---------------------------------------------------------------------------
//
// The functions below run for every record, many times: they are plain top-level functions over a state
// object, with no closures made per call (tsx names every function it creates, which costs on a hot path).

/** A way of filling (part of) one composition from the groups: how many units from each group. */
interface Take {
  readonly composition: CompositionRule
  readonly counts: readonly number[]
  readonly credits: number
  /** Slots of each part left empty: all zero for a complete take. */
  readonly unfilled: readonly number[]
}

interface TakeWalk {
  readonly level: LevelRules
  readonly groups: readonly UnitGroup[]
  readonly used: readonly number[]
  /** Only takes that fill every slot and make the level's credits exactly; else the best partial ones. */
  readonly complete: boolean
  readonly counts: number[]
  composition: CompositionRule
  unfilled: number[]
  /** Complete takes: every one. Partial takes: the best of each composition that ties (see below). */
  takes: Take[]
  bestCredits: number
  bestLevel7: number
}

/**
 * Every way of filling a level's compositions from the units still free (`complete`: each slot filled and
 * the level's credits made exactly), or else the best partial ways: those holding the most credits, then
 * the most level-7 credits, that could still be completed with modules the framework recognises — the first
 * found of each composition that ties, so that the words can offer each way of finishing the level. Each
 * multiset of groups is visited once per composition (groups are chosen in non-decreasing order in a part).
 */
function findTakes(
  level: LevelRules,
  groups: readonly UnitGroup[],
  used: readonly number[],
  complete: boolean,
): Take[] {
  const walk: TakeWalk = {
    level,
    groups,
    used,
    complete,
    counts: new Array<number>(groups.length).fill(0),
    composition: level.compositions[0]!,
    unfilled: [],
    takes: [],
    bestCredits: -1,
    bestLevel7: -1,
  }
  for (const composition of level.compositions) {
    walk.composition = composition
    walk.unfilled = new Array<number>(composition.parts.length).fill(0)
    walkParts(walk, 0, composition.parts[0]?.count ?? 0, 0, 0)
  }
  return walk.takes
}

function walkParts(
  walk: TakeWalk,
  partIndex: number,
  slotsLeft: number,
  fromGroup: number,
  sum: number,
): void {
  const { level, groups, used, counts } = walk
  const parts = walk.composition.parts
  const part = parts[partIndex]
  if (part === undefined) {
    if (walk.complete) {
      if (sum === level.credits) walk.takes.push(materialiseTake(walk, sum))
    } else {
      keepIfBestPartial(walk, sum)
    }
    return
  }
  if (slotsLeft === 0 || !walk.complete) {
    // On to the next part, leaving this part's remaining slots empty (partial takes only).
    walk.unfilled[partIndex] = slotsLeft
    walkParts(walk, partIndex + 1, parts[partIndex + 1]?.count ?? 0, 0, sum)
    walk.unfilled[partIndex] = 0
    if (slotsLeft === 0) return
  }
  for (let g = fromGroup; g < groups.length; g++) {
    const group = groups[g]!
    if (group.kind !== part.kind || counts[g]! >= group.units.length - used[g]!) continue
    if (sum + group.credits > level.credits || !fitsPart(part, group.credits)) continue
    counts[g]!++
    walkParts(walk, partIndex, slotsLeft - 1, g, sum + group.credits)
    counts[g]!--
  }
}

function materialiseTake(walk: TakeWalk, credits: number): Take {
  return {
    composition: walk.composition,
    counts: walk.counts.slice(),
    credits,
    unfilled: walk.unfilled.slice(),
  }
}

function keepIfBestPartial(walk: TakeWalk, credits: number): void {
  if (credits < walk.bestCredits) return
  const level7 = level7CreditsOf(walk.groups, walk.used, walk.counts)
  const better = credits > walk.bestCredits || level7 > walk.bestLevel7
  if (!better) {
    if (level7 < walk.bestLevel7) return
    if (walk.takes.some((take) => take.composition === walk.composition)) return
  }
  if (!canFill(walk.composition.parts, walk.unfilled, walk.level.credits - credits)) return
  if (better) {
    walk.bestCredits = credits
    walk.bestLevel7 = level7
    walk.takes = []
  }
  walk.takes.push(materialiseTake(walk, credits))
}

/**
 * Whether the empty slots (`unfilled[i]` of part i) can be filled with modules the framework recognises,
 * making exactly `credits`.
 */
export function canFill(parts: readonly PartRule[], unfilled: readonly number[], credits: number): boolean {
  let openSlots = 0
  const fixedSlots: (readonly number[])[] = []
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!
    for (let slot = 0; slot < unfilled[index]!; slot++) {
      if (part.allowedCredits === null) openSlots++
      else fixedSlots.push(part.allowedCredits)
    }
  }
  return fillSlots(fixedSlots, openSlots, 0, credits)
}

function fillSlots(
  fixedSlots: readonly (readonly number[])[],
  openSlots: number,
  slot: number,
  left: number,
): boolean {
  const options = fixedSlots[slot]
  // Slots open to any credits take whatever is left, at least one credit each.
  if (options === undefined) return openSlots === 0 ? left === 0 : left >= openSlots
  for (const option of options) {
    if (option <= left && fillSlots(fixedSlots, openSlots, slot + 1, left - option)) return true
  }
  return false
}

/** Whether `score` beats `than`, compared lexicographically: higher is better. */
function isBetter(score: readonly number[], than: readonly number[] | undefined): boolean {
  if (than === undefined) return true
  for (let index = 0; index < score.length; index++) {
    if (score[index]! !== than[index]!) return score[index]! > than[index]!
  }
  return false
}

interface PartialMatch {
  readonly take: Take
  readonly level7: number
}

/** The best partial takes of a level (see `findTakes`), with their level-7 credits. */
function bestPartialMatches(
  level: LevelRules,
  groups: readonly UnitGroup[],
  used: readonly number[],
): PartialMatch[] {
  const matches: PartialMatch[] = []
  for (const take of findTakes(level, groups, used, false)) {
    matches.push({ take, level7: level7CreditsOf(groups, used, take.counts) })
  }
  return matches
}

// Searching for the allocation -----------------------------------------------------------------------------

interface AllocationSearch {
  readonly rules: FrameworkRules
  readonly groups: readonly UnitGroup[]
  readonly used: number[]
  readonly path: (readonly number[])[]
  /** The branches that hold the most awards found so far: the take of each level held, in order. */
  best: Branch[]
}

interface Branch {
  readonly takes: (readonly number[])[]
  readonly level7: number
}

/**
 * Depth-first over the levels in order: each complete take of a level that keeps the cumulative level-7
 * minimum leads on to the next level, and a branch ends where no take makes the level. Of the branches that
 * hold the most awards, the one whose leftover units bring the most credits, then the most level-7 credits,
 * toward the next level wins (only worked out when there is a choice); the first found wins a tie, and the
 * order branches are found in depends only on the canonical order of the groups.
 */
function searchAllocation(rules: FrameworkRules, groups: readonly UnitGroup[]): (readonly number[])[] {
  const search: AllocationSearch = {
    rules,
    groups,
    used: new Array<number>(groups.length).fill(0),
    path: [],
    best: [],
  }
  descend(search, 0, 0)
  const [first] = search.best
  if (first === undefined) return []
  if (search.best.length === 1) return first.takes
  const next = rules.levels[first.takes.length]
  let chosen = first
  let chosenScore: number[] | undefined
  for (const branch of search.best) {
    let score = [branch.level7]
    if (next !== undefined) {
      const used = new Array<number>(groups.length).fill(0)
      for (const take of branch.takes) for (let g = 0; g < groups.length; g++) used[g]! += take[g]!
      const [match] = bestPartialMatches(next, groups, used)
      score = [match?.take.credits ?? 0, branch.level7 + (match?.level7 ?? 0)]
    }
    if (isBetter(score, chosenScore)) {
      chosen = branch
      chosenScore = score
    }
  }
  return chosen.takes
}

function descend(search: AllocationSearch, levelIndex: number, cumulativeLevel7: number): void {
  const { groups, used, path } = search
  const level = search.rules.levels[levelIndex]
  let held = false
  if (level !== undefined) {
    for (const take of findTakes(level, groups, used, true)) {
      const level7 = cumulativeLevel7 + level7CreditsOf(groups, used, take.counts)
      if (level7 < level.minimumLevel7Credits) continue
      held = true
      for (let g = 0; g < groups.length; g++) used[g]! += take.counts[g]!
      path.push(take.counts)
      descend(search, levelIndex + 1, level7)
      path.pop()
      for (let g = 0; g < groups.length; g++) used[g]! -= take.counts[g]!
    }
  }
  if (held) return
  const heldSoFar = search.best[0]?.takes.length ?? -1
  if (levelIndex < heldSoFar) return
  const branch = { takes: path.slice(), level7: cumulativeLevel7 }
  if (levelIndex > heldSoFar) search.best = [branch]
  else search.best.push(branch)
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
  picking: UnitPicking,
  heldLevel7: number,
  heldCount: number,
): PlannedLevel[] {
  const plan: PlannedLevel[] = []
  let cumulativeLevel7 = heldLevel7
  for (let index = heldCount; index < rules.levels.length; index++) {
    const level = rules.levels[index]!
    const matches = bestPartialMatches(level, picking.groups, picking.used)
    const chosen = matches[0]
    const toGain = level.credits - (chosen?.take.credits ?? 0)
    const level7Needed = level.minimumLevel7Credits - cumulativeLevel7 - (chosen?.level7 ?? 0)
    plan.push({
      level,
      matches,
      units: chosen === undefined ? [] : pickUnits(picking, chosen.take.counts),
      toGain,
      level7Needed,
      creditsToGo: toGain + Math.max(0, level7Needed - toGain),
    })
    // As if the learner finished this level as planned: new credits at level 7, any shortfall made good.
    cumulativeLevel7 = Math.max(cumulativeLevel7 + (chosen?.level7 ?? 0) + toGain, level.minimumLevel7Credits)
  }
  return plan
}

/** What a level still lacks, in words: the modules, then the level-7 credits. */
function describeMissing(step: PlannedLevel): string[] {
  const { level, matches, toGain, level7Needed } = step
  const missing: string[] = []
  if (matches.length === 0) {
    missing.push(`${level.credits} credits that make up the ${level.name}`)
  } else if (toGain > 0) {
    missing.push(joinAlternatives(matches.map((match) => describeUnfilled(level, match.take))))
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
 * The empty slots of a take, in words: "one Research Practice Experience module and two online modules, 60
 * credits in all". Where a single open slot is left its credits follow from the level's total, so they are said.
 */
function describeUnfilled(level: LevelRules, take: Take): string {
  const parts = take.composition.parts
  const remaining = level.credits - take.credits
  let openSlots = 0
  let fixedCredits = 0
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!
    const slots = take.unfilled[index]!
    if (part.creditsEach === null) openSlots += slots
    else fixedCredits += slots * part.creditsEach
  }
  const phrases: string[] = []
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!
    const slots = take.unfilled[index]!
    if (slots === 0) continue
    const each = part.creditsEach ?? (openSlots === 1 ? remaining - fixedCredits : null)
    phrases.push(describeModules(part.kind, slots, each))
  }
  const phrase = joinWithAnd(phrases)
  return openSlots > 1 ? `${phrase}, ${remaining} credits in all` : phrase
}

/** Units that count but can go toward no level still to achieve (or none at all once every level is held). */
function describeUnitsThatFitNothing(
  rules: FrameworkRules,
  unallocated: readonly CountedUnit[],
  heldCount: number,
): string[] {
  const problems: string[] = []
  // Units come grouped by kind and credits, so the reason is worked out once for each run of them.
  let reasonFor: CountedUnit | undefined
  let reason = ''
  for (const unit of unallocated) {
    if (heldCount >= rules.levels.length) {
      problems.push(`${describeUnit(unit)} counts toward no award: the record already holds every level.`)
    } else if (!fitsAnyLevelFrom(rules, heldCount, unit)) {
      if (reasonFor === undefined || reasonFor.kind !== unit.kind || reasonFor.credits !== unit.credits) {
        reasonFor = unit
        reason = whyNothingFits(rules, heldCount, unit)
      }
      problems.push(`${describeUnit(unit)} fits no award still to achieve: ${reason}.`)
    }
  }
  return problems
}

/** Whether some part of some level from `firstLevel` on could take the unit. */
function fitsAnyLevelFrom(rules: FrameworkRules, firstLevel: number, unit: CountedUnit): boolean {
  for (let index = firstLevel; index < rules.levels.length; index++) {
    const level = rules.levels[index]!
    if (unit.credits > level.credits) continue
    for (const composition of level.compositions) {
      for (const part of composition.parts) {
        if (part.kind === unit.kind && fitsPart(part, unit.credits)) return true
      }
    }
  }
  return false
}

function whyNothingFits(rules: FrameworkRules, firstLevel: number, unit: CountedUnit): string {
  const allowed = new Set<number>()
  let takesKind = false
  for (const level of rules.levels.slice(firstLevel)) {
    for (const composition of level.compositions) {
      for (const part of composition.parts) {
        if (part.kind !== unit.kind) continue
        takesKind = true
        for (const value of part.allowedCredits ?? []) allowed.add(value)
      }
    }
  }
  if (!takesKind || allowed.size === 0) {
    return `no level still to achieve takes ${articleFor(unit.kind)} ${kindWords[unit.kind].one} of ${credits(unit.credits)}`
  }
  const values = [...allowed].sort((a, b) => a - b).map(String)
  return `${kindWords[unit.kind].many} count when they are worth ${joinWithOr(values)} credits`
}
