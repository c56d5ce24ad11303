import { expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'

describeEachApp('the pathway pages', ({ app }) => {
  const page = async (url: string) => {
    const response = await app().app.inject({ method: 'GET', url })
    return { status: response.statusCode, ...parsePage(response.body) }
  }

  it('starts the journey from the home page', async () => {
    const home = await page('/')
    expect(home.status).toBe(200)
    expect(home.title).toBe('Find your route into clinical research – Trellis – NHS')
    expect(home.links()).toContainEqual({ text: 'Start now', href: '/professions' })
  })

  it('lists every profession by group', async () => {
    const professions = await page('/professions')
    expect(professions.h1).toBe('Explore clinical research careers by profession')
    const hrefs = professions.links().map((l) => l.href)
    for (const id of [
      'nurse',
      'midwife',
      'doctor',
      'pharmacist',
      'physiotherapist',
      'clinical-scientist',
      'paramedic',
    ]) {
      expect(hrefs).toContain(`/professions/${id}`)
    }
  })

  it('shows a nurse the non-medical pathway stage by stage, with the credentials at research delivery', async () => {
    const nurse = await page('/professions/nurse')
    expect(nurse.h1).toBe('Clinical research careers for nurses')
    const stages = nurse.root
      .querySelectorAll('.trellis-stages__heading')
      .map((h) => h.text.replace(/\s+/g, ' ').trim())
    expect(stages).toEqual([
      '1 Early research experience',
      '2 Pre-doctoral',
      '3 Doctoral',
      '4 Early post-doctoral',
      '5 Middle and later post-doctoral',
      '6 Research delivery leadership',
    ])
    expect(nurse.mainText).toContain('Internships')
    expect(nurse.mainText).toContain('Clinical Doctoral Research Fellowships')
    expect(nurse.mainText).toMatch(/Postgraduate Certificate \(60 credits\)/)
    expect(nurse.mainText).toMatch(/Nursing and Midwifery Council/)
  })

  it('shows a doctor the medical pathway’s names for the same stages', async () => {
    const doctor = await page('/professions/doctor')
    expect(doctor.mainText).toContain('Early research exposure at medical school and foundation training')
    expect(doctor.mainText).not.toContain('Clinical Doctoral Research Fellowships')
  })

  it('shows a clinical scientist the healthcare-science career levels too', async () => {
    const scientist = await page('/professions/clinical-scientist')
    expect(scientist.mainText).toContain('Healthcare science career level:')
    expect(scientist.mainText).toMatch(/Scientist Training Programme/)
  })

  it('details a stage: the schemes open to that profession there, with eligibility, duration and funding', async () => {
    const stage = await page('/professions/nurse/stages/doctoral')
    expect(stage.h1).toBe('Doctoral')
    expect(stage.links()).toContainEqual(expect.objectContaining({ href: '/schemes/nihr-dcaf' }))
    expect(stage.mainText).toContain('Who can apply')
    expect(stage.mainText).toContain('What it pays for')
    expect(stage.root.querySelector('.nhsuk-pagination')).not.toBeNull()
  })

  it('answers an unknown profession or stage with a 404 that says which', async () => {
    const profession = await page('/professions/astronaut')
    expect(profession.status).toBe(404)
    expect(profession.mainText).toContain('There is no profession "astronaut" in Trellis.')
    const stage = await page('/professions/nurse/stages/retirement')
    expect(stage.status).toBe(404)
    expect(stage.mainText).toContain('There is no career stage "retirement" in Trellis.')
    const nothingThere = await page('/professions/nurse/stages/undergraduate')
    expect(nothingThere.status).toBe(404)
    expect(nothingThere.mainText).toContain('Trellis holds nothing for nurses at the stage "undergraduate".')
    expect((await page('/professions/clinical-scientist/stages/undergraduate')).status).toBe(200)
  })
})
