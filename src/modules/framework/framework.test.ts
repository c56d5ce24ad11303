import { describe, expect, it } from 'vitest'
import { buildContent } from '../../../test/builders/catalogue-content.ts'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'
import type { FrameworkLevel } from '../catalogue/index.ts'
import { buildProgressionDiagram } from './framework-diagram.ts'

describe('buildProgressionDiagram', () => {
  const content = buildContent()
  const levels = content.framework.levels.map((l) => ({
    ...l,
    aim: l.aim,
    firstCohort: l.firstCohort,
  })) as unknown as FrameworkLevel[]

  it('draws each level as a bar as long as the credits held, carried credits first', () => {
    const diagram = buildProgressionDiagram(levels, content.framework.roles)
    expect(diagram.bars.map((b) => [b.label, b.cumulativeCredits, b.credits])).toEqual([
      ['PGCert', 60, 60],
      ['PGDip', 120, 60],
      ["Master's", 180, 60],
    ])
    const [pgcert, pgdip, masters] = diagram.bars
    expect(pgdip!.width).toBeCloseTo(2 * pgcert!.width, 0)
    expect(masters!.width).toBeCloseTo(3 * pgcert!.width, 0)
    expect(pgdip!.carriedWidth).toBeCloseTo(pgcert!.width, 0)
    expect(pgcert!.carriedWidth).toBe(0)
  })

  it('writes under each bar the roles its level prepares for, each on a line of its own', () => {
    const diagram = buildProgressionDiagram(levels, content.framework.roles)
    expect(diagram.bars.map((b) => b.roleLines.map((l) => l.text))).toEqual([
      ['Local Co-Investigator'],
      [],
      ['Local PI on most studies'],
    ])
    const [pgcert, pgdip] = diagram.bars
    expect(pgcert!.roleLines[0]!.y).toBeGreaterThan(pgcert!.y + pgcert!.height)
    expect(pgdip!.y).toBeGreaterThan(pgcert!.roleLines[0]!.y)
    expect(diagram.height).toBeGreaterThan(diagram.bars.at(-1)!.roleLines[0]!.y)
  })

  it('says in words what the picture shows', () => {
    expect(buildProgressionDiagram(levels, content.framework.roles).description).toBe(
      'Postgraduate Certificate: 60 credits; prepares for Local Co-Investigator. ' +
        'Postgraduate Diploma: 120 credits (the PGCert plus 60 more). ' +
        "Master's degree: 180 credits (the PGDip plus 60 more); prepares for Local PI on most studies.",
    )
  })
})

describeEachApp('the framework pages and API', ({ app }) => {
  const get = (url: string) => app().app.inject({ method: 'GET', url })

  it('shows the framework with an accessible SVG diagram and a table of the same figures', async () => {
    const page = parsePage((await get('/framework')).body)
    expect(page.h1).toBe('NIHR–AoMRC Clinician Researcher Credentials Framework')
    const svg = page.root.querySelector('svg.trellis-diagram')!
    expect(svg.getAttribute('role')).toBe('img')
    expect(page.root.querySelector('#diagram-description')?.text).toMatch(
      /Postgraduate Certificate: 60 credits/,
    )
    const rows = page.root
      .querySelectorAll('main table tbody tr')
      .map((r) => r.text.replace(/\s+/g, ' ').trim())
    expect(rows[0]).toMatch(/Postgraduate Certificate.*\+60 = 60.*Local Co-Investigator/)
    expect(rows[2]).toMatch(/Master.*\+60 = 180.*Local Principal Investigator on most studies/)
    expect(page.links().map((l) => l.href)).toEqual(
      expect.arrayContaining([
        '/framework/universities/university-of-exeter',
        '/framework/universities/newcastle-university',
        '/framework/universities/kings-college-london',
        '/framework/universities/university-of-sheffield',
      ]),
    )
  })

  it('shows a module’s credits and learning hours, or says the credits are not stated', async () => {
    const known = parsePage((await get('/framework/modules/exeter-doing-clinical-research')).body)
    expect(known.mainText).toContain('15 credits')
    expect(known.mainText).toContain('About 150 hours')
    const unknown = parsePage((await get('/framework/modules/newcastle-research-delivery-in-practice')).body)
    expect(unknown.mainText).toContain('Credits not stated')
  })

  it('shows a programme with its modules and does not add up unknown credits', async () => {
    const exeter = parsePage(
      (await get('/framework/programmes/exeter-pgcert-leading-clinical-research-delivery')).body,
    )
    expect(exeter.mainText).toContain('Integrity and Leadership in Research for Health and Healthcare')
    expect(exeter.mainText).toContain('The modules listed add up to 45 credits.')
    const newcastle = parsePage(
      (await get('/framework/programmes/newcastle-pgcert-clinician-researcher')).body,
    )
    expect(newcastle.mainText).toContain('does not state the credits of every module')
  })

  it('answers unknown universities, programmes and modules with 404', async () => {
    for (const url of [
      '/framework/universities/oxford',
      '/framework/programmes/none',
      '/framework/modules/none',
      '/api/v1/modules/none',
      '/api/v1/providers/oxford',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404)
    }
  })

  it('gives the framework as JSON: levels, credits and composition rules', async () => {
    const framework = (await get('/api/v1/framework')).json()
    expect(
      framework.levels.map((l: { id: string; cumulativeCredits: number; learningHours: number }) => [
        l.id,
        l.cumulativeCredits,
        l.learningHours,
      ]),
    ).toEqual([
      ['pgcert', 60, 600],
      ['pgdip', 120, 600],
      ['masters', 180, 600],
    ])
    expect(framework.levels[0].compositions.length).toBe(2)
    expect(framework.levels[0].compositions[0].parts).toContainEqual({
      kind: 'online',
      count: 2,
      creditsEach: 20,
    })
    expect(framework.hoursPerCredit).toMatchObject({ value: 10, status: 'verified' })
  })

  it('gives the universities with programmes, modules and credits, unknown credits as null', async () => {
    const providers = (await get('/api/v1/providers')).json()
    expect(providers.items.map((p: { id: string }) => p.id)).toEqual([
      'university-of-exeter',
      'newcastle-university',
      'kings-college-london',
      'university-of-sheffield',
    ])
    const kcl = providers.items[2]
    expect(
      kcl.modules.find((m: { id: string }) => m.id === 'kcl-research-practice-experience-2'),
    ).toMatchObject({ credits: 30, kind: 'rpe' })
    const newcastle = providers.items[1]
    expect(newcastle.modules.map((m: { credits: number | null }) => m.credits)).toEqual([null, null, null])
  })
})
