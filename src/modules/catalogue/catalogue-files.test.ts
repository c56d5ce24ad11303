import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDirectory, readTestCatalogue } from '../../../test/support/test-app.ts'
import type { CatalogueContent } from './catalogue-content-schemas.ts'
import { readCatalogue } from './catalogue-files.ts'

const readSeed = (number: string) =>
  readFile(
    join(
      contentDirectory,
      'seeds',
      `${number}_${{ '000': '6ad0fe8504dc1576', '001': '1b5d6ceda3e5fb66', '002': '8898c23ecf9faecc', '003': '31dea073e8e31606', '004': '0ba0f0849276159e' }[number]}.txt`,
    ),
    'utf8',
  )

/** The bulleted lines of a seed that follow a heading line, up to the next blank line after them. */
function bulletsAfter(text: string, heading: string): string[] {
  const lines = text.split('\n')
  const start = lines.findIndex((line) => line.includes(heading))
  const bullets: string[] = []
  for (const line of lines.slice(start + 1)) {
    const match = /^\s*•\s*(.+?)\s*$/.exec(line)
    if (match !== null) bullets.push(match[1]!.replace(/\.$/, ''))
    else if (bullets.length > 0 && line.trim() !== '') break
  }
  return bullets
}

describe('the catalogue in content/', () => {
  let content: CatalogueContent

  beforeAll(async () => {
    const catalogue = await readTestCatalogue()
    expect(catalogue.problems).toEqual([])
    content = catalogue.content!
  })

  it('names the four universities of seed 002, and no others', () => {
    expect(content.providers.map((p) => p.name)).toEqual([
      'University of Exeter',
      'Newcastle University',
      "King's College London",
      'University of Sheffield',
    ])
  })

  it('names every module exactly as seed 002 does', async () => {
    const seed = (await readSeed('002')).toLowerCase()
    for (const provider of content.providers) {
      for (const module of provider.modules) expect(seed, module.name).toContain(module.name.toLowerCase())
    }
  })

  it('keeps the credits seed 002 states and stores the others as unknown', () => {
    const credits = Object.fromEntries(
      content.providers.flatMap((p) => p.modules.map((m) => [m.name + ' @ ' + p.id, m.credits])),
    )
    expect(
      credits['Integrity and Leadership in Research for Health and Healthcare @ university-of-exeter'],
    ).toBe(15)
    expect(credits['Doing Clinical Research @ university-of-exeter']).toBe(15)
    expect(credits['Research Practice Experience @ university-of-exeter']).toBe(15)
    expect(credits['Research Practice Experience 2 @ kings-college-london']).toBe(30)
    const newcastle = content.providers.find((p) => p.id === 'newcastle-university')!
    expect(newcastle.modules.map((m) => m.credits)).toEqual([null, null, null])
    const sheffield = content.providers.find((p) => p.id === 'university-of-sheffield')!
    expect(sheffield.modules.every((m) => m.credits === null)).toBe(true)
  })

  it('holds the framework’s levels, credits, hours, durations and the three outcomes', () => {
    const f = content.framework
    expect(
      f.levels.map((l) => [l.abbreviation, l.credits, l.cumulativeCredits, l.minimumLevel7Credits.value]),
    ).toEqual([
      ['PGCert', 60, 60, 40],
      ['PGDip', 60, 120, 90],
      ["Master's", 60, 180, 150],
    ])
    expect([
      f.hoursPerCredit.value,
      f.partTimeMonthsPerLevel.value,
      f.fullMastersPartTimeYears.value,
    ]).toEqual([10, 10, 3])
    const roles = new Map(f.roles.map((r) => [r.id, r.name]))
    expect(f.levels.flatMap((l) => l.prepares.map((id) => `${l.abbreviation}: ${roles.get(id)}`))).toEqual([
      expect.stringMatching(/^PGCert: Local Co-Investigator/),
      expect.stringMatching(/^PGCert: Local Principal Investigator on less complex studies/),
      expect.stringMatching(/^Master's: Local Principal Investigator on most studies/),
    ])
  })

  it('names the structured non-medical pathway’s levels as seed 000 does, in order', async () => {
    const levels = bulletsAfter(await readSeed('000'), 'which includes the following levels')
    const pathway = content.pathways.find((p) => p.id === 'non-medical')!
    expect(pathway.steps.map((s) => s.name)).toEqual(levels)
  })

  it('holds the DHSC strategy’s five themes and seven actions in seed 003’s words', async () => {
    const seed = await readSeed('003')
    const strategy = content.researchCulture.strategy
    expect(strategy.themes.map((t) => t.name)).toEqual(bulletsAfter(seed, 'There are five main themes'))
    expect(strategy.actions.map((a) => a.name)).toEqual(bulletsAfter(seed, 'There are seven main actions'))
    expect(content.researchCulture.caseStudyThemes).toHaveLength(5)
    expect(content.researchCulture.jointStatement.actionCount).toBe(12)
  })

  it('lists every healthcare-science specialism of seed 004 and its three divisions and four levels', async () => {
    const seed = await readSeed('004')
    const specialisms = new Set(
      content.healthcareScience.specialismGroups.flatMap((g) =>
        [g.name, ...g.specialisms.map((s) => s.name)].map((n) => n.toLowerCase()),
      ),
    )
    const listed = bulletsAfter(seed, 'roles include the following')
      .flatMap((line) => line.split(/[(),]/))
      .map((part) =>
        part
          .replace(/\bthe\b/g, '')
          .trim()
          .toLowerCase(),
      )
      .filter((part) => part !== '')
    const missing = listed.filter(
      (name) => ![...specialisms].some((known) => known.includes(name) || name.includes(known)),
    )
    expect(missing).toEqual([])
    expect(content.healthcareScience.divisions.map((d) => d.name)).toEqual(
      bulletsAfter(seed, 'three main areas'),
    )
    expect(content.healthcareScience.levels).toHaveLength(4)
  })

  it('gives every profession at least one pathway and every regulator its register formats', () => {
    const onPathway = new Set(content.pathways.flatMap((p) => p.professions))
    expect(content.professions.filter((p) => !onPathway.has(p.id)).map((p) => p.id)).toEqual([])
    expect(content.professions.length).toBeGreaterThanOrEqual(25)
  })

  it('puts current names first and keeps each of seed 000’s level names as a former name', async () => {
    const levels = bulletsAfter(await readSeed('000'), 'which includes the following levels')
    const currentSchemesCalled = (name: string) =>
      content.schemes
        .filter((s) => s.isCurrent && s.formerNames.some((f) => f.name.startsWith(name.replace(/s$/, ''))))
        .map((s) => s.id)
    expect(levels.map(currentSchemesCalled)).toEqual([
      ['nihr-hcp-internship'],
      ['nihr-pcaf'],
      ['nihr-dcaf'],
      ['nihr-acaf'],
      ['nihr-scpra'],
    ])
  })
})

describe('readCatalogue with mistakes', () => {
  let directory: string

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trellis-content-'))
    await cp(contentDirectory, directory, { recursive: true })
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  async function withChange(file: string, change: (text: string) => string) {
    const path = join(directory, file)
    const original = await readFile(path, 'utf8')
    await writeFile(path, change(original))
    try {
      return await readCatalogue(directory)
    } finally {
      await writeFile(path, original)
    }
  }

  it('names the file, line, entry and field of a value the schema refuses', async () => {
    const result = await withChange('schemes.yaml', (text) =>
      text.replace('    abbreviation: DCAF\n', '    abbreviation: DCAF\n    durration: three years\n'),
    )
    expect(result.content).toBeUndefined()
    expect(result.problems).toEqual([
      {
        file: 'schemes.yaml',
        line: expect.any(Number),
        entry: 'nihr-dcaf',
        reason: 'unknown field "durration"',
      },
    ])
    const lines = (await readFile(join(directory, 'schemes.yaml'), 'utf8')).split('\n')
    expect(lines[result.problems[0]!.line! - 1]).toContain('- id: nihr-dcaf')
  })

  it('names the field of a wrong status', async () => {
    const result = await withChange('schemes.yaml', (text) =>
      text.replace(
        '    status: verified\n    sources: [nihr-dcaf-round-5, nihr-dcaf-round-4-chairs-report]',
        '    status: maybe\n    sources: [nihr-dcaf-round-5]',
      ),
    )
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        file: 'schemes.yaml',
        entry: 'nihr-dcaf',
        field: 'status',
        reason: 'must be "verified" or "unverified"',
      }),
    )
  })

  it('locates a reference to something that does not exist', async () => {
    const result = await withChange('schemes.yaml', (text) =>
      text.replace('    stages: [doctoral]\n', '    stages: [doctorate]\n'),
    )
    const [problem] = result.problems
    expect(problem).toMatchObject({
      file: 'schemes.yaml',
      entry: 'nihr-dcaf',
      field: 'stages[0]',
      reason: 'unknown stage "doctorate"',
    })
    const lines = (await readFile(join(directory, 'schemes.yaml'), 'utf8')).split('\n')
    expect(lines[problem!.line! - 1]).toContain('stages: [doctoral]')
  })

  it('reports broken YAML with its line', async () => {
    const result = await withChange('stages.yaml', (text) =>
      text.replace('  - id: doctoral\n', '  - id: doctoral\n   name: [unclosed\n'),
    )
    expect(result.problems[0]).toMatchObject({
      file: 'stages.yaml',
      line: expect.any(Number),
      reason: expect.stringMatching(/^not valid YAML/),
    })
  })

  it('reports a bad row of the NHS trusts file with its line', async () => {
    const result = await withChange('organisations/etr.csv', (text) =>
      text.replace('"R0A","MANCHESTER', '"R0A!","MANCHESTER'),
    )
    expect(result.problems).toEqual([
      {
        file: 'organisations/etr.csv',
        line: 2,
        field: 'organisation code',
        reason: '"R0A!" is not an ODS code (3 to 5 capital letters or digits)',
      },
    ])
  })

  it('reports a source document that is missing', async () => {
    await rm(join(directory, 'seeds', '004_0ba0f0849276159e.txt'))
    try {
      const result = await readCatalogue(directory)
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          file: 'sources/seeds.yaml',
          entry: 'seed-004',
          field: 'seed',
          reason: 'source document 004_0ba0f0849276159e.txt is not in content/seeds/',
        }),
      )
    } finally {
      await cp(
        join(contentDirectory, 'seeds', '004_0ba0f0849276159e.txt'),
        join(directory, 'seeds', '004_0ba0f0849276159e.txt'),
      )
    }
  })
})
