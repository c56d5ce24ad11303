import type { Module, ModuleKindId, Programme, ReadCatalogue } from '../catalogue/index.ts'
import {
  canFill,
  countInWords,
  describeModules,
  fitsPart,
  joinAlternatives,
  joinWithAnd,
  joinWithOr,
  kindWords,
  type CompositionRule,
  type FrameworkRules,
  type LevelRules,
} from './credit-rules.ts'

/**
 * Whether a programme is aligned with the framework: whatever options a learner chooses, its modules make up
 * the level it awards (one of the level's compositions, exactly its credits) and carry the level's own share
 * of the level-7 minimum. Pure; a catalogue programme is checked each time its page is built.
 */

export interface ModuleToCheck {
  readonly name: string
  readonly kind: ModuleKindId
  /** null: not stated. */
  readonly credits: number | null
  /** The FHEQ level; null: not stated. */
  readonly level: number | null
}

/** "Choose `choose` of these modules." */
export interface OptionGroupToCheck {
  readonly choose: number
  readonly modules: readonly ModuleToCheck[]
}

export interface ProgrammeToCheck {
  readonly name: string
  /** The id of the framework level the programme awards. */
  readonly awardLevelId: string
  readonly compulsory: readonly ModuleToCheck[]
  readonly optionGroups: readonly OptionGroupToCheck[]
  /** Anything else the source leaves unsaid that the check needs, in words; each makes it 'cannot-check'. */
  readonly unstated?: readonly string[]
}

export type AlignmentStatus = 'aligned' | 'not-aligned' | 'cannot-check'

export interface ProgrammeCheck {
  /** 'cannot-check' when nothing breaks the rules but something unknown stops the check from confirming it. */
  readonly status: AlignmentStatus
  /** One line: "aligned with the framework", "cannot be checked: credits unknown". */
  readonly summary: string
  /** Each rule the programme breaks, naming its modules. */
  readonly violations: readonly string[]
  /** What is not stated and so could not be checked: "credits unknown: Research Delivery in Practice". */
  readonly unknowns: readonly string[]
}

/** More combinations of options than this are not checked one by one: the answer says so. */
export const mostCombinationsChecked = 5_000
const mostViolationsListed = 12

export function checkProgramme(rules: FrameworkRules, programme: ProgrammeToCheck): ProgrammeCheck {
  const level = rules.levels.find((candidate) => candidate.id === programme.awardLevelId)
  if (level === undefined) {
    const levels = joinWithAnd(rules.levels.map((candidate) => `${candidate.id} (${candidate.name})`))
    return verdict(
      [
        `It awards "${programme.awardLevelId}", which is not a level of the framework: the levels are ${levels}.`,
      ],
      [],
      [],
    )
  }
  const everyModule = [...programme.compulsory, ...programme.optionGroups.flatMap((group) => group.modules)]
  if (everyModule.length === 0) {
    return verdict(
      [],
      ['modules not stated: the programme lists none of its modules'],
      ['modules not stated'],
    )
  }

  // What stops the check from confirming alignment. A level not stated only matters if the level-7 share
  // then cannot be confirmed; it is listed either way.
  const unknowns = [...unknownFacts(everyModule), ...(programme.unstated ?? [])]
  const blockers: string[] = []
  if (everyModule.some((module) => module.credits === null)) blockers.push('credits unknown')
  const violations: string[] = []
  for (const group of programme.optionGroups) {
    if (group.modules.length < group.choose) {
      violations.push(
        `An option group asks learners to choose ${countInWords(group.choose)} modules but offers ` +
          `${countInWords(group.modules.length)}${group.modules.length === 0 ? '' : `: ${listNames(group.modules)}`}.`,
      )
    }
  }

  // Without all of its modules a programme cannot break the composition in a way worth reporting.
  if ((programme.unstated ?? []).length > 0) {
    return verdict(violations, unknowns, [...blockers, 'not everything is stated'])
  }

  const combinations = countCombinations(programme.optionGroups)
  if (combinations > mostCombinationsChecked) {
    unknowns.push(
      `too many choices to check: learners can choose their options in ${combinations} ways, and Trellis ` +
        `checks up to ${mostCombinationsChecked}`,
    )
    return verdict(violations, unknowns, [...blockers, 'too many choices'])
  }

  // Each problem, with the choices of options it comes with; a problem every choice has is said once.
  const problems = new Map<string, string[]>()
  // Why the level-7 share could not be confirmed, if it could not: levels not stated, or credits unknown.
  let level7Unconfirmed: 'levels' | 'credits' | undefined
  let seen = 0
  for (const chosen of eachCombination(programme.optionGroups)) {
    seen++
    const modules = [...programme.compulsory, ...chosen]
    const label = combinations > 1 ? `With ${joinWithAnd(chosen.map((module) => module.name))} chosen` : ''
    const found: string[] = []
    const composition = checkComposition(rules, level, modules)
    if (composition !== 'fits' && composition !== 'unknown') found.push(composition)
    const share = checkLevel7Share(level, modules)
    if (share === 'unknown levels') level7Unconfirmed = 'levels'
    else if (share === 'unknown credits') level7Unconfirmed ??= 'credits'
    else if (share !== 'met') found.push(share)
    for (const problem of found) problems.set(problem, [...(problems.get(problem) ?? []), label])
  }
  for (const [problem, labels] of problems) {
    if (labels.length === seen || labels.every((label) => label === '')) violations.push(sentence(problem))
    else for (const label of labels) violations.push(`${label}, ${problem}.`)
  }
  if (level7Unconfirmed !== undefined) {
    // Unknown credits already stop the check; levels not stated stop it here.
    if (level7Unconfirmed === 'levels') blockers.push('levels not stated')
    unknowns.push(
      `level-7 share cannot be confirmed: the ${level.name} needs at least ${level.level7Share} of its ` +
        `${level.credits} credits at level 7, and ` +
        (level7Unconfirmed === 'levels'
          ? 'the level of some modules is not stated'
          : 'the credits of some modules are unknown'),
    )
  }
  return verdict(violations, unknowns, blockers)
}

/** Not aligned when anything breaks the rules; otherwise aligned, unless something unknown stops the check. */
function verdict(
  violations: readonly string[],
  unknowns: readonly string[],
  blockers: readonly string[],
): ProgrammeCheck {
  if (violations.length > 0) {
    const listed =
      violations.length > mostViolationsListed
        ? [
            ...violations.slice(0, mostViolationsListed),
            `And ${violations.length - mostViolationsListed} more like these.`,
          ]
        : [...violations]
    return { status: 'not-aligned', summary: 'not aligned with the framework', violations: listed, unknowns }
  }
  if (blockers.length > 0) {
    return {
      status: 'cannot-check',
      summary: `cannot be checked: ${joinWithAnd(blockers)}`,
      violations: [],
      unknowns,
    }
  }
  return { status: 'aligned', summary: 'aligned with the framework', violations: [], unknowns }
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

function listNames(modules: readonly ModuleToCheck[]): string {
  return modules.map((module) => module.name).join('; ')
}

/** "credits unknown: X" and "level not stated: X", once each, credits first. */
function unknownFacts(modules: readonly ModuleToCheck[]): string[] {
  const credits = modules.filter((module) => module.credits === null).map((m) => `credits unknown: ${m.name}`)
  const levels = modules.filter((module) => module.level === null).map((m) => `level not stated: ${m.name}`)
  return [...new Set([...credits, ...levels])]
}

// Choices of options --------------------------------------------------------------------------------------

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0
  let result = 1
  for (let index = 1; index <= k; index++) result = (result * (n - k + index)) / index
  return Math.round(result)
}

/** How many ways a learner can choose their options (a group offering too few is taken whole). */
function countCombinations(groups: readonly OptionGroupToCheck[]): number {
  return groups.reduce(
    (product, group) =>
      product * binomial(group.modules.length, Math.min(group.choose, group.modules.length)),
    1,
  )
}

/** Every choice of options: one module list per combination, groups in order. */
function eachCombination(groups: readonly OptionGroupToCheck[]): ModuleToCheck[][] {
  let combinations: ModuleToCheck[][] = [[]]
  for (const group of groups) {
    const choices = choose(group.modules, Math.min(group.choose, group.modules.length))
    combinations = combinations.flatMap((before) => choices.map((choice) => [...before, ...choice]))
  }
  return combinations
}

function choose<T>(items: readonly T[], count: number): T[][] {
  if (count === 0) return [[]]
  const result: T[][] = []
  items.forEach((item, index) => {
    if (items.length - index < count) return
    for (const rest of choose(items.slice(index + 1), count - 1)) result.push([item, ...rest])
  })
  return result
}

// The composition ----------------------------------------------------------------------------------------

/** A composition in words: "one Research Practice Experience module and two online modules of 20 credits". */
function describeComposition(composition: CompositionRule): string {
  return joinWithAnd(
    composition.parts.map((part) => describeModules(part.kind, part.count, part.creditsEach)),
  )
}

/**
 * Whether the modules make one of the level's compositions: 'fits'; 'unknown' when they could, but some
 * credits are not stated; otherwise what is wrong, in words.
 */
function checkComposition(
  rules: FrameworkRules,
  level: LevelRules,
  modules: readonly ModuleToCheck[],
): 'fits' | 'unknown' | string {
  const shaped = level.compositions.filter((composition) => hasTheShapeOf(composition, modules))
  for (const composition of shaped) {
    const result = assignToParts(level, composition, modules)
    if (result !== 'no') return result
  }
  const first = shaped[0]
  if (first === undefined) {
    return (
      `the ${level.name} is made of ${joinAlternatives(level.compositions.map(describeComposition))}, ` +
      `${level.credits} credits in all; this programme has ${describeKinds(rules, level, modules)}`
    )
  }
  return describeCreditProblem(level, first, modules)
}

/** The same number of modules of each kind as the composition asks for. */
function hasTheShapeOf(composition: CompositionRule, modules: readonly ModuleToCheck[]): boolean {
  const wanted = new Map<ModuleKindId, number>()
  for (const part of composition.parts) wanted.set(part.kind, (wanted.get(part.kind) ?? 0) + part.count)
  const have = new Map<ModuleKindId, number>()
  for (const module of modules) have.set(module.kind, (have.get(module.kind) ?? 0) + 1)
  if (wanted.size !== have.size) return false
  for (const [kind, count] of wanted) if (have.get(kind) !== count) return false
  return true
}

/**
 * Puts each module in a part of its kind that its credits fit, so that the stated credits, with those not
 * stated taking any value the part allows, make exactly the level's credits.
 */
function assignToParts(
  level: LevelRules,
  composition: CompositionRule,
  modules: readonly ModuleToCheck[],
): 'fits' | 'unknown' | 'no' {
  const parts = composition.parts
  const free = parts.map((part) => part.count)
  const unstated = parts.map(() => 0)
  const hasUnstated = modules.some((module) => module.credits === null)
  const place = (index: number, stated: number): boolean => {
    const module = modules[index]
    if (module === undefined) return canFill(parts, unstated, level.credits - stated)
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!
      if (part.kind !== module.kind || free[p] === 0) continue
      if (module.credits !== null && !fitsPart(part, module.credits)) continue
      free[p]!--
      if (module.credits === null) unstated[p]!++
      const placed = place(index + 1, stated + (module.credits ?? 0))
      free[p]!++
      if (module.credits === null) unstated[p]!--
      if (placed) return true
    }
    return false
  }
  if (!place(0, 0)) return 'no'
  return hasUnstated ? 'unknown' : 'fits'
}

/** "two online modules (A; B) and no Research Practice Experience module". */
function describeKinds(rules: FrameworkRules, level: LevelRules, modules: readonly ModuleToCheck[]): string {
  const inLevel = new Set(
    level.compositions.flatMap((composition) => composition.parts.map((part) => part.kind)),
  )
  const phrases = rules.kinds.flatMap((kind) => {
    const ofKind = modules.filter((module) => module.kind === kind)
    if (ofKind.length === 0) return inLevel.has(kind) ? [`no ${kindWords[kind].one}`] : []
    return [`${describeModules(kind, ofKind.length, null)} (${listNames(ofKind)})`]
  })
  return joinWithAnd(phrases)
}

/** The modules have the shape of `composition` but their credits do not make it: say which, or the total. */
function describeCreditProblem(
  level: LevelRules,
  composition: CompositionRule,
  modules: readonly ModuleToCheck[],
): string {
  for (const module of modules) {
    if (module.credits === null) continue
    const parts = composition.parts.filter((part) => part.kind === module.kind)
    if (parts.some((part) => fitsPart(part, module.credits!))) continue
    const allowed = [...new Set(parts.flatMap((part) => part.allowedCredits ?? []))].sort((a, b) => a - b)
    return (
      `${module.name} is worth ${module.credits} credits, but where the ${level.name} is made of ` +
      `${describeComposition(composition)}, each ${kindWords[module.kind].one} is worth ` +
      `${joinWithOr(allowed.map(String))} credits`
    )
  }
  const stated = modules.reduce((sum, module) => sum + (module.credits ?? 0), 0)
  if (modules.every((module) => module.credits !== null)) {
    return `the programme's modules make ${stated} credits in all, but the ${level.name} adds ${level.credits}`
  }
  return (
    `the modules whose credits are stated make ${stated} credits, which leaves no way to make the ` +
    `${level.credits} credits the ${level.name} adds`
  )
}

// The level-7 share --------------------------------------------------------------------------------------

/**
 * Whether the modules carry the level's own share of the level-7 minimum (see `LevelRules.level7Share`):
 * 'met'; 'unknown levels' or 'unknown credits' when what is not stated could still make it; or what is
 * wrong, in words.
 */
function checkLevel7Share(
  level: LevelRules,
  modules: readonly ModuleToCheck[],
): 'met' | 'unknown levels' | 'unknown credits' | string {
  const share = level.level7Share
  let atLevel7 = 0
  let below = 0
  let levelsMissing = false
  let creditsMissing = false
  for (const module of modules) {
    if (module.level === null) levelsMissing = true
    if (module.credits === null) creditsMissing = true
    if (module.credits === null || module.level === null) continue
    if (module.level >= 7) atLevel7 += module.credits
    else below += module.credits
  }
  if (atLevel7 >= share) return 'met'
  // Below-level-7 credits beyond what the level can spare break the rule whatever the unknowns turn out to be.
  if ((levelsMissing || creditsMissing) && below <= level.credits - share) {
    return levelsMissing ? 'unknown levels' : 'unknown credits'
  }
  const ofTheAward =
    share === level.minimumLevel7Credits
      ? ''
      : ` (its share of the ${level.minimumLevel7Credits} level-7 credits the award needs in all)`
  return (
    `only ${atLevel7} of the programme's credits are at level 7, but the ${level.name} needs at least ` +
    `${share} of its ${level.credits} credits at level 7${ofTheAward}`
  )
}

// Catalogue programmes -----------------------------------------------------------------------------------

/**
 * A catalogue programme, ready to check. The catalogue does not state modules' levels, so every level is
 * unknown. An option group in the catalogue is a menu described by topics, not named modules: it becomes
 * `choose` identical optional modules with the menu's credits (often unknown). They are taken to be online
 * modules: seed 002 describes every menu as taught topics (statistics, clinical trials, health economics…),
 * and practice modules and dissertations are always named and compulsory.
 */
export function programmeToCheck(
  programme: Pick<Programme, 'name' | 'awardLevelId' | 'modules' | 'options'>,
  modules: readonly Pick<Module, 'id' | 'name' | 'kind' | 'credits'>[],
): ProgrammeToCheck {
  const byId = new Map(modules.map((module) => [module.id, module]))
  const toCheck = (entry: { moduleId: string }): ModuleToCheck[] => {
    const module = byId.get(entry.moduleId)
    return module === undefined
      ? []
      : [{ name: module.name, kind: module.kind, credits: module.credits, level: null }]
  }
  return {
    name: programme.name,
    awardLevelId: programme.awardLevelId,
    compulsory: programme.modules.filter((entry) => entry.compulsory).flatMap(toCheck),
    optionGroups: programme.options.map((option) => {
      const name =
        option.topics.length === 0
          ? 'an optional module from the menu'
          : `an optional module from the menu (${option.topics.join(', ')})`
      return {
        choose: option.choose,
        modules: Array.from({ length: option.choose }, () => ({
          name,
          kind: 'online' as const,
          credits: option.creditsEach,
          level: null,
        })),
      }
    }),
    // The catalogue can list a named module as optional without saying how many such modules to choose.
    unstated: programme.modules.some((entry) => !entry.compulsory)
      ? [
          `not stated: how many of the optional modules to choose (${listNames(
            programme.modules.filter((entry) => !entry.compulsory).flatMap(toCheck),
          )})`,
        ]
      : [],
  }
}

export interface CatalogueProgrammeCheck {
  readonly programmeId: string
  readonly providerId: string
  readonly check: ProgrammeCheck
}

/** Every programme in the content files (as `trellis catalogue check` reads them), checked, in file order. */
export function checkContentProgrammes(
  rules: FrameworkRules,
  content: NonNullable<ReadCatalogue['content']>,
): CatalogueProgrammeCheck[] {
  return content.providers.flatMap((provider) =>
    provider.programmes.map((programme) => ({
      programmeId: programme.id,
      providerId: provider.id,
      check: checkProgramme(
        rules,
        programmeToCheck(
          {
            name: programme.name,
            awardLevelId: programme.award,
            modules: programme.modules.map((entry) => ({
              moduleId: entry.module,
              compulsory: entry.compulsory,
            })),
            options: programme.options,
          },
          provider.modules,
        ),
      ),
    })),
  )
}
