import { describe, expect, it } from 'vitest'
import {
  aDissertation,
  aModule,
  aRecord,
  exeterCertificate,
  kingsDiploma,
  somePriorLearning,
} from '../../../test/builders/learner-records.ts'
import { readTestCatalogue } from '../../../test/support/test-app.ts'
import type { Framework } from '../catalogue/index.ts'
import { evaluateRecord, frameworkRulesFrom } from './credit-rules.ts'

const framework: Framework = (await readTestCatalogue()).content!.framework
const rules = frameworkRulesFrom(framework)

describe('frameworkRulesFrom', () => {
  it('takes every number from the framework: credits, level-7 minimums and each level’s own share', () => {
    expect(rules.levels.map((level) => [level.id, level.credits, level.cumulativeCredits])).toEqual([
      ['pgcert', 60, 60],
      ['pgdip', 60, 120],
      ['masters', 60, 180],
    ])
    expect(rules.levels.map((level) => [level.minimumLevel7Credits, level.level7Share])).toEqual([
      [40, 40],
      [90, 50],
      [150, 60],
    ])
    expect(rules.hoursPerCredit).toBe(10)
    expect(rules.partTimeMonthsPerLevel).toBe(10)
  })

  it('lets online modules be 15 or 20 credits where a level leaves them open, and any RPE credits', () => {
    const [composition] = rules.levels[1]!.compositions
    expect(composition!.parts).toEqual([
      { kind: 'rpe', count: 1, creditsEach: null, allowedCredits: null },
      { kind: 'online', count: 2, creditsEach: null, allowedCredits: [15, 20] },
    ])
  })

  it('refuses a framework whose levels do not each build on the one before', () => {
    const broken: Framework = {
      ...framework,
      levels: framework.levels.map((level) =>
        level.id === 'masters' ? { ...level, entryRequires: 'pgcert' } : level,
      ),
    }
    expect(() => frameworkRulesFrom(broken)).toThrow(/"masters" requires "pgcert", not "pgdip"/)
  })
})

describe('evaluateRecord', () => {
  it('gives Exeter’s four 15-credit modules the Postgraduate Certificate and says what the Diploma needs', () => {
    const evaluation = evaluateRecord(rules, aRecord(exeterCertificate()))
    expect(evaluation.achieved).toEqual(['pgcert'])
    expect(evaluation.creditsCounted).toBe(60)
    expect(evaluation.level7Credits).toBe(60)
    expect(evaluation.creditsByKind).toEqual({ online: 45, rpe: 15, dissertation: 0 })
    expect(evaluation.roles.map((role) => role.name)).toEqual([
      'Local Co-Investigator',
      'Local Principal Investigator on less complex studies',
    ])
    expect(evaluation.nextLevel).toEqual({
      id: 'pgdip',
      name: 'Postgraduate Diploma',
      eligible: true,
      missing: [
        'one Research Practice Experience module and two online modules, 60 credits in all',
        'at least 30 of the new credits at level 7',
      ],
      creditsToGo: 60,
    })
    expect(evaluation.learningHours).toEqual({ done: 600, toNextLevel: 600 })
    expect(evaluation.timeline.map((step) => [step.levelId, step.months, step.monthsFromNow])).toEqual([
      ['pgdip', 10, 10],
      ['masters', 10, 20],
    ])
    expect(evaluation.problems).toEqual([])
    expect(evaluation.allocation[0]).toMatchObject({ levelId: 'pgcert', achieved: true })
    expect(evaluation.allocation[0]!.units.map((unit) => unit.code).sort()).toEqual([
      'EXE-DCR',
      'EXE-ILR',
      'EXE-RPE',
      'EXE-STA',
    ])
  })

  it('adds the Diploma when King’s Research Practice Experience 2 and two 15-credit options follow', () => {
    const evaluation = evaluateRecord(rules, aRecord([...exeterCertificate(), ...kingsDiploma()]))
    expect(evaluation.achieved).toEqual(['pgcert', 'pgdip'])
    expect(evaluation.creditsCounted).toBe(120)
    expect(evaluation.allocation[1]!.units.map((unit) => unit.code).sort()).toEqual([
      'KCL-CT',
      'KCL-HE',
      'KCL-RPE2',
    ])
    expect(evaluation.nextLevel).toMatchObject({
      id: 'masters',
      eligible: true,
      missing: ['one dissertation of 60 credits', 'at least 30 of the new credits at level 7'],
    })
    // The Diploma prepares for no role of its own.
    expect(evaluation.roles.map((role) => role.id)).toEqual([
      'local-co-investigator',
      'local-pi-less-complex',
    ])
  })

  it('gives the Master’s for a 60-credit dissertation after the Diploma, with nothing left to do', () => {
    const evaluation = evaluateRecord(
      rules,
      aRecord([...exeterCertificate(), ...kingsDiploma(), aDissertation()]),
    )
    expect(evaluation.achieved).toEqual(['pgcert', 'pgdip', 'masters'])
    expect(evaluation.nextLevel).toBeNull()
    expect(evaluation.timeline).toEqual([])
    expect(evaluation.learningHours).toEqual({ done: 1800, toNextLevel: null })
    expect(evaluation.roles.map((role) => role.id)).toContain('local-pi-most-studies')
  })

  it('gives the Certificate for the 20-credit composition: one RPE and two online modules of 20 credits', () => {
    const evaluation = evaluateRecord(
      rules,
      aRecord([aModule('rpe', 20), aModule('online', 20), aModule('online', 20)]),
    )
    expect(evaluation.achieved).toEqual(['pgcert'])
  })

  it('does not mix the compositions: online modules are all 20 credits (two) or all 15 (three)', () => {
    const evaluation = evaluateRecord(
      rules,
      aRecord([aModule('rpe', 10), aModule('online', 20), aModule('online', 15), aModule('online', 15)]),
    )
    expect(evaluation.achieved).toEqual([])
    expect(evaluation.creditsCounted).toBe(60)
  })

  it('withholds the Certificate when too few credits are at level 7, and says how many more', () => {
    const evaluation = evaluateRecord(
      rules,
      aRecord([
        aModule('rpe', 15),
        aModule('online', 15),
        aModule('online', 15, { level: 6 }),
        aModule('online', 15, { level: 6 }),
      ]),
    )
    expect(evaluation.achieved).toEqual([])
    expect(evaluation.level7Credits).toBe(30)
    expect(evaluation.nextLevel).toMatchObject({
      id: 'pgcert',
      missing: ['10 more credits at level 7'],
      creditsToGo: 10,
    })
    // A sixth of the level still to study: two of its ten months.
    expect(evaluation.timeline[0]).toMatchObject({ levelId: 'pgcert', creditsToGo: 10, months: 2 })
  })

  it('says that a 10-credit module fits no award, and still counts its credits', () => {
    const shortCourse = aModule('online', 10, { code: 'EXE-SC', title: 'Short course in consent' })
    const evaluation = evaluateRecord(rules, aRecord([...exeterCertificate(), shortCourse]))
    expect(evaluation.achieved).toEqual(['pgcert'])
    expect(evaluation.creditsCounted).toBe(70)
    expect(evaluation.unallocated.map((unit) => unit.code)).toEqual(['EXE-SC'])
    expect(evaluation.problems).toEqual([
      'Short course in consent (EXE-SC, University of Exeter) fits no award still to achieve: online modules ' +
        'count when they are worth 15 or 20 credits.',
    ])
  })

  it('counts neither failed nor unfinished modules, and says so', () => {
    const [ilr, dcr, sta, rpe] = exeterCertificate()
    const evaluation = evaluateRecord(
      rules,
      aRecord([ilr!, dcr!, { ...sta!, result: 'fail' }, { ...rpe!, result: 'in-progress' }]),
    )
    expect(evaluation.achieved).toEqual([])
    expect(evaluation.creditsCounted).toBe(30)
    expect(evaluation.problems).toEqual([
      'Research Practice Experience (EXE-RPE, University of Exeter) is still in progress, so its 15 credits do not count yet.',
      'Statistics (EXE-STA, University of Exeter) was not passed, so its 15 credits do not count.',
    ])
    expect(evaluation.nextLevel!.missing[0]).toBe(
      'one Research Practice Experience module of 15 credits and one online module of 15 credits',
    )
  })

  it('counts a module passed after a failed attempt once, without a note about the failure', () => {
    const certificate = exeterCertificate()
    const evaluation = evaluateRecord(
      rules,
      aRecord([{ ...certificate[2]!, result: 'fail' }, ...certificate]),
    )
    expect(evaluation.achieved).toEqual(['pgcert'])
    expect(evaluation.problems).toEqual([])
  })

  it('counts a module passed twice once, and says so', () => {
    const certificate = exeterCertificate()
    const evaluation = evaluateRecord(rules, aRecord([...certificate, certificate[1]!]))
    expect(evaluation.creditsCounted).toBe(60)
    expect(evaluation.problems).toEqual([
      'Doing Clinical Research (EXE-DCR, University of Exeter) is passed more than once in the record; it counts once.',
    ])
  })

  it('counts approved prior learning as a module of its kind, at level 7 unless stated', () => {
    const [ilr, dcr, , rpe] = exeterCertificate()
    const evaluation = evaluateRecord(
      rules,
      aRecord(
        [ilr!, dcr!, rpe!],
        [
          somePriorLearning('online', 15),
          somePriorLearning('online', 20, { status: 'pending' }),
          somePriorLearning('rpe', 30, { status: 'rejected', provider: 'University of Leeds' }),
        ],
      ),
    )
    expect(evaluation.achieved).toEqual(['pgcert'])
    expect(evaluation.level7Credits).toBe(60)
    expect(evaluation.allocation[0]!.units.map((unit) => unit.source)).toContain('prior-learning')
    expect(evaluation.problems).toEqual([
      'Prior learning from University of Sheffield (20 credits, in place of an online module) is waiting for ' +
        'approval, so it does not count yet.',
      'Prior learning from University of Leeds (30 credits, in place of a Research Practice Experience module) ' +
        'was not approved, so it does not count.',
    ])
  })

  it('finds the allocation that holds most awards, not the first way of making the Certificate', () => {
    // The 20-credit Certificate would leave a 15-credit RPE and 15-credit modules that make no Diploma; the
    // 15-credit Certificate leaves a 20-credit RPE and two 20-credit modules that do.
    const evaluation = evaluateRecord(
      rules,
      aRecord([
        aModule('rpe', 15),
        aModule('rpe', 20),
        aModule('online', 15),
        aModule('online', 15),
        aModule('online', 15),
        aModule('online', 20),
        aModule('online', 20),
      ]),
    )
    expect(evaluation.achieved).toEqual(['pgcert', 'pgdip'])
    expect(evaluation.allocation[0]!.units.map((unit) => unit.credits)).toEqual([15, 15, 15, 15])
  })

  it('puts level-7 modules in the Certificate before lower-level ones of the same kind and credits', () => {
    const lower = aModule('online', 15, { level: 6, code: 'LOW' })
    const evaluation = evaluateRecord(rules, aRecord([lower, ...exeterCertificate()]))
    expect(evaluation.allocation[0]!.units.map((unit) => unit.code)).not.toContain('LOW')
    expect(evaluation.allocation[1]).toMatchObject({ levelId: 'pgdip', achieved: false })
    expect(evaluation.allocation[1]!.units.map((unit) => unit.code)).toEqual(['LOW'])
    expect(evaluation.nextLevel!.missing).toEqual([
      'one Research Practice Experience module and one online module, 45 credits in all',
      'at least 30 of the new credits at level 7',
    ])
  })

  it('offers each way of making the Certificate to a learner with nothing yet', () => {
    const evaluation = evaluateRecord(rules, aRecord([]))
    expect(evaluation.achieved).toEqual([])
    expect(evaluation.nextLevel).toEqual({
      id: 'pgcert',
      name: 'Postgraduate Certificate',
      eligible: true,
      missing: [
        'either one Research Practice Experience module of 20 credits and two online modules of 20 credits, ' +
          'or one Research Practice Experience module of 15 credits and three online modules of 15 credits',
        'at least 40 of the new credits at level 7',
      ],
      creditsToGo: 60,
    })
    expect(evaluation.timeline.map((step) => step.monthsFromNow)).toEqual([10, 20, 30])
  })

  it('gives the same answer whatever the order of the record', () => {
    const modules = [...exeterCertificate(), ...kingsDiploma(), aModule('online', 10), aDissertation()]
    const learning = [somePriorLearning('online', 20), somePriorLearning('rpe', 15, { status: 'pending' })]
    expect(evaluateRecord(rules, aRecord([...modules].reverse(), [...learning].reverse()))).toEqual(
      evaluateRecord(rules, aRecord(modules, learning)),
    )
  })

  it('follows the framework’s data: a stricter level-7 minimum is a change of data, not of code', () => {
    const stricter: Framework = {
      ...framework,
      levels: framework.levels.map((level) =>
        level.id === 'pgcert'
          ? { ...level, minimumLevel7Credits: { ...level.minimumLevel7Credits, value: 60 } }
          : level,
      ),
    }
    const [ilr, dcr, sta, rpe] = exeterCertificate()
    const record = aRecord([ilr!, dcr!, { ...sta!, level: 6 }, rpe!])
    expect(evaluateRecord(rules, record).achieved).toEqual(['pgcert'])
    const evaluation = evaluateRecord(frameworkRulesFrom(stricter), record)
    expect(evaluation.achieved).toEqual([])
    expect(evaluation.nextLevel!.missing).toEqual(['15 more credits at level 7'])
  })
})
