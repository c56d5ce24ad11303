import { randomUUID } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import { describeEachIdentityApp, type Person, type TestBrowser } from '../../../test/support/identity.ts'
import { postMultipart, sampleFiles } from '../../../test/support/multipart.ts'
import { pallasFile, principalOf, readStudyFixture } from '../../../test/support/study-fixtures.ts'
import { ukToday } from '../learning/index.ts'
import { insertPlacement } from './supervision-repository.ts'

// The supervision pages over HTTP, on each engine, with the real catalogue (the University of Exeter and its
// Research Practice Experience modules) and the real PALLAS record's UK sites: the programme lead sets up
// supervision, prefilled from the catalogue; the learner keeps the logbook with evidence; mentor and supervisor
// comment and sign off, and the learner's record then counts the credits. People with no part get 404; bad
// input gets the NHS error summary and writes nothing; forms without their CSRF token are refused.

const exeter = 'university-of-exeter'
const origin = { requestId: 'test', ip: '127.0.0.1' }

describeEachIdentityApp('the supervision pages', ({ app }) => {
  let placementId: string
  let learner: Person
  let mentor: Person
  let lead: Person
  let supervisor: Person
  let stranger: Person
  let learnerBrowser: TestBrowser
  let mentorBrowser: TestBrowser
  let leadBrowser: TestBrowser
  let supervisorBrowser: TestBrowser
  let strangerBrowser: TestBrowser
  let today: string

  const path = () => `/placements/${placementId}`
  const entryCount = () =>
    app().count('SELECT count(*) FROM placement_logbook_entries WHERE placement_id = $1', [placementId])
  const dateFields = (iso: string) => {
    const [year, month, day] = iso.split('-')
    return {
      'entryDate-day': String(Number(day)),
      'entryDate-month': String(Number(month)),
      'entryDate-year': year!,
    }
  }

  beforeAll(async () => {
    today = ukToday(app().clock.now())
    const imported = await app().services.studies.importFiles(
      [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
      { label: 'command line' },
      { requestId: null, ip: null },
    )
    if (!imported.ok) throw new Error('PALLAS did not import')
    const [site] = await app().db.database.query<{ id: string; organisation_id: string }>(
      'SELECT id, organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position LIMIT 1',
    )
    const trust = site!.organisation_id
    mentor = await app().person({
      fullName: 'Mina Mentor',
      memberships: [{ organisationId: trust, roles: ['mentor'] }],
    })
    const researchLead = await app().person({
      memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
    })
    lead = await app().person({
      fullName: 'Pat Lead',
      memberships: [{ organisationId: exeter, roles: ['programme-lead'] }],
    })
    supervisor = await app().person({
      fullName: 'Ada <i>Supervisor</i>',
      memberships: [{ organisationId: exeter, roles: ['academic-supervisor'] }],
    })
    stranger = await app().person({
      memberships: [{ organisationId: exeter, roles: ['academic-supervisor'] }],
    })
    learner = await app().person({ fullName: 'Lee Learner' })
    const year = app().clock.now().getUTCFullYear() + 1
    const offered = await app().services.offers.createOffer(
      principalOf(mentor.id, [{ organisationId: trust, roles: ['mentor'] }]),
      trust,
      {
        siteId: site!.id,
        places: '2',
        specialty: 'Oncology',
        complexity: 'complex',
        activities: ['consent', 'data-collection'],
        hoursPerWeek: '7.5',
        startFrom: `${year}-03-01`,
        startBy: `${year}-05-31`,
        prerequisites: '',
      },
      origin,
    )
    if (!offered.ok) throw new Error(JSON.stringify(offered.errors))
    await app().services.offers.decideOffer(
      principalOf(researchLead.id, [{ organisationId: trust, roles: ['employer-research-lead'] }]),
      trust,
      offered.value.id,
      { outcome: 'approve' },
      origin,
    )
    const enrolled = await app().services.learning.enrol(
      principalOf(lead.id, [{ organisationId: exeter, roles: ['programme-lead'] }]),
      exeter,
      { email: learner.email, programmeId: null, startedOn: today, transferring: false },
      origin,
    )
    if (!enrolled.ok) throw new Error(JSON.stringify(enrolled.errors))
    placementId = randomUUID()
    await app().db.database.transaction((tx) =>
      insertPlacement(tx, {
        id: placementId,
        offerId: offered.value.id,
        learnerId: learner.id,
        roundId: null,
        universityId: exeter,
        mentorId: mentor.id,
        acceptedAt: app().clock.now(),
      }),
    )
    learnerBrowser = await app().signIn(learner)
    mentorBrowser = await app().signIn(mentor)
    leadBrowser = await app().signIn(lead)
    supervisorBrowser = await app().signIn(supervisor)
    strangerBrowser = await app().signIn(stranger)
  })

  it('shows a placement to its learner, mentor and programme lead, and 404 to anyone else', async () => {
    const list = await learnerBrowser.page('/placements')
    expect(list.status).toBe(200)
    expect(list.links()).toContainEqual({ text: 'PALbociclib CoLlaborative Adjuvant Study', href: path() })
    expect((await leadBrowser.page('/placements')).links().map((link) => link.href)).toContain(path())
    expect((await strangerBrowser.page('/placements')).mainText).toContain('You have no placements yet')

    for (const browser of [learnerBrowser, mentorBrowser, leadBrowser]) {
      const page = await browser.page(path())
      expect(page.status).toBe(200)
      expect(page.h1).toBe('Placement: PALbociclib CoLlaborative Adjuvant Study')
      expect(page.mainText).toContain('Mina Mentor')
      expect(page.mainText).toContain('Not set up yet')
    }
    expect((await strangerBrowser.get(path())).statusCode).toBe(404)
    expect((await strangerBrowser.get(`/placements/${randomUUID()}`)).statusCode).toBe(404)
    expect((await strangerBrowser.post(`${path()}/comments`, { body: 'Hello' })).statusCode).toBe(404)
    expect((await learnerBrowser.get('/placements/not-an-id')).statusCode).toBe(400)
  })

  it('lets the programme lead set up supervision, filled in from the catalogue, and names each bad field', async () => {
    const learnerPage = await learnerBrowser.page(path())
    expect(learnerPage.root.querySelector(`form[action="${path()}/supervision"]`)).toBeNull()
    expect((await learnerBrowser.post(`${path()}/supervision`, {})).statusCode).toBe(403)

    const filled = await leadBrowser.page(`${path()}?module=exeter-research-practice-experience`)
    expect(filled.root.querySelector('#title')?.getAttribute('value')).toBe('Research Practice Experience')
    expect(filled.root.querySelector('#credits')?.getAttribute('value')).toBe('15')
    // Credits the catalogue does not state are typed, never guessed.
    const unknown = await leadBrowser.page(`${path()}?module=exeter-second-practical-research-experience`)
    expect(unknown.root.querySelector('#credits')?.getAttribute('value') ?? '').toBe('')
    expect(unknown.mainText).toContain('The catalogue does not state the credits')
    const supervisors = filled.root
      .querySelectorAll('#academicSupervisorId option')
      .map((option) => option.text.trim())
    expect(supervisors).toContain('Ada <i>Supervisor</i>')

    const empty = await leadBrowser.post(`${path()}/supervision`, {})
    expect(empty.statusCode).toBe(400)
    const emptyPage = parsePage(empty.body)
    expect(emptyPage.title).toMatch(/^Error: /)
    expect(emptyPage.errorSummary()).toEqual([
      'Select the academic supervisor',
      'Enter the module code',
      'Enter the module title',
      'Enter the credits the module is worth',
    ])
    expect(emptyPage.root.querySelector('#credits-error')?.text).toContain(
      'Enter the credits the module is worth',
    )
    expect(
      await app().count('SELECT count(*) FROM placements WHERE id = $1 AND module_code IS NOT NULL', [
        placementId,
      ]),
    ).toBe(0)

    const saved = await leadBrowser.post(`${path()}/supervision`, {
      academicSupervisorId: supervisor.id,
      code: 'rpe7001',
      title: 'Research Practice Experience',
      credits: '15',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${path()}?done=supervision`)
    const page = await supervisorBrowser.page(path())
    expect(page.status).toBe(200)
    expect(page.mainText).toContain('RPE7001: Research Practice Experience (15 credits)')
    expect(page.mainText).toContain('Ada <i>Supervisor</i>')
    expect(page.root.querySelector('main')!.innerHTML).not.toContain('<i>Supervisor</i>')
  })

  it('lets the learner add logbook entries with evidence, refusing bad input whole', async () => {
    expect((await mentorBrowser.get(`${path()}/logbook/new`)).statusCode).toBe(403)
    expect((await strangerBrowser.get(`${path()}/logbook/new`)).statusCode).toBe(404)
    const form = await learnerBrowser.page(`${path()}/logbook/new`)
    expect(form.status).toBe(200)
    expect(form.mainText).toContain('No patient-identifiable data')
    expect(form.root.querySelectorAll('input[name="activity"]').map((i) => i.getAttribute('value'))).toEqual([
      'consent',
      'data-collection',
    ])

    const bad = await postMultipart(
      learnerBrowser,
      `${path()}/logbook`,
      { ...dateFields('2099-01-01'), hours: '30', activity: 'feasibility', reflection: '' },
      [
        {
          field: 'evidence',
          fileName: 'notes.pdf',
          contentType: 'application/pdf',
          content: sampleFiles.htmlNamedPdf,
        },
      ],
    )
    expect(bad.statusCode).toBe(400)
    expect(parsePage(bad.body).errorSummary()).toEqual([
      'Date must be today or in the past',
      'Hours must be a number from 0.1 to 24, with at most one decimal place',
      'Select the activity from the checklist',
      'Enter your reflection',
      'notes.pdf must be a PDF, PNG or JPEG',
    ])
    const unreadable = await postMultipart(learnerBrowser, `${path()}/logbook`, {
      'entryDate-day': '31',
      'entryDate-month': '2',
      'entryDate-year': '2026',
      hours: '2',
      activity: 'consent',
      reflection: 'Fine',
    })
    expect(parsePage(unreadable.body).errorSummary()).toEqual(['Date must be a real date'])
    const withoutToken = await postMultipart(
      learnerBrowser,
      `${path()}/logbook`,
      { ...dateFields(today), hours: '2', activity: 'consent', reflection: 'Fine' },
      [],
      { csrf: null },
    )
    expect(withoutToken.statusCode).toBe(403)
    expect(await entryCount()).toBe(0)

    await learnerBrowser.get(`${path()}/logbook/new`)
    const added = await postMultipart(
      learnerBrowser,
      `${path()}/logbook`,
      { ...dateFields(today), hours: '3.5', activity: 'consent', reflection: 'Took part in <b>consent</b>.' },
      [
        {
          field: 'evidence',
          fileName: 'consent-log.pdf',
          contentType: 'application/pdf',
          content: sampleFiles.pdf,
        },
      ],
    )
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe(`${path()}?done=entry#logbook`)
    expect(await entryCount()).toBe(1)

    const page = await mentorBrowser.page(path())
    expect(page.mainText).toContain('Took part in <b>consent</b>.')
    expect(page.root.querySelector('main')!.innerHTML).not.toContain('<b>consent</b>')
    expect(page.root.querySelector('#total-hours')?.text).toContain('1 entry, 3.5 hours')
    const link = page.links().find((candidate) => candidate.text === 'consent-log.pdf')
    expect(link?.href).toMatch(new RegExp(`^${path()}/evidence/[0-9a-f-]{36}$`))
    const download = await mentorBrowser.get(link!.href)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(String(download.headers['content-disposition'])).toMatch(/^attachment; filename="consent-log.pdf"/)
    expect((await learnerBrowser.get(link!.href)).statusCode).toBe(200)
    expect((await strangerBrowser.get(link!.href)).statusCode).toBe(404)
  })

  it('lets mentor and supervisor comment, and shows what they wrote as text', async () => {
    expect((await learnerBrowser.post(`${path()}/comments`, { body: 'Me' })).statusCode).toBe(403)
    const empty = await mentorBrowser.post(`${path()}/comments`, { entryId: '', body: ' ' })
    expect(empty.statusCode).toBe(400)
    expect(parsePage(empty.body).errorSummary()).toEqual(['Enter your comment'])
    const posted = await mentorBrowser.post(`${path()}/comments`, {
      entryId: '',
      body: 'Keep going <script>alert(1)</script>',
    })
    expect(posted.statusCode).toBe(303)
    const page = await learnerBrowser.page(path())
    expect(page.mainText).toContain('Keep going <script>alert(1)</script>')
    expect(page.root.querySelector('main')!.innerHTML).not.toContain('<script>alert(1)')
  })

  it('refuses sign-off naming the activities still to log, then records the result once both have signed', async () => {
    const early = await mentorBrowser.post(`${path()}/sign-off`, { role: 'mentor', comment: '' })
    expect(early.statusCode).toBe(400)
    expect(parsePage(early.body).errorSummary()).toEqual([
      'The logbook has no entry yet for: Data collection',
    ])
    expect(
      await app().count('SELECT count(*) FROM placement_sign_offs WHERE placement_id = $1', [placementId]),
    ).toBe(0)
    expect((await learnerBrowser.post(`${path()}/sign-off`, { role: 'mentor' })).statusCode).toBe(403)

    await learnerBrowser.get(`${path()}/logbook/new`)
    const second = await postMultipart(learnerBrowser, `${path()}/logbook`, {
      ...dateFields(today),
      hours: '2',
      activity: 'data-collection',
      reflection: 'Entered visit data in the case report forms.',
    })
    expect(second.statusCode).toBe(303)

    await mentorBrowser.get(path())
    const mentorSigned = await mentorBrowser.post(`${path()}/sign-off`, { role: 'mentor', comment: 'Ready' })
    expect(mentorSigned.headers.location).toBe(`${path()}?done=signed-off`)
    await supervisorBrowser.get(path())
    const supervisorSigned = await supervisorBrowser.post(`${path()}/sign-off`, {
      role: 'academic-supervisor',
      comment: '',
    })
    expect(supervisorSigned.headers.location).toBe(`${path()}?done=completed`)

    const page = await learnerBrowser.page(path())
    expect(page.mainText).toContain('Signed off')
    expect(page.mainText).toContain('Signed off by Mina Mentor')
    expect(page.root.querySelector(`a[href="${path()}/logbook/new"]`)).toBeNull()

    const record = await learnerBrowser.page('/learning')
    expect(record.mainText).toContain('RPE7001')
    const credits = record.root
      .querySelectorAll('.nhsuk-summary-list__row')
      .find((row) => row.querySelector('.nhsuk-summary-list__key')?.text.trim() === 'Credits passed')
    expect(credits?.querySelector('.nhsuk-summary-list__value')?.text.trim()).toBe('15 credits')
  })
})
