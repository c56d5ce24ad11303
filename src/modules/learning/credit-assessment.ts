import type { Framework } from '../catalogue/index.ts'
import {
  evaluateRecord,
  frameworkRulesFrom,
  type CountedUnit,
  type Evaluation,
  type FrameworkRules,
} from '../framework/index.ts'
import { moduleKinds, type LearnerRecord, type ModuleKind } from './learner-record.ts'

/** A passed module or approved prior learning, as the record shows what counts toward a level. */
export interface CountedCredit {
  /** The module's code; null for recognised prior learning. */
  readonly code: string | null
  readonly title: string
  readonly kind: ModuleKind
  readonly credits: number
  readonly level: number
  readonly universityId: string
}

/** One level of the framework, and how much of it the record fills. */
export interface LevelProgress {
  readonly id: string
  readonly name: string
  readonly abbreviation: string
  /** Credits this level adds. */
  readonly credits: number
  /** Credits with the levels before it: 60, 120, 180. */
  readonly cumulativeCredits: number
  /** Credits of the record that go toward it: all of its credits once it is held. */
  readonly creditsCounted: number
  /** Held; the next level to achieve; or a level after that. */
  readonly state: 'held' | 'next' | 'later'
  /** What counts toward it, as the credit rules allocated it. */
  readonly counted: readonly CountedCredit[]
  /** The research roles it prepares for, by name. */
  readonly roles: readonly string[]
}

/** A level still to achieve, studying part time at the framework's pace. */
export interface TimelineStep {
  readonly levelId: string
  readonly name: string
  readonly creditsToGo: number
  readonly hoursToGo: number
  /** Months of part-time study for this level, scaled by the credits it still needs. */
  readonly months: number
  /** Months from now to finishing this level, studying the levels in order. */
  readonly monthsFromNow: number
}

/**
 * What the framework's credit rules (framework/credit-rules.ts) conclude about a learner record, in the terms
 * the learning pages show. The rules are the framework module's; this only reads their answer.
 */
export interface RecordAssessment {
  readonly creditsCounted: number
  readonly level7Credits: number
  /** Credits counted, by the kind of module they count as (prior learning as what it stands in for). */
  readonly creditsByKind: readonly { readonly kind: ModuleKind; readonly credits: number }[]
  /** The awards held, in order. */
  readonly awards: readonly { readonly id: string; readonly name: string; readonly abbreviation: string }[]
  /** The research roles the awards held prepare for, by name. */
  readonly roles: readonly string[]
  /** An award is held and the next level's entry requirement is met: the learner may go on to it. */
  readonly eligibleToProgress: boolean
  /** The next level, what it still needs and how many credits; null once every level is held. */
  readonly nextLevel: {
    readonly name: string
    readonly creditsToGo: number
    readonly missing: readonly string[]
    /** The research roles it prepares for, by name. */
    readonly roles: readonly string[]
  } | null
  /** Notional learning hours: a credit is `hoursPerCredit` hours (DOMAIN.md §3: 1 credit = 10 hours). */
  readonly learningHours: {
    readonly hoursPerCredit: number
    readonly done: number
    /** To the next level; null once every level is held. */
    readonly toNextLevel: number | null
  }
  /** Every level of the framework, in order, with what the record puts toward it. */
  readonly levels: readonly LevelProgress[]
  /** The levels still to achieve, in order. */
  readonly timeline: readonly TimelineStep[]
  /** The framework's part-time months for a whole level, which the timeline scales. */
  readonly partTimeMonthsPerLevel: number
  /** What the rules noted about the record: attempts not passed, claims not decided, credits that fit nothing. */
  readonly notes: readonly string[]
}

/**
 * Assesses records against one version of the framework, loaded once for a page however many records it shows.
 * `universityNames` (by organisation id) lets the notes name universities as people know them.
 */
export type AssessRecord = (
  record: LearnerRecord,
  universityNames?: ReadonlyMap<string, string>,
) => RecordAssessment

/** Loads the framework's rules as they are now; null when no framework is loaded (a fresh database). */
export type LoadRecordAssessor = () => Promise<AssessRecord | null>

export function assessmentOf(
  rules: FrameworkRules,
  evaluation: Evaluation,
  universityNames: ReadonlyMap<string, string> = new Map(),
): RecordAssessment {
  const levels = new Map(rules.levels.map((level) => [level.id, level]))
  const allocations = new Map(evaluation.allocation.map((allocation) => [allocation.levelId, allocation]))
  const nextLevelRules = evaluation.nextLevel === null ? undefined : levels.get(evaluation.nextLevel.id)
  return {
    creditsCounted: evaluation.creditsCounted,
    level7Credits: evaluation.level7Credits,
    creditsByKind: moduleKinds.map((kind) => ({ kind, credits: evaluation.creditsByKind[kind] ?? 0 })),
    awards: evaluation.achieved.map((id) => ({
      id,
      name: levels.get(id)?.name ?? id,
      abbreviation: levels.get(id)?.abbreviation ?? id,
    })),
    roles: evaluation.roles.map((role) => role.name),
    eligibleToProgress:
      evaluation.achieved.length > 0 && evaluation.nextLevel !== null && evaluation.nextLevel.eligible,
    nextLevel:
      evaluation.nextLevel === null
        ? null
        : {
            name: evaluation.nextLevel.name,
            creditsToGo: evaluation.nextLevel.creditsToGo,
            missing: evaluation.nextLevel.missing,
            roles: nextLevelRules?.roles.map((role) => role.name) ?? [],
          },
    learningHours: {
      hoursPerCredit: rules.hoursPerCredit,
      done: evaluation.learningHours.done,
      toNextLevel: evaluation.learningHours.toNextLevel,
    },
    levels: rules.levels.map((level): LevelProgress => {
      const allocation = allocations.get(level.id)
      const counted = (allocation?.units ?? []).map(toCountedCredit)
      const held = evaluation.achieved.includes(level.id)
      return {
        id: level.id,
        name: level.name,
        abbreviation: level.abbreviation,
        credits: level.credits,
        cumulativeCredits: level.cumulativeCredits,
        creditsCounted: counted.reduce((sum, unit) => sum + unit.credits, 0),
        state: held ? 'held' : level.id === evaluation.nextLevel?.id ? 'next' : 'later',
        counted,
        roles: level.roles.map((role) => role.name),
      }
    }),
    timeline: evaluation.timeline.map((step) => ({
      levelId: step.levelId,
      name: step.name,
      creditsToGo: step.creditsToGo,
      hoursToGo: step.creditsToGo * rules.hoursPerCredit,
      months: step.months,
      monthsFromNow: step.monthsFromNow,
    })),
    partTimeMonthsPerLevel: rules.partTimeMonthsPerLevel,
    notes: evaluation.problems.map((note) => nameUniversities(note, universityNames)),
  }
}

function toCountedCredit(unit: CountedUnit): CountedCredit {
  return {
    code: unit.code,
    title: unit.source === 'prior-learning' ? 'Recognised prior learning' : unit.title,
    kind: unit.kind,
    credits: unit.credits,
    level: unit.level,
    universityId: unit.provider,
  }
}

/**
 * The rules name a module's university by its organisation id, the record's `provider` ("Statistics (EXE 7005,
 * university-of-exeter)"); people know it by its name. Ids are slugs no sentence otherwise contains.
 */
function nameUniversities(note: string, names: ReadonlyMap<string, string>): string {
  let named = note
  // Longer ids first, so that one id that begins another is not replaced inside it.
  for (const id of [...names.keys()].sort((a, b) => b.length - a.length))
    named = named.replaceAll(id, names.get(id)!)
  return named
}

/** The credit rules of the catalogue's framework, as the learning service applies them. */
export function createRecordAssessor(catalogue: {
  findFramework(): Promise<Framework | null>
}): LoadRecordAssessor {
  return async () => {
    const framework = await catalogue.findFramework()
    if (framework === null) return null
    const rules = frameworkRulesFrom(framework)
    return (record, universityNames) => assessmentOf(rules, evaluateRecord(rules, record), universityNames)
  }
}
