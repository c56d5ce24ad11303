import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { readTestCatalogue, testServiceSettings } from '../../../test/support/test-app.ts'
import { composeServices, type Services } from '../../composition.ts'
import { highlightStart, highlightStop } from '../../platform/views/search-highlight.ts'
import type { ReadCatalogue } from './catalogue-files.ts'

describeEachEngine('the catalogue in the database', ({ database }) => {
  let services: Services
  let catalogue: ReadCatalogue

  beforeAll(async () => {
    services = composeServices(database(), testServiceSettings())
    catalogue = await readTestCatalogue()
    await services.catalogue.load(catalogue)
  })

  const count = async (table: string) =>
    (await database().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n

  it('holds every entry of content/ and every NHS trust', async () => {
    const content = catalogue.content!
    expect(await count('professions')).toBe(content.professions.length)
    expect(await count('schemes')).toBe(content.schemes.length)
    expect(await count('modules')).toBe(content.providers.flatMap((p) => p.modules).length)
    expect(await count("organisations WHERE kind = 'nhs-trust'")).toBe(210)
    expect(await count("organisations WHERE kind = 'university'")).toBe(content.providers.length)
    expect(await count('search_documents')).toBeGreaterThan(300)
  })

  it('does not duplicate anything when the same content is loaded again', async () => {
    const before = {
      schemes: await count('schemes'),
      trusts: await count('organisations'),
      search: await count('search_documents'),
    }
    await services.catalogue.load(catalogue)
    expect({
      schemes: await count('schemes'),
      trusts: await count('organisations'),
      search: await count('search_documents'),
    }).toEqual(before)
  })

  it('skips the load entirely when content/ has not changed', async () => {
    const versions = await count('catalogue_versions')
    const result = await services.catalogue.loadIfChanged(catalogue)
    expect(result.loaded).toBe(false)
    expect(await count('catalogue_versions')).toBe(versions)
  })

  it('rolls the whole load back when one part of it fails, leaving the database as it was', async () => {
    // Something outside the catalogue refers to a module, as a learner's result will.
    await database().query('CREATE TABLE IF NOT EXISTS test_results (module_id text REFERENCES modules (id))')
    await database().query(`INSERT INTO test_results VALUES ('exeter-doing-clinical-research')`)
    const content = catalogue.content!
    const changed: ReadCatalogue = {
      ...catalogue,
      contentHash: 'changed',
      content: {
        ...content,
        schemes: content.schemes.map((s) => (s.id === 'nihr-dcaf' ? { ...s, name: 'Renamed' } : s)),
        providers: content.providers.map((p) => ({
          ...p,
          modules: p.modules.filter((m) => m.id !== 'exeter-doing-clinical-research'),
          programmes: p.programmes.map((g) => ({
            ...g,
            modules: g.modules.filter((m) => m.module !== 'exeter-doing-clinical-research'),
          })),
        })),
      },
    }
    const versions = await count('catalogue_versions')
    await expect(services.catalogue.load(changed)).rejects.toThrow()
    expect((await services.catalogue.findScheme('nihr-dcaf'))?.name).toBe(
      'Doctoral Clinical and Practitioner Academic Fellowship',
    )
    expect(await services.catalogue.findModule('exeter-doing-clinical-research')).not.toBeNull()
    expect(await count('catalogue_versions')).toBe(versions)
    await database().query('DROP TABLE test_results')
  })

  it('removes entries that are no longer in content/', async () => {
    const content = catalogue.content!
    await services.catalogue.load({
      ...catalogue,
      contentHash: 'fewer-schemes',
      content: {
        ...content,
        schemes: content.schemes.filter((s) => s.id !== 'bhf-intermediate-clinical-research-fellowship'),
      },
    })
    expect(await services.catalogue.findScheme('bhf-intermediate-clinical-research-fellowship')).toBeNull()
    await services.catalogue.load(catalogue)
    expect(
      await services.catalogue.findScheme('bhf-intermediate-clinical-research-fellowship'),
    ).not.toBeNull()
  })

  it('lists the schemes open to a profession at a stage, current ones first', async () => {
    const nurseDoctoral = await services.catalogue.listSchemes({ professionId: 'nurse', stageId: 'doctoral' })
    expect(nurseDoctoral.map((s) => s.id)).toContain('nihr-dcaf')
    expect(
      nurseDoctoral.every((s) => s.professionIds.includes('nurse') && s.stageIds.includes('doctoral')),
    ).toBe(true)
    const doctorDoctoral = await services.catalogue.listSchemes({
      professionId: 'doctor',
      stageId: 'doctoral',
    })
    expect(doctorDoctoral.map((s) => s.id)).not.toContain('nihr-dcaf')
    const currentFlags = (await services.catalogue.listSchemes()).map((s) => s.isCurrent)
    expect(currentFlags).toEqual([...currentFlags].sort((a, b) => Number(b) - Number(a)))
  })

  it('keeps unknown module credits unknown', async () => {
    const modules = await services.catalogue.listModules({ providerId: 'newcastle-university' })
    expect(modules.map((m) => m.credits)).toEqual([null, null, null])
    expect((await services.catalogue.findModule('kcl-research-practice-experience-2'))?.credits).toBe(30)
  })

  it('returns the framework with its levels in order', async () => {
    const framework = await services.catalogue.findFramework()
    expect(framework?.levels.map((l) => [l.id, l.cumulativeCredits])).toEqual([
      ['pgcert', 60],
      ['pgdip', 120],
      ['masters', 180],
    ])
  })

  it('finds things by meaning of the words, best match first, with the matched words marked', async () => {
    const page = await services.catalogue.search('doctoral fellowship', 1, 10)
    expect(page.total).toBeGreaterThan(0)
    expect(page.results[0]?.title).toMatch(/Doctoral/i)
    expect(page.results[0]?.highlightedTitle).toContain(`${highlightStart}Doctoral${highlightStop}`)
    const ranks = page.results.map((r) => r.rank)
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
  })

  it('finds NHS organisations, modules and framework content by search', async () => {
    expect(
      (await services.catalogue.search('Newcastle upon Tyne Hospitals', 1, 5)).results.map((r) => r.kind),
    ).toContain('organisation')
    expect(
      (await services.catalogue.search('Research Practice Experience', 1, 20)).results.map((r) => r.kind),
    ).toContain('module')
    expect((await services.catalogue.search('zzzqqq', 1, 5)).total).toBe(0)
  })

  it('pages search results with a total that does not depend on the page', async () => {
    const first = await services.catalogue.search('research', 1, 5)
    const second = await services.catalogue.search('research', 2, 5)
    expect(second.total).toBe(first.total)
    expect(second.results.map((r) => r.id)).not.toEqual(first.results.map((r) => r.id))
    const beyond = await services.catalogue.search('research', 1000, 5)
    expect(beyond.results).toEqual([])
    expect(beyond.total).toBe(first.total)
  })

  it('treats search syntax in the query as words, never as an error', async () => {
    for (const query of ['"unclosed', 'a & b | !c', "nurse's <script>", '-', ':*']) {
      await expect(services.catalogue.search(query, 1, 5)).resolves.toMatchObject({ query })
    }
  })
})
