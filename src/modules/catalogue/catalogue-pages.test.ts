import { expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'

describeEachApp('the catalogue pages', ({ app }) => {
  const page = async (url: string) => {
    const response = await app().app.inject({ method: 'GET', url })
    return { status: response.statusCode, ...parsePage(response.body) }
  }

  it('lists schemes by stage and filters them with a plain form', async () => {
    const all = await page('/schemes')
    expect(all.status).toBe(200)
    expect(all.root.querySelector('form[method="get"][action="/schemes"]')).not.toBeNull()
    const filtered = await page('/schemes?profession=midwife&stage=doctoral&funder=')
    expect(filtered.mainText).toMatch(/\d+ schemes? open to midwives at the doctoral stage\./)
    expect(filtered.root.querySelectorAll('main h2').map((h) => h.text.trim())).toContain('Doctoral')
    expect(filtered.root.querySelector('#profession option[selected]')?.getAttribute('value')).toBe('midwife')
  })

  it('shows an error summary naming a bad filter, with "Error:" in the title', async () => {
    const bad = await page('/schemes?profession=nures')
    expect(bad.status).toBe(400)
    expect(bad.title).toMatch(/^Error: /)
    expect(bad.errorSummary()[0]).toMatch(/^profession: "nures" is not known; allowed values:/)
  })

  it('shows a scheme with its funder, stage, facts, their sources, and its former names', async () => {
    const dcaf = await page('/schemes/nihr-dcaf')
    expect(dcaf.h1).toBe('Doctoral Clinical and Practitioner Academic Fellowship (DCAF)')
    expect(dcaf.mainText).toContain('Who can apply')
    expect(dcaf.mainText).toContain('Clinical Doctoral Research Fellowships')
    expect(dcaf.links().map((l) => l.href)).toContain('/funders/nihr')
    expect(dcaf.root.querySelectorAll('.trellis-provenance').length).toBeGreaterThan(3)
    expect(dcaf.links().some((l) => l.href.startsWith('/sources#'))).toBe(true)
  })

  it('marks unverified facts as unverified', async () => {
    const acaf = await page('/schemes/nihr-acaf')
    expect(acaf.root.querySelectorAll('.trellis-status').map((t) => t.text.trim())).toContain('Unverified')
  })

  it('says when a scheme has closed and what replaced it', async () => {
    const schemes = await app().services.catalogue.listSchemes()
    const closed = schemes.find((s) => !s.isCurrent && s.replacedBy !== null)!
    const view = await page(`/schemes/${closed.id}`)
    expect(view.mainText).toContain('This scheme has closed or been replaced')
    expect(view.links().map((l) => l.href)).toContain(`/schemes/${closed.replacedBy}`)
  })

  it('answers an unknown scheme with a 404 naming it', async () => {
    const missing = await page('/schemes/no-such-scheme')
    expect(missing.status).toBe(404)
    expect(missing.mainText).toContain('There is no funded scheme "no-such-scheme" in Trellis.')
  })

  it('shows a funder with its schemes', async () => {
    const nihr = await page('/funders/nihr')
    expect(nihr.h1).toMatch(/National Institute for Health and Care Research/)
    expect(nihr.links().map((l) => l.href)).toContain('/schemes/nihr-dcaf')
  })

  it('lists regulators with registration-number formats', async () => {
    const regulators = await page('/regulators')
    expect(regulators.mainText).toContain('Nursing and Midwifery Council')
    expect(regulators.mainText).toContain('71A2998E')
  })

  it('lists every source, the five documents first', async () => {
    const sources = await page('/sources')
    expect(sources.root.querySelectorAll('dt').length).toBeGreaterThan(50)
    expect(sources.mainText).toContain('002_8898c23ecf9faecc.txt')
  })

  it('shows healthcare science: divisions, levels and specialisms', async () => {
    const hcs = await page('/healthcare-science')
    for (const text of [
      'Life sciences',
      'Physiological sciences',
      'Medical physics and clinical engineering',
      'Scientist Training Programme',
      'audiology',
      'maxillofacial prosthetics',
    ]) {
      expect(hcs.mainText.toLowerCase()).toContain(text.toLowerCase())
    }
  })

  it('shows research culture: the strategy’s themes and actions and the case studies', async () => {
    const culture = await page('/research-culture')
    expect(culture.mainText).toContain('Saving and Improving Lives')
    expect(culture.mainText).toContain('Improving the speed and efficiency of study set-up')
    expect(culture.mainText).toContain('A shift in the research landscape')
    expect(culture.mainText).toContain('Kingston Hospital')
  })

  it('searches, showing ranked results with the matched words highlighted, and pages them', async () => {
    const results = await page('/search?q=doctoral+fellowship')
    expect(results.h1).toBe('Search results')
    expect(results.root.querySelectorAll('.trellis-results__item').length).toBeGreaterThan(0)
    expect(results.root.querySelectorAll('mark').map((m) => m.text.toLowerCase())).toEqual(
      expect.arrayContaining([expect.stringMatching(/doctoral|fellowship/)]),
    )
    const many = await page('/search?q=research')
    expect(many.root.querySelector('.nhsuk-pagination')).not.toBeNull()
    const none = await page('/search?q=zzzqqq')
    expect(none.mainText).toContain('No results for “zzzqqq”')
    const empty = await page('/search')
    expect(empty.h1).toBe('Search Trellis')
  })

  it('refuses a search page number that is not a number', async () => {
    const bad = await page('/search?q=nurse&page=two')
    expect(bad.status).toBe(400)
    expect(bad.errorSummary()).toEqual(['page: must be a whole number from 1'])
  })
})
