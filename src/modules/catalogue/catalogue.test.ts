import { describe, expect, it } from 'vitest'
import { buildContent, buildTrust, sourceOrigins } from '../../../test/builders/catalogue-content.ts'
import type { CatalogueContent } from './catalogue-content-schemas.ts'
import { expandProfessionScope, findReferenceProblems, formatProblem, sumKnownCredits } from './catalogue.ts'

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> }

function problemsAfter(change: (content: Mutable<CatalogueContent>) => void) {
  const content = buildContent() as Mutable<CatalogueContent>
  change(content)
  return findReferenceProblems(content as CatalogueContent, sourceOrigins(content as CatalogueContent), [
    buildTrust(),
  ])
}

describe('findReferenceProblems', () => {
  it('finds nothing wrong in a consistent catalogue', () => {
    expect(problemsAfter(() => {})).toEqual([])
  })

  it('reports a reference to a stage that does not exist, with the path to it', () => {
    expect(problemsAfter((c) => (c.schemes[0]!.stages = ['doctorate']))).toEqual([
      { file: 'schemes.yaml', path: ['schemes', 0, 'stages', 0], reason: 'unknown stage "doctorate"' },
    ])
  })

  it('reports an unknown source anywhere in an entry', () => {
    expect(problemsAfter((c) => (c.schemes[0]!.duration!.sources = ['nowhere']))).toEqual([
      {
        file: 'schemes.yaml',
        path: ['schemes', 0, 'duration', 'sources', 0],
        reason: 'unknown source "nowhere": add it to a file in content/sources/',
      },
    ])
  })

  it('reports an id used twice', () => {
    const problems = problemsAfter((c) => c.stages.push({ ...c.stages[0]! }))
    expect(problems).toContainEqual({
      file: 'stages.yaml',
      path: ['stages', 3, 'id'],
      reason: 'stage id "early-research" is used twice',
    })
  })

  it('checks that registration examples match their pattern and that patterns compile', () => {
    expect(problemsAfter((c) => (c.professions[0]!.registrations[0]!.example = '12345678'))).toEqual([
      {
        file: 'professions.yaml',
        path: ['professions', 0, 'registrations', 0, 'example'],
        reason: '"12345678" does not match the pattern ^\\d{2}[A-Z]\\d{4}[A-Z]$',
      },
    ])
    expect(
      problemsAfter((c) => (c.professions[1]!.registrations[0]!.pattern = '^(\\d{7}$'))[0]?.reason,
    ).toMatch(/is not a valid regular expression/)
  })

  it('checks the credit arithmetic of the framework', () => {
    expect(problemsAfter((c) => (c.framework.levels[1]!.cumulativeCredits = 100))).toContainEqual({
      file: 'framework.yaml',
      path: ['framework', 'levels', 1, 'cumulativeCredits'],
      reason: 'is 100, but the levels before hold 60 and this one adds 60',
    })
    expect(problemsAfter((c) => (c.framework.levels[0]!.compositions[0]!.parts[1]!.count = 2))).toEqual([
      {
        file: 'framework.yaml',
        path: ['framework', 'levels', 0, 'compositions', 0, 'parts'],
        reason: 'add up to 45 credits, but the level is 60',
      },
    ])
    expect(problemsAfter((c) => (c.framework.levels[0]!.entryRequires = 'masters'))).toEqual([
      {
        file: 'framework.yaml',
        path: ['framework', 'levels', 0, 'entryRequires'],
        reason: 'must name an earlier level, not "masters"',
      },
    ])
  })

  it('does not add up a composition whose parts leave credits to the university', () => {
    expect(problemsAfter((c) => (c.framework.levels[1]!.compositions[0]!.parts[1]!.count = 7))).toEqual([])
  })

  it('requires a programme to use its own university’s modules and a real award level', () => {
    const problems = problemsAfter((c) => {
      c.providers[0]!.programmes[0]!.award = 'mres'
      c.providers[0]!.programmes[0]!.modules.push({ module: 'missing-module', compulsory: false })
    })
    expect(problems.map((p) => p.reason)).toEqual([
      'unknown framework level "mres"',
      'unknown module "missing-module"',
    ])
  })

  it('refuses a replaced scheme that claims to be current, and a scheme replacing itself', () => {
    expect(problemsAfter((c) => (c.schemes[1]!.isCurrent = true))).toEqual([
      {
        file: 'schemes.yaml',
        path: ['schemes', 1, 'isCurrent'],
        reason: 'a scheme that has been replaced is not current: set isCurrent to false',
      },
    ])
    expect(problemsAfter((c) => (c.schemes[0]!.replacedBy = 'dcaf')).map((p) => p.reason)).toContain(
      'a scheme cannot replace itself',
    )
  })

  it('checks profession ids in scheme scopes and pathways', () => {
    const problems = problemsAfter((c) => {
      c.schemes[0]!.professions = { only: ['nurse', 'nures'] }
      c.pathways[0]!.professions.push('midwfe')
    })
    expect(problems.map((p) => p.reason)).toEqual([
      'unknown profession "midwfe"',
      'unknown profession "nures"',
    ])
  })
})

describe('expandProfessionScope', () => {
  const ids = ['nurse', 'doctor', 'dentist', 'midwife']
  it('covers every profession, all but some, or only some, in catalogue order', () => {
    expect(expandProfessionScope({ all: true }, ids)).toEqual(ids)
    expect(expandProfessionScope({ allExcept: ['doctor', 'dentist'] }, ids)).toEqual(['nurse', 'midwife'])
    expect(expandProfessionScope({ only: ['midwife', 'nurse'] }, ids)).toEqual(['nurse', 'midwife'])
  })
})

describe('formatProblem', () => {
  it('names the file and line, the entry and the field before the reason', () => {
    expect(
      formatProblem({
        file: 'content/schemes.yaml',
        line: 12,
        entry: 'nihr-dcaf',
        field: 'stages[0]',
        reason: 'unknown stage "x"',
      }),
    ).toBe('content/schemes.yaml:12, entry "nihr-dcaf", field "stages[0]": unknown stage "x"')
    expect(formatProblem({ file: 'content/stages.yaml', reason: 'file not found' })).toBe(
      'content/stages.yaml: file not found',
    )
  })
})

describe('sumKnownCredits', () => {
  it('adds credits only when every one is known', () => {
    expect(sumKnownCredits([15, 15, 30])).toBe(60)
    expect(sumKnownCredits([15, null])).toBeNull()
    expect(sumKnownCredits([])).toBe(0)
  })
})
