import { beforeAll, expect, it } from 'vitest'
import { parsePage, type PageView } from '../../../test/support/html.ts'
import { describeEachIdentityApp, type Person, type TestBrowser } from '../../../test/support/identity.ts'
import { pallasFile, readStudyFixture } from '../../../test/support/study-fixtures.ts'

// The placement offers pages over HTTP, on each engine, with the real catalogue's NHS organisations and the real
// PALLAS record's UK sites: a mentor offers places (and is told, field by field, what is wrong), the research
// lead approves or rejects with a reason, the mentor withdraws; other people are refused, and so are forms
// without their CSRF token.

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

describeEachIdentityApp('the placement offers pages', ({ app }) => {
  /** Two NHS organisations with PALLAS sites, and a site of each. */
  let trust: string
  let otherTrust: string
  let site: { id: string; facility: string }
  let otherSite: string
  let mentor: Person
  let lead: Person
  let mentorBrowser: TestBrowser
  let leadBrowser: TestBrowser
  let year: number

  const offersPath = () => `/organisations/${trust}/placement-offers`
  const offerCount = () => app().count('SELECT count(*) FROM placement_offers')

  const goodFields = () => ({
    siteId: site.id,
    places: '3',
    specialty: 'Oncology',
    complexity: 'complex',
    activities: ['consent', 'data-collection', 'safety-reporting'],
    hoursPerWeek: '7.5',
    'startFrom-day': '1',
    'startFrom-month': '3',
    'startFrom-year': String(year),
    'startBy-day': '31',
    'startBy-month': '5',
    'startBy-year': String(year),
    prerequisites: 'Good Clinical Practice (GCP) training <b>first</b>',
  })

  async function offerPlaces(browser: TestBrowser = mentorBrowser): Promise<string> {
    await browser.get(`${offersPath()}/new`)
    const response = await browser.post(`${offersPath()}/new`, goodFields())
    if (response.statusCode !== 303)
      throw new Error(`Offering answered ${response.statusCode}:\n${response.body}`)
    return response.headers.location as string
  }

  beforeAll(async () => {
    year = app().clock.now().getUTCFullYear() + 1
    const imported = await app().services.studies.importFiles(
      [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
      { label: 'command line' },
      { requestId: null, ip: null },
    )
    if (!imported.ok) throw new Error('PALLAS did not import')
    const sites = await app().db.database.query<{ id: string; facility: string; organisation_id: string }>(
      'SELECT id, facility, organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position',
    )
    const [first, second] = sites.filter(
      (row, index) => sites.findIndex((other) => other.organisation_id === row.organisation_id) === index,
    )
    trust = first!.organisation_id
    site = { id: first!.id, facility: first!.facility }
    otherTrust = second!.organisation_id
    otherSite = second!.id
    mentor = await app().person({
      fullName: 'Mina Mentor',
      memberships: [{ organisationId: trust, roles: ['mentor'] }],
    })
    lead = await app().person({
      fullName: 'Rita Lead',
      memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
    })
    mentorBrowser = await app().signIn(mentor)
    leadBrowser = await app().signIn(lead)
  })

  it('lets a mentor offer places on a study site of their organisation', async () => {
    const form = await mentorBrowser.page(`${offersPath()}/new`)
    expect(form.status).toBe(200)
    expect(form.h1).toBe('Offer places')
    const options = form.root.querySelectorAll('#siteId option').map((option) => option.getAttribute('value'))
    expect(options).toContain(site.id)
    expect(options).not.toContain(otherSite)
    expect(form.root.querySelectorAll('input[name="activities"]')).toHaveLength(8)

    const before = await offerCount()
    const location = await offerPlaces()
    expect(location).toMatch(new RegExp(`^${offersPath()}/[0-9a-f-]{36}\\?done=created$`))
    expect(await offerCount()).toBe(before + 1)

    const page = await mentorBrowser.page(location)
    expect(page.h1).toBe('Placement offer: PALbociclib CoLlaborative Adjuvant Study')
    expect(page.mainText).toContain('Offer sent.')
    const rows = summaryRows(page)
    expect(rows).toMatchObject({
      Places: '3',
      Specialty: 'Oncology',
      Complexity: 'Complex',
      'Hours a week': '7.5',
      'Start between': `1 March ${year} to 31 May ${year}`,
      'What the learner needs first': 'Good Clinical Practice (GCP) training <b>first</b>',
      Mentor: 'Mina Mentor',
    })
    expect(page.root.querySelectorAll('.nhsuk-summary-list li').map((item) => clean(item.text))).toEqual([
      'Informed consent',
      'Data collection',
      'Safety reporting',
    ])
    expect(page.root.querySelector('main')!.innerHTML).not.toContain('<b>first</b>')
    // The mentor may withdraw, not decide.
    expect(page.root.querySelector('form[action$="/decision"]')).toBeNull()
    expect(page.root.querySelector('form[action$="/withdraw"]')).not.toBeNull()

    const account = await mentorBrowser.page('/account')
    expect(account.links()).toContainEqual({
      text: expect.stringMatching(/^Placement offers at /),
      href: offersPath(),
    })

    const list = await mentorBrowser.page(offersPath())
    expect(list.status).toBe(200)
    expect(tableRows(list, 'Waiting for approval')).toContainEqual([
      'PALbociclib CoLlaborative Adjuvant Study',
      expect.stringContaining(site.facility),
      '3',
      'Oncology',
      'Mina Mentor',
      `1 March ${year} to 31 May ${year}`,
    ])
  })

  it('names each field that is wrong, at the top and at the field, and keeps what was typed', async () => {
    await mentorBrowser.get(`${offersPath()}/new`)
    const before = await offerCount()
    const empty = await mentorBrowser.post(`${offersPath()}/new`, {})
    expect(empty.statusCode).toBe(400)
    const emptyPage = parsePage(empty.body)
    expect(emptyPage.title).toMatch(/^Error: /)
    expect(emptyPage.errorSummary()).toEqual([
      'Select the study site',
      'Enter the number of places',
      'Enter the specialty',
      'Select how complex the study is',
      'Select the activities the learner can take part in',
      'Enter the hours a week',
      'Enter the earliest start date',
      'Enter the latest start date',
    ])

    const wrong = await mentorBrowser.post(`${offersPath()}/new`, {
      ...goodFields(),
      siteId: otherSite,
      places: 'lots',
      activities: ['consent'],
      hoursPerWeek: '40',
      'startFrom-month': '',
      'startBy-day': '31',
      'startBy-month': '2',
    })
    expect(wrong.statusCode).toBe(400)
    const page = parsePage(wrong.body)
    expect(page.errorSummary()).toEqual([
      'Number of places must be a whole number',
      'Hours a week must be between 1 and 37.5',
      'Earliest start date must include a month',
      'Latest start date must be a real date',
    ])
    expect(page.root.querySelector('#places-error')?.text).toContain(
      'Number of places must be a whole number',
    )
    expect(page.root.querySelector('.nhsuk-error-summary a')?.getAttribute('href')).toBe('#places')
    expect(page.root.querySelector('input[name="specialty"]')?.getAttribute('value')).toBe('Oncology')
    expect(
      page.root
        .querySelectorAll('input[name="activities"]')
        .filter((box) => box.hasAttribute('checked'))
        .map((box) => box.getAttribute('value')),
    ).toEqual(['consent'])

    const long = await mentorBrowser.post(`${offersPath()}/new`, {
      ...goodFields(),
      specialty: 'x'.repeat(1001),
    })
    expect(long.statusCode).toBe(400)
    expect(parsePage(long.body).errorSummary()).toEqual(['Specialty is far too long'])

    // A site of another organisation, when everything else is right.
    const elsewhere = await mentorBrowser.post(`${offersPath()}/new`, { ...goodFields(), siteId: otherSite })
    expect(elsewhere.statusCode).toBe(400)
    expect(parsePage(elsewhere.body).errorSummary()).toEqual(['Select a study site at this organisation'])
    expect(await offerCount()).toBe(before)
  })

  it('lets the research lead approve an offer, or reject it with a reason', async () => {
    const location = await offerPlaces()
    const path = location.replace(/\?.*$/, '')
    const page = await leadBrowser.page(path)
    expect(page.status).toBe(200)
    expect(page.root.querySelector('form[action$="/decision"]')).not.toBeNull()
    expect(page.root.querySelector('form[action$="/withdraw"]')).toBeNull()

    const noReason = await leadBrowser.post(`${path}/decision`, { outcome: 'reject', reason: '' })
    expect(noReason.statusCode).toBe(400)
    expect(parsePage(noReason.body).errorSummary()).toEqual(['Enter the reason for rejecting the offer'])

    const approved = await leadBrowser.post(`${path}/decision`, { outcome: 'approve' })
    expect(approved.statusCode).toBe(303)
    expect(approved.headers.location).toBe(`${path}?done=approved`)
    const after = await leadBrowser.page(approved.headers.location as string)
    expect(after.mainText).toContain('Offer approved.')
    expect(summaryRows(after).Decided).toContain('by Rita Lead')
    expect(after.root.querySelector('form[action$="/decision"]')).toBeNull()
    expect(tableRows(await leadBrowser.page(`${offersPath()}?status=approved`), 'Approved')).toContainEqual(
      expect.arrayContaining(['PALbociclib CoLlaborative Adjuvant Study', 'Mina Mentor']),
    )
    expect(
      await app().count(
        "SELECT count(*) FROM audit_events WHERE action = 'placement-offer.approved' AND subject_id = $1",
        [path.split('/').at(-1)],
      ),
    ).toBe(1)

    const other = (await offerPlaces()).replace(/\?.*$/, '')
    const rejected = await leadBrowser.post(`${other}/decision`, {
      outcome: 'reject',
      reason: 'The study has closed to recruitment here.',
    })
    expect(rejected.statusCode).toBe(303)
    const rejectedPage = await mentorBrowser.page(other)
    expect(summaryRows(rejectedPage)['Reason for rejecting']).toBe(
      'The study has closed to recruitment here.',
    )
    // Rejected for good: approving it now is refused with a message.
    const late = await leadBrowser.post(`${other}/decision`, { outcome: 'approve' })
    expect(late.statusCode).toBe(400)
    expect(parsePage(late.body).errorSummary()).toEqual([
      'This offer is rejected already: it cannot be decided again',
    ])
  })

  it('lets the mentor withdraw their offer', async () => {
    const path = (await offerPlaces()).replace(/\?.*$/, '')
    const withdrawn = await mentorBrowser.post(`${path}/withdraw`)
    expect(withdrawn.statusCode).toBe(303)
    expect(withdrawn.headers.location).toBe(`${path}?done=withdrawn`)
    const page = await mentorBrowser.page(withdrawn.headers.location as string)
    expect(page.mainText).toContain('Offer withdrawn.')
    expect(page.root.querySelector('form[action$="/withdraw"]')).toBeNull()
    const late = await leadBrowser.post(`${path}/decision`, { outcome: 'approve' })
    expect(late.statusCode).toBe(400)
  })

  it('refuses learners, and the mentors and research leads of other organisations', async () => {
    const path = (await offerPlaces()).replace(/\?.*$/, '')
    const learner = await app().signIn(
      await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] }),
    )
    const otherMentor = await app().signIn(
      await app().person({ memberships: [{ organisationId: otherTrust, roles: ['mentor'] }] }),
    )
    const otherLead = await app().signIn(
      await app().person({
        memberships: [{ organisationId: otherTrust, roles: ['employer-research-lead'] }],
      }),
    )
    for (const browser of [learner, otherMentor, otherLead]) {
      expect((await browser.get(offersPath())).statusCode).toBe(403)
      expect((await browser.get(path)).statusCode).toBe(403)
      expect((await browser.get(`${offersPath()}/new`)).statusCode).toBe(403)
      expect((await browser.post(`${offersPath()}/new`, goodFields())).statusCode).toBe(403)
      expect((await browser.post(`${path}/decision`, { outcome: 'approve' })).statusCode).toBe(403)
      expect((await browser.post(`${path}/withdraw`)).statusCode).toBe(403)
    }
    // The research lead decides but does not offer; another mentor here may not withdraw this one's offer.
    expect((await leadBrowser.get(`${offersPath()}/new`)).statusCode).toBe(403)
    const colleague = await app().signIn(
      await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] }),
    )
    expect((await colleague.get(path)).statusCode).toBe(200)
    expect((await colleague.post(`${path}/withdraw`)).statusCode).toBe(403)
    expect((await mentorBrowser.page(path)).mainText).toContain('Waiting for approval')

    const anonymous = await app().browser().get(offersPath())
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toBe(`/sign-in?next=${encodeURIComponent(offersPath())}`)
  })

  it('refuses forms without their CSRF token', async () => {
    const path = (await offerPlaces()).replace(/\?.*$/, '')
    const before = await offerCount()
    const offered = await mentorBrowser.post(`${offersPath()}/new`, goodFields(), { csrf: null })
    expect(offered.statusCode).toBe(403)
    expect(offered.body).toContain('This form has expired')
    expect(await offerCount()).toBe(before)
    const decided = await leadBrowser.post(`${path}/decision`, { outcome: 'approve' }, { csrf: null })
    expect(decided.statusCode).toBe(403)
    const withdrawn = await mentorBrowser.post(`${path}/withdraw`, {}, { csrf: null })
    expect(withdrawn.statusCode).toBe(403)
    expect((await mentorBrowser.page(path)).mainText).toContain('Waiting for approval')
  })
})
