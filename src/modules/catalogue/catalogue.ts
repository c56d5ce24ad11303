import type { CatalogueContent, ProfessionScope } from './catalogue-content-schemas.ts'
import type { NhsTrustRecord } from '../organisations/index.ts'

/** Something wrong in content/, located as precisely as we can for the person editing it. */
export interface CatalogueProblem {
  readonly file: string
  readonly line?: number
  readonly entry?: string
  readonly field?: string
  readonly reason: string
}

/** A problem found after parsing, located by its path inside the file (turned into a line by the reader). */
export interface ReferenceProblem {
  readonly file: string
  readonly path: readonly (string | number)[]
  readonly reason: string
}

export type FactStatus = 'verified' | 'unverified'

/** The profession group whose members also follow the healthcare-science career levels (seed 004). */
export const healthcareScienceGroupId = 'healthcare-science'

export function formatProblem(problem: CatalogueProblem): string {
  const where = [problem.file + (problem.line === undefined ? '' : `:${problem.line}`)]
  if (problem.entry !== undefined) where.push(`entry "${problem.entry}"`)
  if (problem.field !== undefined) where.push(`field "${problem.field}"`)
  return `${where.join(', ')}: ${problem.reason}`
}

/** Turns a scheme's profession scope into the profession ids it covers, in catalogue order. */
export function expandProfessionScope(scope: ProfessionScope, professionIds: readonly string[]): string[] {
  if ('all' in scope) return [...professionIds]
  if ('allExcept' in scope) return professionIds.filter((id) => !scope.allExcept.includes(id))
  return professionIds.filter((id) => scope.only.includes(id))
}

/**
 * Checks what a schema cannot: that ids are unique, that every reference names something that exists, that
 * example registration numbers match their patterns, and that the framework's credit arithmetic adds up.
 */
export function findReferenceProblems(
  content: CatalogueContent,
  sourceFiles: ReadonlyMap<string, { file: string; index: number }>,
  trusts: readonly NhsTrustRecord[],
): ReferenceProblem[] {
  const problems: ReferenceProblem[] = []
  const report = (file: string, path: (string | number)[], reason: string) =>
    problems.push({ file, path, reason })

  const sourceIds = new Set(sourceFiles.keys())
  const checkSourcesIn = (file: string, root: (string | number)[], value: unknown) => {
    walk(value, root, (node, path) => {
      const sources = (node as { sources?: unknown }).sources
      if (!Array.isArray(sources)) return
      sources.forEach((id, index) => {
        if (typeof id === 'string' && !sourceIds.has(id)) {
          report(
            file,
            [...path, 'sources', index],
            `unknown source "${id}": add it to a file in content/sources/`,
          )
        }
      })
    })
  }

  // Unique ids ------------------------------------------------------------------------------------------
  const uniqueIds = (
    file: string,
    listPath: (string | number)[],
    items: readonly { id: string }[],
    what: string,
  ) => {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      if (seen.has(item.id)) report(file, [...listPath, index, 'id'], `${what} id "${item.id}" is used twice`)
      seen.add(item.id)
    })
    return seen
  }
  const regulatorIds = uniqueIds('regulators.yaml', ['regulators'], content.regulators, 'regulator')
  const groupIds = uniqueIds('professions.yaml', ['groups'], content.professionGroups, 'group')
  const professionIds = uniqueIds('professions.yaml', ['professions'], content.professions, 'profession')
  const stageIds = uniqueIds('stages.yaml', ['stages'], content.stages, 'stage')
  uniqueIds('pathways.yaml', ['pathways'], content.pathways, 'pathway')
  const funderIds = uniqueIds('funders.yaml', ['funders'], content.funders, 'funder')
  const schemeIds = uniqueIds('schemes.yaml', ['schemes'], content.schemes, 'scheme')
  const framework = content.framework
  const levelIds = uniqueIds('framework.yaml', ['framework', 'levels'], framework.levels, 'level')
  const roleIds = uniqueIds('framework.yaml', ['framework', 'roles'], framework.roles, 'role')
  const kindIds = uniqueIds(
    'framework.yaml',
    ['framework', 'moduleKinds'],
    framework.moduleKinds,
    'module kind',
  )
  uniqueIds('providers.yaml', ['providers'], content.providers, 'provider')
  const hcs = content.healthcareScience
  const divisionIds = uniqueIds('healthcare-science.yaml', ['divisions'], hcs.divisions, 'division')
  uniqueIds('healthcare-science.yaml', ['levels'], hcs.levels, 'career level')
  uniqueIds('healthcare-science.yaml', ['specialismGroups'], hcs.specialismGroups, 'specialism group')

  // Modules and programmes are referred to from elsewhere by id alone, so ids are unique across providers.
  const moduleOwners = new Map<string, string>()
  const programmeIds = new Set<string>()
  content.providers.forEach((provider, p) => {
    provider.modules.forEach((module, m) => {
      if (moduleOwners.has(module.id)) {
        report(
          'providers.yaml',
          ['providers', p, 'modules', m, 'id'],
          `module id "${module.id}" is used twice`,
        )
      }
      moduleOwners.set(module.id, provider.id)
    })
    provider.programmes.forEach((programme, g) => {
      if (programmeIds.has(programme.id)) {
        report(
          'providers.yaml',
          ['providers', p, 'programmes', g, 'id'],
          `programme id "${programme.id}" is used twice`,
        )
      }
      programmeIds.add(programme.id)
    })
  })

  // Sources ---------------------------------------------------------------------------------------------
  checkSourcesIn('regulators.yaml', ['regulators'], content.regulators)
  checkSourcesIn('professions.yaml', ['professions'], content.professions)
  checkSourcesIn('stages.yaml', ['stages'], content.stages)
  checkSourcesIn('pathways.yaml', ['pathways'], content.pathways)
  checkSourcesIn('funders.yaml', ['funders'], content.funders)
  checkSourcesIn('schemes.yaml', ['schemes'], content.schemes)
  checkSourcesIn('framework.yaml', ['framework'], content.framework)
  checkSourcesIn('providers.yaml', ['providers'], content.providers)
  checkSourcesIn('healthcare-science.yaml', [], content.healthcareScience)
  checkSourcesIn('research-culture.yaml', [], content.researchCulture)
  checkSourcesIn('organisations/nhs-trusts.yaml', [], content.nhsTrusts)

  // Professions -----------------------------------------------------------------------------------------
  content.professions.forEach((profession, p) => {
    const at = ['professions', p]
    if (!groupIds.has(profession.group))
      report('professions.yaml', [...at, 'group'], `unknown group "${profession.group}"`)
    profession.registrations.forEach((registration, r) => {
      const rat = [...at, 'registrations', r]
      if (!regulatorIds.has(registration.regulator)) {
        report('professions.yaml', [...rat, 'regulator'], `unknown regulator "${registration.regulator}"`)
      }
      if (registration.pattern === null) return
      const pattern = compilePattern(registration.pattern)
      if (pattern === undefined) {
        report(
          'professions.yaml',
          [...rat, 'pattern'],
          `"${registration.pattern}" is not a valid regular expression`,
        )
      } else if (registration.example !== undefined && !pattern.test(registration.example)) {
        report(
          'professions.yaml',
          [...rat, 'example'],
          `"${registration.example}" does not match the pattern ${registration.pattern}`,
        )
      }
    })
  })

  // Pathways --------------------------------------------------------------------------------------------
  content.pathways.forEach((pathway, p) => {
    pathway.professions.forEach((id, i) => {
      if (!professionIds.has(id))
        report('pathways.yaml', ['pathways', p, 'professions', i], `unknown profession "${id}"`)
    })
    const stepIds = new Set<string>()
    pathway.steps.forEach((step, s) => {
      if (stepIds.has(step.id))
        report('pathways.yaml', ['pathways', p, 'steps', s, 'id'], `step id "${step.id}" is used twice`)
      stepIds.add(step.id)
      if (!stageIds.has(step.stage))
        report('pathways.yaml', ['pathways', p, 'steps', s, 'stage'], `unknown stage "${step.stage}"`)
    })
  })

  // Schemes ---------------------------------------------------------------------------------------------
  content.schemes.forEach((scheme, s) => {
    const at = ['schemes', s]
    scheme.funders.forEach((id, i) => {
      if (!funderIds.has(id)) report('schemes.yaml', [...at, 'funders', i], `unknown funder "${id}"`)
    })
    scheme.stages.forEach((id, i) => {
      if (!stageIds.has(id)) report('schemes.yaml', [...at, 'stages', i], `unknown stage "${id}"`)
    })
    const scope = scheme.professions
    const listed = 'allExcept' in scope ? scope.allExcept : 'only' in scope ? scope.only : []
    const key = 'allExcept' in scope ? 'allExcept' : 'only'
    listed.forEach((id, i) => {
      if (!professionIds.has(id))
        report('schemes.yaml', [...at, 'professions', key, i], `unknown profession "${id}"`)
    })
    if (scheme.replacedBy !== undefined) {
      if (!schemeIds.has(scheme.replacedBy)) {
        report('schemes.yaml', [...at, 'replacedBy'], `unknown scheme "${scheme.replacedBy}"`)
      } else if (scheme.replacedBy === scheme.id) {
        report('schemes.yaml', [...at, 'replacedBy'], 'a scheme cannot replace itself')
      }
    }
    if (scheme.isCurrent && scheme.replacedBy !== undefined) {
      report(
        'schemes.yaml',
        [...at, 'isCurrent'],
        'a scheme that has been replaced is not current: set isCurrent to false',
      )
    }
  })

  // Framework -------------------------------------------------------------------------------------------
  let previousCumulative = 0
  const earlierLevels = new Set<string>()
  framework.levels.forEach((level, l) => {
    const at = ['framework', 'levels', l]
    if (level.cumulativeCredits !== previousCumulative + level.credits) {
      report(
        'framework.yaml',
        [...at, 'cumulativeCredits'],
        `is ${level.cumulativeCredits}, but the levels before hold ${previousCumulative} and this one adds ${level.credits}`,
      )
    }
    previousCumulative = level.cumulativeCredits
    if (level.minimumLevel7Credits.value > level.cumulativeCredits) {
      report(
        'framework.yaml',
        [...at, 'minimumLevel7Credits', 'value'],
        `is more than the ${level.cumulativeCredits} credits of the award`,
      )
    }
    if (level.entryRequires !== null && !earlierLevels.has(level.entryRequires)) {
      report(
        'framework.yaml',
        [...at, 'entryRequires'],
        `must name an earlier level, not "${level.entryRequires}"`,
      )
    }
    earlierLevels.add(level.id)
    level.prepares.forEach((id, i) => {
      if (!roleIds.has(id)) report('framework.yaml', [...at, 'prepares', i], `unknown role "${id}"`)
    })
    level.compositions.forEach((composition, c) => {
      composition.parts.forEach((part, p) => {
        if (!kindIds.has(part.kind))
          report(
            'framework.yaml',
            [...at, 'compositions', c, 'parts', p, 'kind'],
            `module kind "${part.kind}" is not in moduleKinds`,
          )
      })
      if (composition.parts.every((part) => part.creditsEach !== undefined)) {
        const total = composition.parts.reduce((sum, part) => sum + part.count * (part.creditsEach ?? 0), 0)
        if (total !== level.credits) {
          report(
            'framework.yaml',
            [...at, 'compositions', c, 'parts'],
            `add up to ${total} credits, but the level is ${level.credits}`,
          )
        }
      }
    })
  })

  // Providers -------------------------------------------------------------------------------------------
  content.providers.forEach((provider, p) => {
    const ownModules = new Set(provider.modules.map((module) => module.id))
    provider.programmes.forEach((programme, g) => {
      const at = ['providers', p, 'programmes', g]
      if (!levelIds.has(programme.award))
        report('providers.yaml', [...at, 'award'], `unknown framework level "${programme.award}"`)
      programme.modules.forEach((entry, m) => {
        if (!ownModules.has(entry.module)) {
          const owner = moduleOwners.get(entry.module)
          report(
            'providers.yaml',
            [...at, 'modules', m, 'module'],
            owner === undefined
              ? `unknown module "${entry.module}"`
              : `module "${entry.module}" belongs to ${owner}, not ${provider.id}`,
          )
        }
      })
    })
  })

  // Healthcare science ----------------------------------------------------------------------------------
  hcs.levels.forEach((level, l) => {
    if (!stageIds.has(level.stage))
      report('healthcare-science.yaml', ['levels', l, 'stage'], `unknown stage "${level.stage}"`)
  })
  hcs.specialismGroups.forEach((group, g) => {
    if (group.division !== null && !divisionIds.has(group.division.id)) {
      report(
        'healthcare-science.yaml',
        ['specialismGroups', g, 'division', 'id'],
        `unknown division "${group.division.id}"`,
      )
    }
  })

  // Organisations ---------------------------------------------------------------------------------------
  if (trusts.length === 0)
    report('organisations/nhs-trusts.yaml', ['file'], 'the trust file holds no organisations')

  return problems
}

function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern)
  } catch {
    return undefined
  }
}

/** Visits every object in a content tree with its path. */
function walk(
  value: unknown,
  path: (string | number)[],
  visit: (node: object, path: (string | number)[]) => void,
) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, [...path, index], visit))
  } else if (value !== null && typeof value === 'object') {
    visit(value, path)
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key], visit)
  }
}

// What the catalogue holds once loaded: the read side used by pages and the API. ----------------------------

export interface Source {
  readonly id: string
  readonly title: string
  readonly publisher: string | null
  readonly url: string | null
  readonly seedFile: string | null
  readonly note: string | null
}

export interface Provenance {
  readonly status: FactStatus
  readonly sources: readonly string[]
}

export interface Fact extends Provenance {
  readonly text: string
}

export interface NumericFact extends Provenance {
  readonly value: number
}

export interface CatalogueVersion {
  readonly id: number
  readonly contentHash: string
  readonly entryCount: number
  readonly organisationCount: number
  readonly loadedAt: Date
}

export interface Regulator extends Provenance {
  readonly id: string
  readonly name: string
  readonly abbreviation: string
  readonly kind: 'statutory-regulator' | 'accredited-register'
  readonly url: string | null
  readonly description: string
}

export interface RegistrationFormat extends Provenance {
  readonly regulator: string
  readonly register?: string
  readonly format: string
  readonly pattern: string | null
  readonly example?: string
}

export interface ProfessionGroup {
  readonly id: string
  readonly name: string
  readonly description: string
}

export interface Profession extends Provenance {
  readonly id: string
  readonly name: string
  readonly plural: string
  readonly groupId: string
  readonly description: string
  readonly isMedicalOrDental: boolean
  readonly registrations: readonly RegistrationFormat[]
}

export interface Stage extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly position: number
}

export interface PathwayStep extends Provenance {
  readonly id: string
  readonly name: string
  readonly stageId: string
  readonly description: string
}

export interface Pathway extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly notes: readonly Fact[]
  readonly steps: readonly PathwayStep[]
  readonly professionIds: readonly string[]
}

export interface Funder extends Provenance {
  readonly id: string
  readonly name: string
  readonly abbreviation: string | null
  readonly url: string | null
  readonly description: string
}

export interface FormerName extends Provenance {
  readonly name: string
  readonly note?: string
}

export interface Scheme extends Provenance {
  readonly id: string
  readonly name: string
  readonly abbreviation: string | null
  readonly formerNames: readonly FormerName[]
  readonly professionScope: ProfessionScope
  readonly isCurrent: boolean
  readonly replacedBy: string | null
  readonly summary: string
  readonly eligibility: Fact | null
  readonly duration: Fact | null
  readonly funds: Fact | null
  readonly url: string | null
  readonly funderIds: readonly string[]
  readonly stageIds: readonly string[]
  readonly professionIds: readonly string[]
}

export type ModuleKindId = 'online' | 'rpe' | 'dissertation'

export interface ModuleKind extends Provenance {
  readonly id: ModuleKindId
  readonly name: string
  readonly description: string
  readonly creditOptions: readonly number[]
}

export interface Role extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
}

export interface CompositionPart {
  readonly kind: ModuleKindId
  readonly count: number
  readonly creditsEach?: number
}

export interface Composition {
  readonly description: string
  readonly parts: readonly CompositionPart[]
}

export interface FrameworkLevel extends Provenance {
  readonly id: string
  readonly name: string
  readonly abbreviation: string
  readonly credits: number
  readonly cumulativeCredits: number
  readonly minimumLevel7Credits: NumericFact
  readonly entryRequires: string | null
  readonly entry: Fact
  readonly compositions: readonly Composition[]
  readonly prepares: readonly string[]
  readonly aim: Fact
  readonly firstCohort: Fact | null
}

export interface Framework extends Provenance {
  readonly id: string
  readonly name: string
  readonly summary: string
  readonly audience: Fact
  readonly hoursPerCredit: NumericFact
  readonly partTimeMonthsPerLevel: NumericFact
  readonly fullMastersPartTimeYears: NumericFact
  readonly fees: Fact
  readonly bursaries: Fact
  readonly entryRequirements: Fact
  readonly priorLearning: Fact
  readonly evaluation: Fact
  readonly enquiries: Fact
  readonly moduleKinds: readonly ModuleKind[]
  readonly roles: readonly Role[]
  readonly levels: readonly FrameworkLevel[]
}

export interface Module extends Provenance {
  readonly id: string
  readonly providerId: string
  readonly name: string
  readonly kind: ModuleKindId
  /** null: the source does not state the credits. */
  readonly credits: number | null
  readonly description: string | null
}

export interface OptionGroup extends Provenance {
  readonly choose: number
  readonly creditsEach: number | null
  readonly description: string
  readonly topics: readonly string[]
}

export interface ProgrammeModule {
  readonly moduleId: string
  readonly compulsory: boolean
}

export interface Programme extends Provenance {
  readonly id: string
  readonly providerId: string
  readonly name: string
  readonly awardLevelId: string
  readonly description: string
  readonly launched: Fact | null
  readonly modules: readonly ProgrammeModule[]
  readonly options: readonly OptionGroup[]
  readonly notes: readonly Fact[]
}

export interface Provider extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly priorLearning: Fact | null
}

export interface HealthcareScienceDivision extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
}

export interface HealthcareScienceLevel extends Provenance {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly stageId: string
}

export interface SpecialismGroup extends Provenance {
  readonly id: string
  readonly name: string
  readonly division: ({ readonly id: string } & Provenance) | null
  readonly specialisms: readonly { readonly id: string; readonly name: string }[]
}

export interface HealthcareScience {
  readonly summary: Fact
  readonly divisions: readonly HealthcareScienceDivision[]
  readonly levels: readonly HealthcareScienceLevel[]
  readonly specialismGroups: readonly SpecialismGroup[]
}

export type ResearchCulture = CatalogueContent['researchCulture']

/** Every credit a programme's listed parts add up to, or null when any part's credits are unknown. */
export function sumKnownCredits(values: readonly (number | null)[]): number | null {
  let total = 0
  for (const value of values) {
    if (value === null) return null
    total += value
  }
  return total
}
