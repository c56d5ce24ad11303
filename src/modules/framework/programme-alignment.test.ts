import { describe, expect, it } from 'vitest'
import { readTestCatalogue } from '../../../test/support/test-app.ts'
import type { ModuleKindId } from '../catalogue/index.ts'
import { frameworkRulesFrom } from './credit-rules.ts'
import {
  checkContentProgrammes,
  checkProgramme,
  mostCombinationsChecked,
  programmeToCheck,
  type ModuleToCheck,
} from './programme-alignment.ts'

const { content } = await readTestCatalogue()
const rules = frameworkRulesFrom(content!.framework)

function aModule(
  name: string,
  kind: ModuleKindId,
  credits: number | null,
  level: number | null = 7,
): ModuleToCheck {
  return { name, kind, credits, level }
}

describe('checkProgramme', () => {
  it('finds a programme aligned when every module is stated and they make the level', () => {
    const check = checkProgramme(rules, {
      name: 'PGCert in Research Delivery',
      awardLevelId: 'pgcert',
      compulsory: [
        aModule('Research Practice Experience', 'rpe', 20),
        aModule('Research Methods', 'online', 20),
        aModule('Research Ethics', 'online', 20),
      ],
      optionGroups: [],
    })
    expect(check).toEqual({
      status: 'aligned',
      summary: 'aligned with the framework',
      violations: [],
      unknowns: [],
    })
  })

  it('checks every choice of options and names the modules of each choice that breaks the rules', () => {
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [aModule('Research Practice Experience 2', 'rpe', 30)],
      optionGroups: [
        {
          choose: 2,
          modules: [
            aModule('Clinical Trials', 'online', 15),
            aModule('Health Economics', 'online', 15),
            aModule('Leadership', 'online', 20),
          ],
        },
      ],
    })
    expect(check.status).toBe('not-aligned')
    expect(check.violations).toEqual([
      "With Clinical Trials and Leadership chosen, the programme's modules make 65 credits in all, but the " +
        'Postgraduate Diploma adds 60.',
      "With Health Economics and Leadership chosen, the programme's modules make 65 credits in all, but the " +
        'Postgraduate Diploma adds 60.',
    ])
  })

  it('says what a level is made of when the kinds of module do not match it', () => {
    const check = checkProgramme(rules, {
      name: 'PGCert',
      awardLevelId: 'pgcert',
      compulsory: [
        aModule('Study Design', 'online', 20),
        aModule('Governance', 'online', 20),
        aModule('Project', 'dissertation', 20),
      ],
      optionGroups: [],
    })
    expect(check.violations).toEqual([
      'The Postgraduate Certificate is made of either one Research Practice Experience module and two online ' +
        'modules of 20 credits, or one Research Practice Experience module and three online modules of 15 ' +
        'credits, 60 credits in all; this programme has two online modules (Study Design; Governance), no ' +
        'Research Practice Experience module and one dissertation (Project).',
    ])
  })

  it('names a module whose credits do not fit the composition its kinds make', () => {
    const check = checkProgramme(rules, {
      name: 'PGCert',
      awardLevelId: 'pgcert',
      compulsory: [
        aModule('Practice', 'rpe', 10),
        aModule('Trials', 'online', 20),
        aModule('Statistics', 'online', 15),
        aModule('Epidemiology', 'online', 15),
      ],
      optionGroups: [],
    })
    expect(check.violations).toEqual([
      'Trials is worth 20 credits, but where the Postgraduate Certificate is made of one Research Practice ' +
        'Experience module and three online modules of 15 credits, each online module is worth 15 credits.',
    ])
  })

  it('needs each level’s own share of the level-7 minimum: 50 of the Diploma’s 60 credits', () => {
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [
        aModule('Practice', 'rpe', 30, 6),
        aModule('Trials', 'online', 15),
        aModule('Economics', 'online', 15),
      ],
      optionGroups: [],
    })
    expect(check.violations).toEqual([
      "Only 30 of the programme's credits are at level 7, but the Postgraduate Diploma needs at least 50 of its " +
        '60 credits at level 7 (its share of the 90 level-7 credits the award needs in all).',
    ])
    expect(rules.levels.map((level) => level.level7Share)).toEqual([40, 50, 60])
  })

  it('never calls a programme aligned when credits are unknown', () => {
    const check = checkProgramme(rules, {
      name: 'PGCert',
      awardLevelId: 'pgcert',
      compulsory: [
        aModule('Governance', 'online', null),
        aModule('Study Design', 'online', null),
        aModule('Research Delivery in Practice', 'rpe', null),
      ],
      optionGroups: [],
    })
    expect(check).toEqual({
      status: 'cannot-check',
      summary: 'cannot be checked: credits unknown',
      violations: [],
      unknowns: [
        'credits unknown: Governance',
        'credits unknown: Study Design',
        'credits unknown: Research Delivery in Practice',
        'level-7 share cannot be confirmed: the Postgraduate Certificate needs at least 40 of its 60 credits ' +
          'at level 7, and the credits of some modules are unknown',
      ],
    })
  })

  it('still finds what breaks the rules when some credits are unknown', () => {
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [aModule('Practice', 'rpe', null), aModule('Trials', 'online', 20)],
      optionGroups: [],
    })
    expect(check.status).toBe('not-aligned')
    expect(check.violations[0]).toMatch(
      /^The Postgraduate Diploma is made of one Research Practice Experience/,
    )
  })

  it('confirms the level-7 share from the modules whose levels are stated, when they are enough', () => {
    const check = checkProgramme(rules, {
      name: 'PGCert',
      awardLevelId: 'pgcert',
      compulsory: [
        aModule('Practice', 'rpe', 15),
        aModule('Trials', 'online', 15),
        aModule('Statistics', 'online', 15),
        aModule('Epidemiology', 'online', 15, null),
      ],
      optionGroups: [],
    })
    expect(check.status).toBe('aligned')
    expect(check.unknowns).toEqual(['level not stated: Epidemiology'])
  })

  it('cannot check the level-7 share when the levels that would decide it are not stated', () => {
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [aModule('Research Practice Experience 2', 'rpe', 30, null)],
      optionGroups: [
        { choose: 2, modules: [aModule('Trials', 'online', 15), aModule('Economics', 'online', 15)] },
      ],
    })
    expect(check.status).toBe('cannot-check')
    expect(check.summary).toBe('cannot be checked: levels not stated')
    expect(check.unknowns).toEqual([
      'level not stated: Research Practice Experience 2',
      'level-7 share cannot be confirmed: the Postgraduate Diploma needs at least 50 of its 60 credits at level ' +
        '7, and the level of some modules is not stated',
    ])
  })

  it('says so when an option group offers fewer modules than it asks learners to choose', () => {
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [aModule('Practice', 'rpe', 30)],
      optionGroups: [{ choose: 2, modules: [aModule('Trials', 'online', 15)] }],
    })
    expect(check.violations[0]).toBe(
      'An option group asks learners to choose two modules but offers one: Trials.',
    )
  })

  it('does not try more choices of options than it can check, and says so', () => {
    const menu = Array.from({ length: 30 }, (_, index) => aModule(`Option ${index}`, 'online', 15))
    const check = checkProgramme(rules, {
      name: 'PGDip',
      awardLevelId: 'pgdip',
      compulsory: [aModule('Practice', 'rpe', 30)],
      optionGroups: [
        { choose: 2, modules: menu },
        { choose: 2, modules: menu },
      ],
    })
    expect(check.status).toBe('cannot-check')
    expect(check.unknowns.at(-1)).toBe(
      `too many choices to check: learners can choose their options in 189225 ways, and Trellis checks up to ${mostCombinationsChecked}`,
    )
  })

  it('names the framework’s levels when a programme awards one that does not exist', () => {
    const check = checkProgramme(rules, {
      name: 'MRes',
      awardLevelId: 'mres',
      compulsory: [],
      optionGroups: [],
    })
    expect(check.status).toBe('not-aligned')
    expect(check.violations[0]).toContain('the levels are pgcert (Postgraduate Certificate)')
  })
})

describe('the catalogue’s programmes', () => {
  const checks = checkContentProgrammes(rules, content!)
  const byId = Object.fromEntries(checks.map((entry) => [entry.programmeId, entry.check]))

  it('each get a result', () => {
    const programmeIds = content!.providers.flatMap((provider) => provider.programmes.map((p) => p.id))
    expect(checks.map((entry) => entry.programmeId)).toEqual(programmeIds)
    expect(programmeIds.length).toBeGreaterThanOrEqual(8)
    for (const { check } of checks) expect(['aligned', 'not-aligned', 'cannot-check']).toContain(check.status)
  })

  it('cannot be confirmed while the source leaves credits or levels unstated, and break no rule', () => {
    expect(checks.map((entry) => entry.check.status)).not.toContain('aligned')
    expect(checks.flatMap((entry) => entry.check.violations)).toEqual([])
    expect(byId['newcastle-pgcert-clinician-researcher']!.unknowns).toContain(
      'credits unknown: Research Delivery in Practice',
    )
    expect(byId['exeter-pgcert-leading-clinical-research-delivery']!.unknowns[0]).toBe(
      'credits unknown: an optional module from the menu (statistics, clinical trials, epidemiology)',
    )
  })

  it('find King’s Diploma right in kinds and credits, with only the levels unknown', () => {
    expect(byId['kcl-pgdip-clinician-researcher']).toMatchObject({
      status: 'cannot-check',
      summary: 'cannot be checked: levels not stated',
      violations: [],
    })
  })

  it('say so when the source lists none of a programme’s modules', () => {
    expect(byId['sheffield-pgdip-clinician-researcher']).toMatchObject({
      summary: 'cannot be checked: modules not stated',
    })
  })

  it('treat a named optional module without a number to choose as not stated', () => {
    const check = checkProgramme(
      rules,
      programmeToCheck(
        {
          name: 'PGCert',
          awardLevelId: 'pgcert',
          modules: [
            { moduleId: 'practice', compulsory: true },
            { moduleId: 'trials', compulsory: false },
          ],
          options: [],
        },
        [
          { id: 'practice', name: 'Practice', kind: 'rpe', credits: 20 },
          { id: 'trials', name: 'Trials', kind: 'online', credits: 20 },
        ],
      ),
    )
    expect(check.status).toBe('cannot-check')
    expect(check.unknowns).toContain('not stated: how many of the optional modules to choose (Trials)')
  })
})
