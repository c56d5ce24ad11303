import { beforeAll, expect, it } from 'vitest'
import { parsePage, type PageView } from '../../../test/support/html.ts'
import { describeEachIdentityApp, type Person, type TestBrowser } from '../../../test/support/identity.ts'
import { postMultipart, type FormFile } from '../../../test/support/multipart.ts'
import { pallasFile, readStudyFixture, tocaFile } from '../../../test/support/study-fixtures.ts'

// The studies pages over HTTP, on each engine, with the real catalogue's NHS organisations: who may see and
// upload studies, uploading the real PALLAS record, a bad file refused with nothing written, and matching a
// site by hand.

const trust = 'RTD'
const clean = (text: string) => text.replace(/\s+/g, ' ').trim()

/** The rows of the table with this caption, each cell's text without the heading a narrow screen shows in it. */
function tableRows(page: PageView, caption: string): string[][] {
  const table = page.root
    .querySelectorAll('table')
    .find((candidate) => clean(candidate.querySelector('caption')?.text ?? '') === caption)
  if (table === undefined) throw new Error(`No table "${caption}" on the page`)
  return table.querySelectorAll('tbody tr').map((row) =>
    row.querySelectorAll('th, td').map((cell) => {
      for (const heading of cell.querySelectorAll('.nhsuk-table__heading')) heading.remove()
      return clean(cell.text)
    }),
  )
}

function summaryRows(page: PageView): Record<string, string> {
  return Object.fromEntries(
    page.root
      .querySelector('.nhsuk-summary-list')!
      .querySelectorAll('.nhsuk-summary-list__row')
      .map((row) => [
        clean(row.querySelector('.nhsuk-summary-list__key')!.text),
        clean(row.querySelector('.nhsuk-summary-list__value')!.text),
      ]),
  )
}

const jsonFile = (fileName: string, text: string): FormFile => ({
  field: 'studyFiles',
  fileName,
  contentType: 'application/json',
  content: new Uint8Array(Buffer.from(text)),
})

describeEachIdentityApp('the studies pages', ({ app }) => {
  let lead: Person
  let mentor: Person
  let learner: Person
  let admin: Person
  let leadBrowser: TestBrowser
  let pallas: string
  let toca: string

  const studyCount = () => app().count('SELECT count(*) FROM studies')

  async function upload(browser: TestBrowser, files: readonly FormFile[], options: { csrf?: null } = {}) {
    await browser.get('/studies/upload')
    return postMultipart(browser, '/studies/upload', {}, files, options)
  }

  beforeAll(async () => {
    lead = await app().person({
      fullName: 'Rita Lead',
      memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
    })
    mentor = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
    learner = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
    admin = await app().person({
      memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
    })
    leadBrowser = await app().signIn(lead)
    pallas = await readStudyFixture(pallasFile)
    toca = await readStudyFixture(tocaFile)
  })

  it('shows the studies to research leads, mentors and admins only, and uploading to leads and admins', async () => {
    const anonymous = await app().browser().get('/studies')
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Fstudies')
    expect((await (await app().signIn(learner)).get('/studies')).statusCode).toBe(403)

    const mentorBrowser = await app().signIn(mentor)
    const mentorPage = await mentorBrowser.page('/studies')
    expect(mentorPage.status).toBe(200)
    expect(mentorPage.h1).toBe('Studies')
    expect(mentorPage.links().map((link) => link.href)).not.toContain('/studies/upload')
    expect((await mentorBrowser.get('/studies/upload')).statusCode).toBe(403)
    expect(
      (await postMultipart(mentorBrowser, '/studies/upload', {}, [jsonFile('a.json', toca)])).statusCode,
    ).toBe(403)

    const leadPage = await leadBrowser.page('/studies')
    expect(leadPage.links().map((link) => link.href)).toContain('/studies/upload')
    expect((await leadBrowser.page('/studies/upload')).h1).toBe('Upload study records')
    expect((await (await app().signIn(admin)).page('/studies/upload')).status).toBe(200)
    expect(await studyCount()).toBe(0)
  })

  it('imports the real PALLAS record, lists it and shows its UK sites with their NHS organisations', async () => {
    const response = await upload(leadBrowser, [jsonFile('NCT02513394.json', pallas)])
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/studies?imported=1')

    const list = await leadBrowser.page('/studies?imported=1')
    expect(list.mainText).toContain('1 study imported.')
    expect(tableRows(list, 'Studies, by title')).toEqual([
      [
        'PALbociclib CoLlaborative Adjuvant Study',
        'NCT02513394',
        'Active, not recruiting',
        'Phase 3',
        '6 of 16',
      ],
    ])
    const unmatched = tableRows(list, 'UK sites not matched, by name')
    expect(unmatched).toHaveLength(10)
    expect(unmatched).toContainEqual([
      'University Hospitals Bristol NHS Foundation Trust',
      'Bristol',
      'PALbociclib CoLlaborative Adjuvant Study',
      'Match University Hospitals Bristol NHS Foundation Trust to an NHS organisation',
    ])

    const studyLink = list.links().find((link) => link.text === 'PALbociclib CoLlaborative Adjuvant Study')!
    const study = await leadBrowser.page(studyLink.href)
    expect(study.title).toBe('PALbociclib CoLlaborative Adjuvant Study – Trellis – NHS')
    expect(summaryRows(study)).toMatchObject({
      'NCT number': 'NCT02513394 on ClinicalTrials.gov',
      ISRCTN: 'None given',
      "Sponsor's identifier": 'AFT-05',
      Status: 'Active, not recruiting',
      Phase: 'Phase 3',
      Conditions: 'Breast Cancer',
      'Lead sponsor': 'Alliance Foundation Trials, LLC.',
      Start: 'August 2015',
      'Primary completion': 'November 2020 (actual)',
      Completion: 'September 2025 (estimated)',
      Locations: '437 in all, 16 in the UK',
    })
    const sites = tableRows(study, "Sites in the UK, in the registry's order")
    expect(sites).toHaveLength(16)
    expect(sites).toContainEqual([
      "Guy's and St Thomas' NHS Foundation Trust",
      'London',
      "Guy's and St Thomas' NHS Foundation Trust Change the NHS organisation of Guy's and St Thomas' NHS Foundation Trust",
      'Not given',
    ])
    // A mentor sees the same study, with nothing to change.
    const mentorView = await (await app().signIn(mentor)).page(studyLink.href)
    expect(tableRows(mentorView, "Sites in the UK, in the registry's order").slice(0, 2)).toEqual([
      ['City Hospital Birmingham', 'Birmingham', 'Not matched', 'Not given'],
      ['University Hospitals Bristol NHS Foundation Trust', 'Bristol', 'Not matched', 'Not given'],
    ])
    expect(mentorView.links().some((link) => link.href.endsWith('/match'))).toBe(false)
    expect(sites[0]).toEqual([
      'City Hospital Birmingham',
      'Birmingham',
      'Not matched Match City Hospital Birmingham to an NHS organisation',
      'Not given',
    ])
    expect(study.links()).toContainEqual({
      text: "Guy's and St Thomas' NHS Foundation Trust",
      href: '/organisations/RJ1',
    })

    // Uploaded again, the study is updated, not repeated.
    expect((await upload(leadBrowser, [jsonFile('NCT02513394.json', pallas)])).statusCode).toBe(303)
    expect(await studyCount()).toBe(1)
    expect(await app().count('SELECT count(*) FROM study_sites')).toBe(16)
  })

  it('refuses an upload with a bad file, naming the file and the path, and imports none of the files', async () => {
    const bad = JSON.parse(toca)
    delete bad.protocolSection.identificationModule.nctId
    const before = await studyCount()
    const response = await upload(leadBrowser, [
      jsonFile('NCT02576665.json', toca),
      jsonFile('NCT123.json', JSON.stringify({ studies: [JSON.parse(toca), bad] })),
    ])
    expect(response.statusCode).toBe(400)
    const page = parsePage(response.body)
    expect(page.title).toBe('Error: Upload study records – Trellis – NHS')
    expect(page.errorSummary()).toEqual([
      'NCT123.json: studies[1].protocolSection.identificationModule.nctId: missing',
    ])
    expect(page.mainText).toContain('Nothing was imported')
    expect(await studyCount()).toBe(before)

    const notJson = parsePage((await upload(leadBrowser, [jsonFile('notes.json', 'not json')])).body)
    expect(notJson.errorSummary()[0]).toMatch(/^notes\.json: is not valid JSON/)

    const none = await upload(leadBrowser, [])
    expect(none.statusCode).toBe(400)
    expect(parsePage(none.body).errorSummary()).toEqual(['Choose one or more ClinicalTrials.gov JSON files'])

    const withoutToken = await upload(leadBrowser, [jsonFile('NCT02576665.json', toca)], { csrf: null })
    expect(withoutToken.statusCode).toBe(403)
    expect(await studyCount()).toBe(before)
  })

  it('shows what a registry says as text, never as markup', async () => {
    const tricky = JSON.parse(toca)
    tricky.protocolSection.identificationModule.briefTitle = 'Toca <script>alert("owned")</script> 6'
    tricky.protocolSection.contactsLocationsModule.locations.push({
      facility: '<img src=x onerror=alert(1)> Hospital',
      city: 'Leeds',
      country: 'United Kingdom',
    })
    expect((await upload(leadBrowser, [jsonFile('tricky.json', JSON.stringify(tricky))])).statusCode).toBe(
      303,
    )
    const list = await leadBrowser.get('/studies')
    expect(list.body).not.toContain('<script>alert("owned")</script>')
    expect(list.body).not.toContain('<img src=x')
    expect(list.body).toContain('Toca &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; 6')
    const [row] = await app().db.database.query<{ id: string }>(
      "SELECT id FROM studies WHERE nct_id = 'NCT02576665'",
    )
    const study = await leadBrowser.get(`/studies/${row!.id}`)
    expect(study.body).not.toContain('<script>alert("owned")</script>')
    expect(study.body).not.toContain('<img src=x')
    expect(parsePage(study.body).h1).toBe('Toca <script>alert("owned")</script> 6')
  })

  it('matches a site to an NHS organisation by hand, and remembers it for the next import', async () => {
    const [site] = await app().db.database.query<{ id: string; study_id: string }>(
      `SELECT s.id, s.study_id FROM study_sites s JOIN studies st ON st.id = s.study_id
       WHERE st.nct_id = 'NCT02513394' AND s.facility = 'University Hospitals Bristol NHS Foundation Trust'`,
    )
    const path = `/studies/${site!.study_id}/sites/${site!.id}/match`
    expect((await (await app().signIn(mentor)).get(path)).statusCode).toBe(403)

    const form = await leadBrowser.page(path)
    expect(form.h1).toBe('Match a site to an NHS organisation')
    expect(form.root.querySelectorAll('#organisationId option').length).toBeGreaterThan(200)

    const empty = await leadBrowser.post(path, { organisationId: '' })
    expect(empty.statusCode).toBe(400)
    expect(parsePage(empty.body).errorSummary()).toEqual(['Select the NHS organisation'])

    const matched = await leadBrowser.post(path, { organisationId: 'RA7' })
    expect(matched.statusCode).toBe(303)
    expect(matched.headers.location).toBe(`/studies/${site!.study_id}?matched=1`)
    const study = await leadBrowser.page(matched.headers.location as string)
    expect(study.mainText).toContain('Site matched.')
    expect(tableRows(study, "Sites in the UK, in the registry's order")).toContainEqual([
      'University Hospitals Bristol NHS Foundation Trust',
      'Bristol',
      'University Hospitals Bristol and Weston NHS Foundation Trust Change the NHS organisation of University Hospitals Bristol NHS Foundation Trust',
      'Not given',
    ])

    expect((await upload(leadBrowser, [jsonFile('NCT02513394.json', pallas)])).statusCode).toBe(303)
    const list = await leadBrowser.page('/studies')
    expect(tableRows(list, 'Studies, by title')).toContainEqual([
      'PALbociclib CoLlaborative Adjuvant Study',
      'NCT02513394',
      'Active, not recruiting',
      'Phase 3',
      '7 of 16',
    ])
    expect(
      await app().count("SELECT count(*) FROM audit_events WHERE action = 'placements.study-site-matched'"),
    ).toBe(1)
  })

  it('records a study entered by hand, with its sites matched, after pointing out what is wrong', async () => {
    expect((await (await app().signIn(mentor)).get('/studies/new')).statusCode).toBe(403)
    const form = await leadBrowser.page('/studies/new')
    expect(form.h1).toBe('Enter a study')

    const empty = await leadBrowser.post('/studies/new', { briefTitle: '', 'startDate-month': '3' })
    expect(empty.statusCode).toBe(400)
    const emptyPage = parsePage(empty.body)
    expect(emptyPage.title).toBe('Error: Enter a study – Trellis – NHS')
    expect(emptyPage.errorSummary()).toEqual([
      'Enter the title of the study',
      'Select the status of the study',
      "Enter the start date's month and year",
    ])
    expect(emptyPage.root.querySelector('#startDate-month')?.getAttribute('value')).toBe('3')

    const entered = await leadBrowser.post('/studies/new', {
      briefTitle: 'Physiotherapy <b>after</b> knee replacement',
      isrctn: 'ISRCTN17072692',
      overallStatus: 'RECRUITING',
      phases: ['NA'],
      conditions: 'Osteoarthritis',
      'startDate-month': '3',
      'startDate-year': '2026',
      sites: "Guy's & St Thomas' NHS Foundation Trust, London",
    })
    expect(entered.statusCode).toBe(303)
    const page = await leadBrowser.page(entered.headers.location as string)
    expect(page.h1).toBe('Physiotherapy <b>after</b> knee replacement')
    expect(page.mainText).toContain('Study entered.')
    expect(summaryRows(page)).toMatchObject({
      'NCT number': 'None',
      ISRCTN: 'ISRCTN17072692',
      Status: 'Recruiting',
      Phase: 'Not applicable',
      Start: 'March 2026',
      Completion: 'Not given',
      Locations: '1 in all, 1 in the UK',
    })
    expect(summaryRows(page).Record).toMatch(/^Entered by hand, last on /)
    expect(tableRows(page, "Sites in the UK, in the registry's order")[0]!.slice(0, 3)).toEqual([
      "Guy's & St Thomas' NHS Foundation Trust",
      'London',
      "Guy's and St Thomas' NHS Foundation Trust Change the NHS organisation of Guy's & St Thomas' NHS Foundation Trust",
    ])

    const again = await leadBrowser.post('/studies/new', {
      briefTitle: 'The same study',
      isrctn: '17072692',
      overallStatus: 'RECRUITING',
    })
    expect(again.statusCode).toBe(400)
    expect(parsePage(again.body).errorSummary()).toEqual([
      'ISRCTN17072692 is in Trellis already, as "Physiotherapy <b>after</b> knee replacement"',
    ])
  })
})
