import { beforeAll, describe, expect, it } from 'vitest'
import { parsePage, type PageView } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  startAnotherInstance,
  testPassword,
  uniqueEmail,
  type IdentityTestApp,
  type Person,
  type TestBrowser,
} from '../../../test/support/identity.ts'
import { postMultipart, sampleFiles } from '../../../test/support/multipart.ts'
import { testServiceSettings } from '../../../test/support/test-app.ts'
import { createRateLimiter } from '../../platform/http/rate-limit.ts'
import {
  createAccountRepository,
  createAccountService,
  createMembershipRepository,
  createSessionRepository,
  type PersonalDataContributor,
} from '../identity/index.ts'
import { createLearnerPersonalData, erasedText } from './personal-data-service.ts'
import { createLearningRepository } from './learning-repository.ts'

// The learner record's journeys over HTTP, on each engine: enrolling, recording results one at a time and from a
// CSV file, moving university, claiming prior learning with evidence and deciding it under the university's
// cap, and who may see what.

const exeter = 'university-of-exeter'
const kings = 'kings-college-london'
const newcastle = 'newcastle-university'
const exeterName = 'University of Exeter'
const kingsName = "King's College London"
const exeterPgCert = 'exeter-pgcert-leading-clinical-research-delivery'
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

/** The first summary list of the page, key by key. */
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

/**
 * The account service as the composition root builds it, over a test app's database, but with these
 * contributors of personal data: to see what closing an account does when one of them fails.
 */
function createAccountServiceWith(app: IdentityTestApp, ...extra: readonly PersonalDataContributor[]) {
  const db = app.db.database
  return createAccountService({
    db,
    accounts: createAccountRepository(db),
    sessions: app.services.sessions,
    sessionRecords: createSessionRepository(db),
    memberships: createMembershipRepository(db),
    passwords: testServiceSettings().passwordHashing!,
    mailer: app.services.mailer,
    rateLimiter: createRateLimiter(db),
    catalogue: app.services.catalogue,
    publicUrl: 'http://localhost:3000',
    personalData: [createLearnerPersonalData(createLearningRepository(db)), ...extra],
  })
}

/** A name a person may really type, that a page must show as text and never run. */
const trickyName = 'Asha <script>alert("owned")</script> Patel'

describeEachIdentityApp('the learner record', ({ app }) => {
  let exeterLead: Person
  let exeterSupervisor: Person
  let kingsLead: Person
  let newcastleLead: Person
  let admin: Person
  let asha: Person
  let other: Person
  let exeterLeadBrowser: TestBrowser
  let kingsLeadBrowser: TestBrowser
  let ashaBrowser: TestBrowser

  /** A date some days before the test clock's today: as ISO and as the NHS date input's three boxes. */
  function daysAgo(days: number) {
    const iso = new Date(app().clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10)
    const [year, month, day] = iso.split('-') as [string, string, string]
    return { iso, day: String(Number(day)), month: String(Number(month)), year }
  }
  const dateFields = (prefix: string, date: ReturnType<typeof daysAgo>) => ({
    [`${prefix}-day`]: date.day,
    [`${prefix}-month`]: date.month,
    [`${prefix}-year`]: date.year,
  })

  async function enrol(
    browser: TestBrowser,
    university: string,
    email: string,
    options: { transferring?: 'yes' | 'no'; programme?: string; startedDaysAgo?: number } = {},
  ) {
    await browser.get(`/universities/${university}/enrolments/new`)
    return browser.post(`/universities/${university}/enrolments`, {
      email,
      programme: options.programme ?? '',
      ...dateFields('startedOn', daysAgo(options.startedDaysAgo ?? 300)),
      transferring: options.transferring ?? 'no',
    })
  }

  async function recordResult(
    browser: TestBrowser,
    university: string,
    learnerId: string,
    result: { code: string; title: string; kind: string; credits: number; result?: string; daysAgo?: number },
  ) {
    await browser.get(`/universities/${university}/learners/${learnerId}/results/new`)
    const outcome = result.result ?? 'pass'
    return browser.post(`/universities/${university}/learners/${learnerId}/results`, {
      code: result.code,
      title: result.title,
      kind: result.kind,
      credits: String(result.credits),
      level: '7',
      result: outcome,
      ...(outcome === 'in-progress' ? {} : dateFields('completedOn', daysAgo(result.daysAgo ?? 30))),
    })
  }

  const results = (learnerId: string) =>
    app().count('SELECT count(*) FROM module_results WHERE learner_id = $1', [learnerId])

  async function claim(
    browser: TestBrowser,
    fields: Record<string, string>,
    files = [
      {
        field: 'evidence',
        fileName: 'certificate.pdf',
        contentType: 'application/pdf',
        content: sampleFiles.pdf,
      },
    ],
  ) {
    await browser.get('/learning/prior-learning/new')
    return postMultipart(browser, '/learning/prior-learning', fields, files)
  }
  const claimsOf = (learnerId: string) =>
    app().db.database.query<{ id: string; credits_sought: number }>(
      'SELECT id, credits_sought FROM prior_learning_claims WHERE learner_id = $1 ORDER BY created_at, id',
      [learnerId],
    )

  beforeAll(async () => {
    exeterLead = await app().person({
      fullName: 'Ellis Exeter',
      memberships: [{ organisationId: exeter, roles: ['programme-lead'] }],
    })
    exeterSupervisor = await app().person({
      fullName: 'Sol Supervisor',
      memberships: [{ organisationId: exeter, roles: ['academic-supervisor'] }],
    })
    kingsLead = await app().person({
      fullName: 'Kit Kings',
      memberships: [{ organisationId: kings, roles: ['programme-lead'] }],
    })
    newcastleLead = await app().person({
      fullName: 'Nia Newcastle',
      memberships: [{ organisationId: newcastle, roles: ['programme-lead'] }],
    })
    admin = await app().person({
      fullName: 'Ada Admin',
      memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
    })
    asha = await app().person({ fullName: trickyName, email: uniqueEmail('asha', 'nhs.net') })
    other = await app().person({ fullName: 'Owen Other' })
    exeterLeadBrowser = await app().signIn(exeterLead)
    kingsLeadBrowser = await app().signIn(kingsLead)
    ashaBrowser = await app().signIn(asha)
  })

  describe('a learner’s journey from Exeter to King’s', () => {
    it('lets a programme lead at Exeter enrol a learner by email, saying so when there is no account', async () => {
      const form = await exeterLeadBrowser.page(`/universities/${exeter}/enrolments/new`)
      expect(form.status).toBe(200)
      expect(form.h1).toBe('Enrol a learner')
      expect(form.title).toMatch(/^Enrol a learner at University of Exeter – Trellis/)
      const programmes = form.root.querySelectorAll('#programme option').map((o) => o.getAttribute('value'))
      expect(programmes).toContain(exeterPgCert)

      const nobody = uniqueEmail('nobody')
      const refused = await enrol(exeterLeadBrowser, exeter, nobody)
      expect(refused.statusCode).toBe(400)
      const page = parsePage(refused.body)
      expect(page.title).toMatch(/^Error: Enrol a learner/)
      expect(page.errorSummary()).toEqual([
        `There is no Trellis account with the email address ${nobody}. Ask the learner to create an account, then enrol them.`,
      ])
      expect(page.root.querySelector('#email-error')?.text).toContain('There is no Trellis account')
      expect(page.root.querySelector('.nhsuk-error-summary a')?.getAttribute('href')).toBe('#email')

      const empty = parsePage((await exeterLeadBrowser.post(`/universities/${exeter}/enrolments`, {})).body)
      expect(empty.errorSummary()).toEqual([
        "Enter the learner's email address",
        'Enter the date the learner started',
        'Select yes if the learner is moving here from another university',
      ])
      expect(
        empty.root.querySelectorAll('.nhsuk-error-summary a').map((a) => a.getAttribute('href')),
      ).toEqual(['#email', '#startedOn-day', '#transferring'])

      const enrolled = await enrol(exeterLeadBrowser, exeter, asha.email.toUpperCase(), {
        programme: exeterPgCert,
      })
      expect(enrolled.statusCode, enrolled.body).toBe(303)
      expect(enrolled.headers.location).toBe(`/universities/${exeter}/learners/${asha.id}?enrolled=1`)
      const record = await exeterLeadBrowser.page(enrolled.headers.location!)
      expect(record.mainText).toContain('Learner enrolled.')
      expect(record.mainText).toContain('Leading Clinical Research Delivery')
      expect(
        await app().count(
          "SELECT count(*) FROM audit_events WHERE action = 'learning.enrolled' AND subject_id = $1",
          [asha.id],
        ),
      ).toBe(1)

      const twice = await enrol(exeterLeadBrowser, exeter, asha.email)
      expect(twice.statusCode).toBe(400)
      expect(parsePage(twice.body).errorSummary()).toEqual([
        `${trickyName} is already enrolled at ${exeterName}`,
      ])
    })

    it('records four 15-credit level-7 modules at Exeter, and the learner’s record lists 60 credits there', async () => {
      const modules = [
        { code: 'EXE7001', title: 'Integrity and Leadership in Research', kind: 'online' },
        { code: 'EXE7002', title: 'Doing Clinical Research', kind: 'online' },
        { code: 'EXE7003', title: 'Clinical Trials', kind: 'online' },
        { code: 'EXE7004', title: 'Research Practice Experience', kind: 'rpe' },
      ]
      for (const module of modules) {
        const response = await recordResult(exeterLeadBrowser, exeter, asha.id, { ...module, credits: 15 })
        expect(response.statusCode, response.body).toBe(303)
        expect(response.headers.location).toBe(`/universities/${exeter}/learners/${asha.id}?recorded=1`)
      }
      expect(await results(asha.id)).toBe(4)

      const mine = await ashaBrowser.page('/learning')
      expect(mine.status).toBe(200)
      expect(mine.h1).toBe('Your learning record')
      expect(mine.mainText).toContain(`${exeterName}: 60 credits passed`)
      expect(mine.mainText).toContain('Research Practice Experience')
      expect(mine.mainText).toContain('Postgraduate Certificate')

      const api = await ashaBrowser.api('GET', '/api/v1/me/learning-record')
      expect(api.statusCode).toBe(200)
      const body = api.json()
      expect(body.creditsPassedByUniversity).toEqual([
        { university: { id: exeter, name: exeterName }, credits: 60 },
      ])
      expect(body.record.modules).toHaveLength(4)
      expect(body.record.modules.every((m: { provider: string }) => m.provider === exeter)).toBe(true)
      expect(body.record.modules.map((m: { kind: string }) => m.kind)).toEqual([
        'online',
        'online',
        'online',
        'rpe',
      ])
      expect(api.headers['cache-control']).toBe('no-store')

      const cohort = await exeterLeadBrowser.page(`/universities/${exeter}/learners`)
      const row = cohort.root.querySelectorAll('tbody tr').find((tr) => tr.text.includes('Asha'))!
      const cells = row.querySelectorAll('td, th').map((cell) => cell.text.replace(/\s+/g, ' ').trim())
      expect(cells.join(' | ')).toContain('Eligible to progress')
      expect(cells.join(' | ')).toContain('60 credits')
      expect(cells.join(' | ')).toContain('PGCert')
    })

    it('lets an academic supervisor record a result, with the NHS error pattern for a form that is wrong', async () => {
      const supervisor = await app().signIn(exeterSupervisor)
      const form = await supervisor.page(`/universities/${exeter}/learners/${asha.id}/results/new`)
      expect(form.status).toBe(200)
      const empty = await supervisor.post(`/universities/${exeter}/learners/${asha.id}/results`, {})
      expect(empty.statusCode).toBe(400)
      const page = parsePage(empty.body)
      expect(page.title).toMatch(/^Error: Record a module result for /)
      expect(page.errorSummary()).toEqual([
        'Enter the module code',
        'Enter the module title',
        'Select the kind of module',
        'Enter the credits',
        'Select the level',
        'Select the result',
      ])
      expect(page.root.querySelector('#credits-error')?.text.trim()).toBe('Error: Enter the credits')

      const wrong = await supervisor.post(`/universities/${exeter}/learners/${asha.id}/results`, {
        code: 'EXE7005',
        title: 'Statistics',
        kind: 'online',
        credits: '0',
        level: '9',
        result: 'in-progress',
        ...dateFields('completedOn', daysAgo(3)),
      })
      expect(parsePage(wrong.body).errorSummary()).toEqual([
        'Credits must be a whole number from 1 to 180',
        'Level must be a whole number from 3 to 8',
        'Date completed must be empty while the module is in progress',
      ])
      // The values come back as typed.
      expect(parsePage(wrong.body).root.querySelector('#title')?.getAttribute('value')).toBe('Statistics')

      const future = await supervisor.post(`/universities/${exeter}/learners/${asha.id}/results`, {
        code: 'EXE7005',
        title: 'Statistics',
        kind: 'online',
        credits: '15',
        level: '7',
        result: 'pass',
        ...dateFields('completedOn', daysAgo(-5)),
      })
      expect(parsePage(future.body).errorSummary()).toEqual(['Date completed must be today or in the past'])

      const inProgress = await recordResult(supervisor, exeter, asha.id, {
        code: 'exe 7005',
        title: 'Statistics',
        kind: 'online',
        credits: 15,
        result: 'in-progress',
      })
      expect(inProgress.statusCode).toBe(303)
      const [row] = await app().db.database.query<{ code: string; completed_on: string | null }>(
        "SELECT code, completed_on FROM module_results WHERE learner_id = $1 AND title = 'Statistics'",
        [asha.id],
      )
      expect(row).toEqual({ code: 'EXE 7005', completed_on: null })
    })

    it('moves the learner to King’s College London, where every Exeter credit keeps its awarding university', async () => {
      const notTransferring = await enrol(kingsLeadBrowser, kings, asha.email, { startedDaysAgo: 20 })
      expect(notTransferring.statusCode).toBe(400)
      expect(parsePage(notTransferring.body).errorSummary()).toEqual([
        `${trickyName} is enrolled at ${exeterName}. If they are moving here, select yes: their enrolment there ends as a transfer.`,
      ])

      const moved = await enrol(kingsLeadBrowser, kings, asha.email, {
        transferring: 'yes',
        startedDaysAgo: 20,
      })
      expect(moved.statusCode, moved.body).toBe(303)
      expect(moved.headers.location).toBe(`/universities/${kings}/learners/${asha.id}?transferred=1`)
      const [exeterEnrolment] = await app().db.database.query<{
        id: string
        status: string
        ended_on: string
      }>('SELECT id, status, ended_on FROM enrolments WHERE learner_id = $1 AND university_id = $2', [
        asha.id,
        exeter,
      ])
      expect(exeterEnrolment).toMatchObject({ status: 'transferred-out', ended_on: daysAgo(20).iso })
      const [kingsEnrolment] = await app().db.database.query<{ transferred_from: string; status: string }>(
        'SELECT transferred_from, status FROM enrolments WHERE learner_id = $1 AND university_id = $2',
        [asha.id, kings],
      )
      expect(kingsEnrolment).toEqual({ transferred_from: exeterEnrolment!.id, status: 'active' })

      for (const module of [
        { code: 'KCL7RPE2', title: 'Research Practice Experience 2', kind: 'rpe', credits: 30 },
        { code: 'KCL7HE', title: 'Health Economics', kind: 'online', credits: 15 },
        { code: 'KCL7CL', title: 'Clinical Leadership', kind: 'online', credits: 15 },
      ]) {
        const response = await recordResult(kingsLeadBrowser, kings, asha.id, { ...module, daysAgo: 5 })
        expect(response.statusCode, response.body).toBe(303)
      }

      const mine = await ashaBrowser.page('/learning')
      expect(mine.mainText).toContain(`${exeterName}: 60 credits passed`)
      expect(mine.mainText).toContain(`${kingsName}: 60 credits passed`)
      expect(mine.mainText).toContain('Transferred out')
      expect(mine.mainText).toContain(`From ${exeterName}`)

      const body = (await ashaBrowser.api('GET', '/api/v1/me/learning-record')).json()
      const awardedBy = Object.fromEntries(
        body.results.map((r: { code: string; awardingUniversity: { id: string } }) => [
          r.code,
          r.awardingUniversity.id,
        ]),
      )
      expect(awardedBy).toMatchObject({ EXE7001: exeter, EXE7004: exeter, KCL7RPE2: kings, KCL7CL: kings })
      expect(body.enrolments.map((e: { status: string }) => e.status)).toEqual(['transferred-out', 'active'])
      expect(body.assessment).toMatchObject({
        creditsCounted: 120,
        awards: [{ id: 'pgcert' }, { id: 'pgdip' }],
        nextLevel: { creditsToGo: 60 },
      })
      expect(body.assessment.roles).toHaveLength(2)
      // A learner at King's now, and no longer at Exeter.
      expect(
        await app().db.database.query(
          'SELECT organisation_id, roles FROM memberships WHERE user_id = $1 ORDER BY organisation_id',
          [asha.id],
        ),
      ).toEqual([{ organisation_id: kings, roles: ['learner'] }])
      expect(
        await app().count(
          "SELECT count(*) FROM audit_events WHERE action = 'membership.removed' AND subject_id = $1",
          [exeter],
        ),
      ).toBe(1)

      // Exeter's staff still see a learner who was enrolled there; King's sees the PGDip.
      const atExeter = await exeterLeadBrowser.page(`/universities/${exeter}/learners/${asha.id}`)
      expect(atExeter.status).toBe(200)
      expect(atExeter.mainText).toContain('Transferred out here since')
      const kingsCohort = await kingsLeadBrowser.page(`/universities/${kings}/learners`)
      expect(kingsCohort.mainText).toContain('PGCert, PGDip')
      // Results go against the university's own enrolment: Exeter cannot record one at King's.
      expect(
        (await exeterLeadBrowser.post(`/universities/${kings}/learners/${asha.id}/results`, {})).statusCode,
      ).toBe(403)
    })
  })

  describe('what the learner sees', () => {
    let priya: Person
    let priyaBrowser: TestBrowser

    const rolesAt = async (userId: string, organisationId: string) => {
      const [row] = await app().db.database.query<{ roles: string[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2',
        [userId, organisationId],
      )
      return row?.roles ?? null
    }
    /** The month `months` from the test clock's today in the UK, as the timeline names it: "September 2027". */
    const monthAhead = (months: number) => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(app().clock.now())
      const [year, month] = today.split('-').map(Number) as [number, number]
      return new Date(Date.UTC(year, month - 1 + months, 1)).toLocaleString('en-GB', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      })
    }

    beforeAll(async () => {
      priya = await app().person({ fullName: 'Priya Shah' })
      priyaBrowser = await app().signIn(priya)
    })

    it('makes a person enrolled at a university a learner there, keeping any roles they hold, and audits it', async () => {
      expect(await rolesAt(priya.id, exeter)).toBeNull()
      const enrolled = await enrol(exeterLeadBrowser, exeter, priya.email, { programme: exeterPgCert })
      expect(enrolled.statusCode, enrolled.body).toBe(303)
      expect(await rolesAt(priya.id, exeter)).toEqual(['learner'])
      const [granted] = await app().db.database.query<{ actor_user_id: string; details: unknown }>(
        `SELECT actor_user_id, details FROM audit_events
         WHERE action = 'membership.roles-changed' AND subject_id = $1 AND details->>'member' = $2`,
        [exeter, priya.id],
      )
      expect(granted).toEqual({
        actor_user_id: exeterLead.id,
        details: { member: priya.id, from: [], to: ['learner'] },
      })
      const account = await priyaBrowser.page('/account')
      expect(account.mainText).toContain(`${exeterName} Learner`)

      // A supervisor at Exeter who studies there too stays a supervisor.
      const tess = await app().person({
        fullName: 'Tess Turner',
        memberships: [{ organisationId: exeter, roles: ['academic-supervisor'] }],
      })
      expect((await enrol(exeterLeadBrowser, exeter, tess.email)).statusCode).toBe(303)
      expect(await rolesAt(tess.id, exeter)).toEqual(['learner', 'academic-supervisor'])
    })

    it('shows a learner with Exeter’s four 15-credit modules their PGCert, roles, what the PGDip needs, hours and time', async () => {
      for (const module of [
        { code: 'EXE7001', title: 'Integrity and Leadership in Research', kind: 'online' },
        { code: 'EXE7002', title: 'Doing Clinical Research', kind: 'online' },
        { code: 'EXE7003', title: 'Clinical Trials', kind: 'online' },
        { code: 'EXE7004', title: 'Research Practice Experience', kind: 'rpe' },
      ]) {
        const response = await recordResult(exeterLeadBrowser, exeter, priya.id, { ...module, credits: 15 })
        expect(response.statusCode, response.body).toBe(303)
      }
      const page = await priyaBrowser.page('/learning')
      expect(page.status).toBe(200)
      const summary = summaryRows(page)
      expect(summary['Credits counted toward awards']).toBe('60 credits')
      expect(summary['Awards held']).toBe('Postgraduate Certificate')
      expect(summary['Research roles you are ready for']).toContain('Local Co-Investigator')
      expect(summary['Next award']).toMatch(
        /^Postgraduate Diploma: 60 credits to go Eligible to progress It still needs:/,
      )
      const nextAward = page.root
        .querySelectorAll('.nhsuk-summary-list__row')
        .find((row) => clean(row.querySelector('.nhsuk-summary-list__key')!.text) === 'Next award')!
      expect(nextAward.querySelectorAll('li').map((li) => clean(li.text))).toEqual([
        'one Research Practice Experience module and two online modules, 60 credits in all',
        'at least 30 of the new credits at level 7',
      ])
      expect(summary['Learning hours']).toBe(
        '600 hours done, 600 hours to go for the Postgraduate Diploma (1 credit is 10 hours of learning)',
      )

      // The diagram is a picture with a name and a description, and a table beside it says the same.
      const svg = page.root.querySelector('figure svg')!
      expect(svg.getAttribute('role')).toBe('img')
      const title = page.root.querySelector(`#${svg.getAttribute('aria-labelledby')!}`)
      expect(title?.tagName.toLowerCase()).toBe('title')
      expect(clean(title!.text)).toBe('Credits counted toward each award')
      expect(clean(page.root.querySelector(`#${svg.getAttribute('aria-describedby')!}`)!.text)).toContain(
        'Postgraduate Certificate (60 credits): 60 counted, held. Postgraduate Diploma (60 more credits, 120 in all): none counted yet, the next award.',
      )
      expect(svg.querySelectorAll('text').map((text) => clean(text.text))).toEqual(
        expect.arrayContaining(['PGCert', '60 of 60 credits, held', '0 of 60 credits', '180 credits']),
      )
      expect(tableRows(page, 'Credits counted toward each award')).toEqual([
        [
          'Postgraduate Certificate',
          '60 (60 in all)',
          '60',
          'Held',
          expect.stringContaining('Integrity and Leadership in Research (EXE7001), 15 credits'),
        ],
        ['Postgraduate Diploma', '60 (120 in all)', '0', 'Next award', 'Nothing yet'],
        ["Master's degree", '60 (180 in all)', '0', 'Later', 'Nothing yet'],
      ])
      expect(tableRows(page, 'Credits counted, by kind of module')).toEqual([
        ['Online module', '45', '450'],
        ['Research Practice Experience', '15', '150'],
        ['Dissertation', '0', '0'],
        ['All kinds', '60', '600'],
      ])
      expect(tableRows(page, 'Time to each award, studying part time')).toEqual([
        ['Postgraduate Diploma', '60 credits', '600 hours', 'about 10 months', `About ${monthAhead(10)}`],
        ["Master's degree", '60 credits', '600 hours', 'about 10 months', `About ${monthAhead(20)}`],
      ])
      expect(page.root.querySelector('#record-notes')).toBeNull()
    })

    it('keeps the notes on the record in view, and shows the learner’s university staff the same summary', async () => {
      const inProgress = await recordResult(exeterLeadBrowser, exeter, priya.id, {
        code: 'EXE7005',
        title: 'Statistics',
        kind: 'online',
        credits: 15,
        result: 'in-progress',
      })
      expect(inProgress.statusCode).toBe(303)
      const note = `Statistics (EXE7005, ${exeterName}) is still in progress, so its 15 credits do not count yet.`
      const mine = await priyaBrowser.page('/learning')
      expect(mine.root.querySelectorAll('#record-notes li').map((li) => clean(li.text))).toEqual([note])

      const staff = await exeterLeadBrowser.page(`/universities/${exeter}/learners/${priya.id}`)
      expect(staff.status).toBe(200)
      const summary = summaryRows(staff)
      expect(summary['Awards held']).toBe('Postgraduate Certificate')
      expect(summary['Research roles they are ready for']).toContain('Local Co-Investigator')
      expect(summary['Learning hours']).toContain('600 hours done, 600 hours to go')
      expect(staff.root.querySelectorAll('#record-notes li').map((li) => clean(li.text))).toEqual([note])
      expect(staff.root.querySelector('figure svg')?.getAttribute('role')).toBe('img')
      expect(tableRows(staff, 'Credits counted toward each award')[0]!.slice(0, 4)).toEqual([
        'Postgraduate Certificate',
        '60 (60 in all)',
        '60',
        'Held',
      ])
    })

    it('shows someone with nothing yet the whole way ahead', async () => {
      const nobody = await app().signIn(await app().person({ fullName: 'Nia New' }))
      const page = await nobody.page('/learning')
      const summary = summaryRows(page)
      expect(summary['Awards held']).toBe('None yet')
      expect(summary['Research roles you are ready for']).toBe(
        'None yet: the Postgraduate Certificate prepares you for Local Co-Investigator; Local Principal Investigator on less complex studies',
      )
      expect(tableRows(page, 'Time to each award, studying part time').map((row) => row[3])).toEqual([
        'about 10 months',
        'about 10 months',
        'about 10 months',
      ])
    })

    it('links the account page to the learning record, and staff to the learners of their university', async () => {
      const mine = await priyaBrowser.page('/account')
      expect(mine.links()).toContainEqual({ text: 'Your learning record', href: '/learning' })
      expect(mine.links().filter((link) => link.text.startsWith('Learners at'))).toEqual([])
      const lead = await exeterLeadBrowser.page('/account')
      expect(lead.links()).toContainEqual({
        text: `Learners at ${exeterName}`,
        href: `/universities/${exeter}/learners`,
      })
      const supervisor = await (await app().signIn(exeterSupervisor)).page('/account')
      expect(supervisor.links()).toContainEqual({
        text: `Learners at ${exeterName}`,
        href: `/universities/${exeter}/learners`,
      })
      expect((await exeterLeadBrowser.get(`/universities/${exeter}/learners`)).statusCode).toBe(200)
    })
  })

  describe('your data', () => {
    let rhea: Person
    let rheaBrowser: TestBrowser

    beforeAll(async () => {
      rhea = await app().person({ fullName: 'Rhea Rao' })
      rheaBrowser = await app().signIn(rhea)
      expect((await enrol(kingsLeadBrowser, kings, rhea.email)).statusCode).toBe(303)
      expect(
        (
          await recordResult(kingsLeadBrowser, kings, rhea.id, {
            code: 'KCL7RPE2',
            title: 'Research Practice Experience 2',
            kind: 'rpe',
            credits: 30,
          })
        ).statusCode,
      ).toBe(303)
      const decided = await claim(rheaBrowser, {
        university: kings,
        description: 'Rhea’s MSc module in trial design, Leeds 2020',
        creditsSought: '30',
        countsAs: 'online',
      })
      expect(decided.statusCode).toBe(303)
      const [first] = await claimsOf(rhea.id)
      await kingsLeadBrowser.get(`/universities/${kings}/prior-learning/${first!.id}`)
      const partly = await kingsLeadBrowser.post(
        `/universities/${kings}/prior-learning/${first!.id}/decision`,
        {
          outcome: 'partly-approve',
          credits: '15',
          level: '7',
          reason: 'Rhea’s second assignment was not at level 7',
        },
      )
      expect(partly.statusCode, partly.body).toBe(303)
      const pending = await claim(
        rheaBrowser,
        { university: kings, description: 'Rhea’s GCP course', creditsSought: '15', countsAs: 'rpe' },
        [{ field: 'evidence', fileName: 'rhea-gcp.png', contentType: 'image/png', content: sampleFiles.png }],
      )
      expect(pending.statusCode).toBe(303)
    })

    it('includes the learner record in the download: enrolments, results, claims with decisions, files described', async () => {
      const response = await rheaBrowser.get('/account/data')
      expect(response.statusCode).toBe(200)
      const data = response.json()
      expect(data.learningRecord.enrolments).toEqual([
        expect.objectContaining({ university: { id: kings, name: kingsName }, status: 'active' }),
      ])
      expect(data.learningRecord.moduleResults).toEqual([
        expect.objectContaining({
          awardingUniversity: { id: kings, name: kingsName },
          code: 'KCL7RPE2',
          credits: 30,
          result: 'pass',
          importedFromFile: false,
        }),
      ])
      expect(data.learningRecord.priorLearningClaims).toEqual([
        expect.objectContaining({
          description: 'Rhea’s MSc module in trial design, Leeds 2020',
          status: 'partly-approved',
          creditsSought: 30,
          creditsApproved: 15,
          level: 7,
          reason: 'Rhea’s second assignment was not at level 7',
          evidence: [
            {
              id: expect.any(String),
              fileName: 'certificate.pdf',
              mediaType: 'application/pdf',
              sizeBytes: sampleFiles.pdf.byteLength,
              sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
            },
          ],
        }),
        expect.objectContaining({
          description: 'Rhea’s GCP course',
          status: 'pending',
          evidence: [expect.objectContaining({ fileName: 'rhea-gcp.png', mediaType: 'image/png' })],
        }),
      ])
      // What the files are, never what is in them.
      expect(response.body).not.toContain(Buffer.from(sampleFiles.pdf).toString('base64'))
      expect(response.body).not.toMatch(/"content"/)
      expect(data.memberships).toEqual([
        { organisationId: kings, organisationName: kingsName, roles: ['learner'] },
      ])
    })

    it('erases the learner’s own words and files on closing, keeps what the university relies on, in one go', async () => {
      const [decidedClaim] = await claimsOf(rhea.id)
      const evidenceOf = () =>
        app().count(
          `SELECT count(*) FROM prior_learning_evidence e JOIN prior_learning_claims c ON c.id = e.claim_id
           WHERE c.learner_id = $1`,
          [rhea.id],
        )
      const [file] = await app().db.database.query<{ id: string }>(
        'SELECT id FROM prior_learning_evidence WHERE claim_id = $1',
        [decidedClaim!.id],
      )
      expect(await evidenceOf()).toBe(2)

      const closed = await rheaBrowser.post('/account/close', {
        confirm: 'close',
        currentPassword: testPassword,
      })
      expect(closed.statusCode).toBe(303)

      expect(await evidenceOf()).toBe(0)
      const claims = await app().db.database.query<{
        id: string
        description: string
        reason: string
        status: string
        credits_approved: number
      }>(
        'SELECT id, description, reason, status, credits_approved FROM prior_learning_claims WHERE learner_id = $1',
        [rhea.id],
      )
      expect(claims).toEqual([
        {
          id: decidedClaim!.id,
          description: erasedText,
          reason: erasedText,
          status: 'partly-approved',
          credits_approved: 15,
        },
      ])
      expect(await results(rhea.id)).toBe(1)
      // Her enrolment ends as withdrawn, on the day she closed: nobody is left studying at King's.
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(app().clock.now())
      expect(
        await app().db.database.query(
          "SELECT status, to_char(ended_on, 'YYYY-MM-DD') AS ended_on FROM enrolments WHERE learner_id = $1",
          [rhea.id],
        ),
      ).toEqual([{ status: 'withdrawn', ended_on: today }])
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [rhea.id])).toBe(0)
      const [closing] = await app().db.database.query<{ details: unknown }>(
        "SELECT details FROM audit_events WHERE action = 'account.closed' AND actor_user_id = $1",
        [rhea.id],
      )
      expect(closing?.details).toEqual({
        erased: {
          learningRecord: { evidenceFiles: 2, pendingClaims: 1, decidedClaims: 1, withdrawnEnrolments: 1 },
        },
      })

      // King's still has its learner's credit, under no name, and nothing of her words or files.
      const record = await kingsLeadBrowser.page(`/universities/${kings}/learners/${rhea.id}`)
      expect(record.status).toBe(200)
      expect(record.h1).toBe('Closed account')
      expect(record.mainText).toContain(`${kingsName}: 30 credits passed`)
      expect(record.mainText).toContain('Partly approved: 15 credits recognised at level 7')
      expect(record.mainText).toContain(erasedText)
      expect(record.mainText).not.toContain('Rhea')
      expect(
        (
          await kingsLeadBrowser.get(
            `/universities/${kings}/prior-learning/${decidedClaim!.id}/evidence/${file!.id}`,
          )
        ).statusCode,
      ).toBe(404)
      const cohort = await kingsLeadBrowser.page(`/universities/${kings}/learners`)
      expect(cohort.mainText).not.toContain('Rhea')
    })

    it('leaves the record as it was when closing fails part way', async () => {
      const sam = await app().person({ fullName: 'Sam Stone' })
      const samBrowser = await app().signIn(sam)
      expect((await enrol(kingsLeadBrowser, kings, sam.email)).statusCode).toBe(303)
      expect(
        (
          await claim(samBrowser, {
            university: kings,
            description: 'Sam’s audit project',
            creditsSought: '15',
            countsAs: 'rpe',
          })
        ).statusCode,
      ).toBe(303)
      const failing = createAccountServiceWith(app(), {
        section: 'failing',
        export: async () => null,
        erase: async () => {
          throw new Error('the disk is full')
        },
      })
      await expect(
        failing.closeAccount(sam.id, testPassword, { requestId: 'test', ip: '127.0.0.1', userAgent: null }),
      ).rejects.toThrow('the disk is full')
      expect(
        await app().count('SELECT count(*) FROM prior_learning_claims WHERE learner_id = $1', [sam.id]),
      ).toBe(1)
      expect(
        await app().count(
          `SELECT count(*) FROM prior_learning_evidence e JOIN prior_learning_claims c ON c.id = e.claim_id
           WHERE c.learner_id = $1`,
          [sam.id],
        ),
      ).toBe(1)
      expect(
        await app().count('SELECT count(*) FROM users WHERE id = $1 AND closed_at IS NULL', [sam.id]),
      ).toBe(1)
    })
  })

  describe('prior learning', () => {
    let bea: Person
    let beaBrowser: TestBrowser

    beforeAll(async () => {
      bea = await app().person({ fullName: 'Bea Brown' })
      beaBrowser = await app().signIn(bea)
      expect((await enrol(kingsLeadBrowser, kings, bea.email)).statusCode).toBe(303)
    })

    it('takes a claim with a PDF as evidence, and approves it within the cap', async () => {
      const form = await beaBrowser.page('/learning/prior-learning/new')
      expect(form.status).toBe(200)
      expect(
        form.root.querySelector('form[action="/learning/prior-learning"]')?.getAttribute('enctype'),
      ).toBe('multipart/form-data')
      const sent = await claim(beaBrowser, {
        university: kings,
        description: 'MSc module in medical statistics, <b>2019</b>',
        creditsSought: '45',
        countsAs: 'online',
      })
      expect(sent.statusCode, sent.body).toBe(303)
      expect(sent.headers.location).toBe('/learning?claimed=1')
      const [stored] = await app().db.database.query<{
        id: string
        claim_id: string
        media_type: string
        sha256: string
        size_bytes: number
      }>(
        `SELECT e.id, e.claim_id, e.media_type, e.sha256, e.size_bytes FROM prior_learning_evidence e
         JOIN prior_learning_claims c ON c.id = e.claim_id WHERE c.learner_id = $1`,
        [bea.id],
      )
      expect(stored).toMatchObject({ media_type: 'application/pdf', size_bytes: sampleFiles.pdf.byteLength })
      expect(stored!.sha256).toMatch(/^[0-9a-f]{64}$/)

      const mine = await beaBrowser.page('/learning?claimed=1')
      expect(mine.mainText).toContain('Claim sent.')
      expect(mine.mainText).toContain('Waiting for a decision')
      expect(mine.mainText).toContain('MSc module in medical statistics, <b>2019</b>')

      // The learner and the deciding programme lead download it; nobody else does.
      const own = await beaBrowser.get(`/learning/prior-learning/${stored!.claim_id}/evidence/${stored!.id}`)
      expect(own.statusCode).toBe(200)
      expect(own.headers['content-type']).toBe('application/pdf')
      expect(own.headers['content-disposition']).toContain('attachment; filename="certificate.pdf"')
      expect(own.rawPayload.equals(Buffer.from(sampleFiles.pdf))).toBe(true)
      const staffPath = `/universities/${kings}/prior-learning/${stored!.claim_id}/evidence/${stored!.id}`
      expect((await kingsLeadBrowser.get(staffPath)).statusCode).toBe(200)
      expect(
        (
          await (
            await app().signIn(other)
          ).get(`/learning/prior-learning/${stored!.claim_id}/evidence/${stored!.id}`)
        ).statusCode,
      ).toBe(404)
      expect((await exeterLeadBrowser.get(staffPath)).statusCode).toBe(403)
      expect(
        (
          await exeterLeadBrowser.get(
            `/universities/${exeter}/prior-learning/${stored!.claim_id}/evidence/${stored!.id}`,
          )
        ).statusCode,
      ).toBe(404)

      const cohort = await kingsLeadBrowser.page(`/universities/${kings}/learners`)
      expect(cohort.mainText).toContain('Bea Brown: 45 credits as online module')
      expect(cohort.mainText).toContain(
        `${kingsName} recognises at most 60 credits of prior learning for one learner (the Trellis default`,
      )
      const decision = await kingsLeadBrowser.page(
        `/universities/${kings}/prior-learning/${stored!.claim_id}`,
      )
      expect(decision.status).toBe(200)
      expect(decision.h1).toBe('Prior learning claimed by Bea Brown')
      const approved = await kingsLeadBrowser.post(
        `/universities/${kings}/prior-learning/${stored!.claim_id}/decision`,
        { outcome: 'approve', level: '7', reason: '' },
      )
      expect(approved.statusCode, approved.body).toBe(303)
      expect(approved.headers.location).toBe(`/universities/${kings}/learners/${bea.id}?decided=1`)
      const record = (await beaBrowser.api('GET', '/api/v1/me/learning-record')).json()
      expect(record.priorLearning[0]).toMatchObject({ status: 'approved', creditsApproved: 45, level: 7 })
      expect(record.record.priorLearning).toEqual([
        { credits: 45, countsAs: 'online', status: 'approved', provider: kings, level: 7 },
      ])
    })

    it('refuses an approval above the cap, stating the cap, and takes a partial one within it', async () => {
      expect(
        (
          await claim(beaBrowser, {
            university: kings,
            description: 'Work-based research',
            creditsSought: '30',
            countsAs: 'rpe',
          })
        ).statusCode,
      ).toBe(303)
      const second = (await claimsOf(bea.id)).find((c) => c.credits_sought === 30)!
      const path = `/universities/${kings}/prior-learning/${second.id}/decision`
      const refused = await kingsLeadBrowser.post(path, { outcome: 'approve', level: '7', reason: '' })
      expect(refused.statusCode).toBe(400)
      const page = parsePage(refused.body)
      expect(page.title).toMatch(/^Error: /)
      expect(page.errorSummary()).toEqual([
        `${kingsName} recognises at most 60 credits of prior learning for one learner. 45 credits are already recognised for this learner there, so you can approve at most 15 more.`,
      ])
      const [pending] = await app().db.database.query<{ status: string }>(
        'SELECT status FROM prior_learning_claims WHERE id = $1',
        [second.id],
      )
      expect(pending?.status).toBe('pending')

      const noReason = await kingsLeadBrowser.post(path, {
        outcome: 'partly-approve',
        credits: '15',
        level: '7',
      })
      expect(parsePage(noReason.body).errorSummary()).toEqual([
        'Enter the reason for approving only some of the credits',
      ])
      const partly = await kingsLeadBrowser.post(path, {
        outcome: 'partly-approve',
        credits: '15',
        level: '7',
        reason: 'Only the first project maps to RPE 2',
      })
      expect(partly.statusCode, partly.body).toBe(303)
      const mine = await beaBrowser.page('/learning')
      expect(mine.mainText).toContain('Partly approved: 15 credits recognised at level 7')
      expect(mine.mainText).toContain('Reason: Only the first project maps to RPE 2')
      expect((await kingsLeadBrowser.post(path, { outcome: 'reject', reason: 'again' })).statusCode).toBe(400)
    })

    it('refuses a file that is not a PDF, PNG or JPEG whatever its name, one too large, and one without the form’s token', async () => {
      const before = (await claimsOf(bea.id)).length
      const fields = {
        university: kings,
        description: 'Short course',
        creditsSought: '15',
        countsAs: 'online',
      }
      const disguised = await claim(beaBrowser, fields, [
        {
          field: 'evidence',
          fileName: 'evidence.pdf',
          contentType: 'application/pdf',
          content: sampleFiles.htmlNamedPdf,
        },
      ])
      expect(disguised.statusCode).toBe(400)
      expect(parsePage(disguised.body).errorSummary()).toEqual(['evidence.pdf must be a PDF, PNG or JPEG'])
      expect(parsePage(disguised.body).root.querySelector('#description')?.text).toBe('Short course')

      const large = new Uint8Array(5 * 1024 * 1024 + 10)
      large.set(sampleFiles.png)
      const tooLarge = await claim(beaBrowser, fields, [
        { field: 'evidence', fileName: 'scan.png', contentType: 'image/png', content: large },
      ])
      expect(tooLarge.statusCode).toBe(400)
      expect(parsePage(tooLarge.body).errorSummary()).toEqual(['scan.png must be smaller than 5 MB'])

      const none = await claim(beaBrowser, fields, [])
      expect(parsePage(none.body).errorSummary()).toEqual(['Choose at least one file of evidence'])

      const withoutToken = await postMultipart(
        beaBrowser,
        '/learning/prior-learning',
        fields,
        [{ field: 'evidence', fileName: 'photo.jpg', contentType: 'image/jpeg', content: sampleFiles.jpeg }],
        { csrf: null },
      )
      expect(withoutToken.statusCode).toBe(403)
      expect(parsePage(withoutToken.body).h1).toBe('This form has expired')
      expect((await claimsOf(bea.id)).length).toBe(before)

      // A JPEG and a PNG together are taken.
      const two = await claim(beaBrowser, fields, [
        { field: 'evidence', fileName: 'photo.jpg', contentType: 'image/jpeg', content: sampleFiles.jpeg },
        {
          field: 'evidence',
          fileName: 'scan',
          contentType: 'application/octet-stream',
          content: sampleFiles.png,
        },
      ])
      expect(two.statusCode, two.body).toBe(303)
      const types = await app().db.database.query<{ media_type: string }>(
        `SELECT e.media_type FROM prior_learning_evidence e JOIN prior_learning_claims c ON c.id = e.claim_id
         WHERE c.learner_id = $1 AND c.credits_sought = 15 ORDER BY e.position`,
        [bea.id],
      )
      expect(types.map((t) => t.media_type)).toEqual(['image/jpeg', 'image/png'])
    })

    it('does not take a claim for a university the learner is not enrolled at', async () => {
      const response = await claim(beaBrowser, {
        university: exeter,
        description: 'Anything',
        creditsSought: '15',
        countsAs: 'online',
      })
      expect(response.statusCode).toBe(400)
      expect(parsePage(response.body).errorSummary()).toEqual(['Select a university where you are enrolled'])
    })

    it('lets only the programme lead set the cap, which then applies', async () => {
      const supervisor = await app().signIn(exeterSupervisor)
      expect((await supervisor.get(`/universities/${exeter}/prior-learning-cap`)).statusCode).toBe(403)
      const adminBrowser = await app().signIn(admin)
      expect(
        (await adminBrowser.post(`/universities/${kings}/prior-learning-cap`, { cap: '90' })).statusCode,
      ).toBe(403)
      const form = await kingsLeadBrowser.page(`/universities/${kings}/prior-learning-cap`)
      expect(form.mainText).toContain('the Trellis default')
      const wrong = await kingsLeadBrowser.post(`/universities/${kings}/prior-learning-cap`, { cap: 'lots' })
      expect(wrong.statusCode).toBe(400)
      expect(parsePage(wrong.body).errorSummary()).toEqual(['The limit must be a whole number from 0 to 180'])
      const saved = await kingsLeadBrowser.post(`/universities/${kings}/prior-learning-cap`, { cap: '75' })
      expect(saved.statusCode).toBe(303)
      const cohort = await kingsLeadBrowser.page(saved.headers.location!)
      expect(cohort.mainText).toContain('Limit on prior learning saved.')
      expect(cohort.mainText).toContain(
        `${kingsName} recognises at most 75 credits of prior learning for one learner.`,
      )

      // Bea has 60 recognised: of her 15-credit claim, all 15 fit under 75.
      const pending = (await claimsOf(bea.id)).find((c) => c.credits_sought === 15)!
      const approved = await kingsLeadBrowser.post(
        `/universities/${kings}/prior-learning/${pending.id}/decision`,
        {
          outcome: 'approve',
          level: '7',
        },
      )
      expect(approved.statusCode, approved.body).toBe(303)
      expect(
        await app().count(
          "SELECT count(*) FROM audit_events WHERE action = 'learning.rpl-cap-set' AND subject_id = $1",
          [kings],
        ),
      ).toBe(1)
    })

    it('lets two approvals made at the same moment take no more than the cap between them', async () => {
      const carl = await app().person({ fullName: 'Carl Concurrent' })
      const carlBrowser = await app().signIn(carl)
      expect((await enrol(kingsLeadBrowser, kings, carl.email)).statusCode).toBe(303)
      for (const credits of ['45', '45']) {
        const sent = await claim(carlBrowser, {
          university: kings,
          description: 'Module',
          creditsSought: credits,
          countsAs: 'online',
        })
        expect(sent.statusCode).toBe(303)
      }
      const [first, second] = await claimsOf(carl.id)
      const other = await app().signIn(kingsLead)
      const answers = await Promise.all(
        [
          [kingsLeadBrowser, first!.id],
          [other, second!.id],
        ].map(async ([browser, id]) => {
          const b = browser as TestBrowser
          await b.get(`/universities/${kings}/prior-learning/${id as string}`)
          return b.post(`/universities/${kings}/prior-learning/${id as string}/decision`, {
            outcome: 'approve',
            level: '7',
          })
        }),
      )
      expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 400])
      const [sum] = await app().db.database.query<{ total: number }>(
        'SELECT coalesce(sum(credits_approved), 0)::int AS total FROM prior_learning_claims WHERE learner_id = $1',
        [carl.id],
      )
      expect(sum?.total).toBe(45)
    })
  })

  describe('importing results from a CSV file', () => {
    let dan: Person
    let eve: Person

    beforeAll(async () => {
      dan = await app().person({ fullName: 'Dan Dawson' })
      eve = await app().person({ fullName: 'Eve Evans' })
      for (const person of [dan, eve])
        expect((await enrol(exeterLeadBrowser, exeter, person.email)).statusCode).toBe(303)
    })

    it('reports every bad row with its line, column and reason, and imports nothing', async () => {
      const before = await app().count('SELECT count(*) FROM module_results')
      const unknown = uniqueEmail('unknown')
      const csv = [
        'email,code,title,kind,credits,level,result,completed_on',
        `${dan.email},EXE7001,Integrity,online,15,7,pass,${daysAgo(10).iso}`,
        `${dan.email},EXE7002,Doing Clinical Research,online,fifteen,7,pass,${daysAgo(10).iso}`,
        `${unknown},EXE7001,Integrity,online,15,7,pass,${daysAgo(10).iso}`,
        `${eve.email},EXE7003,Trials,taught,15,9,pass,31/02/2025`,
        `${other.email},EXE7001,Integrity,online,15,7,pass,${daysAgo(10).iso}`,
      ].join('\n')
      const page = await exeterLeadBrowser.page(`/universities/${exeter}/results/import`)
      expect(page.status).toBe(200)
      const response = await exeterLeadBrowser.post(`/universities/${exeter}/results/import`, { csv })
      expect(response.statusCode).toBe(400)
      const shown = parsePage(response.body)
      expect(shown.title).toMatch(/^Error: Import results/)
      expect(shown.errorSummary()).toEqual([
        'The results have 6 problems. Nothing was imported: correct them and check the results again.',
      ])
      expect(shown.root.querySelectorAll('#problems li').map((li) => li.text)).toEqual([
        'line 3, column credits: must be a whole number from 1 to 180',
        `line 4, column email: no Trellis account has the email address ${unknown}`,
        'line 5, column kind: must be online, rpe or dissertation',
        'line 5, column level: must be a whole number from 3 to 8',
        'line 5, column completed_on: must be a real date, like 2025-03-14 or 14/03/2025',
        `line 6, column email: Owen Other is not enrolled at ${exeterName}`,
      ])
      expect(await app().count('SELECT count(*) FROM module_results')).toBe(before)
      expect(await app().count('SELECT count(*) FROM result_import_batches')).toBe(0)

      const missing = await exeterLeadBrowser.post(`/universities/${exeter}/results/import`, {
        csv: 'learner,code,title\nx,y,z',
      })
      expect(
        parsePage(missing.body)
          .root.querySelectorAll('#problems li')
          .map((li) => li.text),
      ).toEqual([
        'line 1: the column kind is missing',
        'line 1: the column credits is missing',
        'line 1: the column level is missing',
        'line 1: the column result is missing',
        'line 1: the column completed_on is missing',
      ])
      const nothing = await exeterLeadBrowser.post(`/universities/${exeter}/results/import`, { csv: '' })
      expect(parsePage(nothing.body).errorSummary()).toEqual(['Choose a CSV file, or paste the results'])
    })

    it('shows a preview of a valid file, imports it on a second request to another instance, and only once', async () => {
      const csv = [
        'Learner ID,Module Code,Title,Kind,Credits,Level,Result,Completed On',
        `${dan.id},EXE7001,Integrity and Leadership,online,15,7,pass,${daysAgo(12).iso}`,
        `${eve.id},EXE7004,Research Practice Experience,RPE,15,7,Fail,${daysAgo(12).iso}`,
        `${eve.id},EXE7002,"Doing Clinical Research, part 1",online,15,7,in progress,`,
      ].join('\r\n')
      await exeterLeadBrowser.get(`/universities/${exeter}/results/import`)
      const uploaded = await postMultipart(
        exeterLeadBrowser,
        `/universities/${exeter}/results/import`,
        { csv: '' },
        [
          {
            field: 'csvFile',
            fileName: 'term-2.csv',
            contentType: 'text/csv',
            content: new TextEncoder().encode(csv),
          },
        ],
      )
      expect(uploaded.statusCode, uploaded.body).toBe(303)
      const previewPath = uploaded.headers.location!
      expect(previewPath).toMatch(new RegExp(`^/universities/${exeter}/results/imports/[0-9a-f-]{36}$`))
      const preview = await exeterLeadBrowser.page(previewPath)
      expect(preview.h1).toBe('Check the results before importing them')
      expect(preview.mainText).toContain('3 results for 2 learners from term-2.csv')
      expect(preview.mainText).toContain('Doing Clinical Research, part 1')
      expect(await results(dan.id)).toBe(0)

      // Someone else at Exeter cannot see or confirm another person's preview.
      const supervisor = await app().signIn(exeterSupervisor)
      expect((await supervisor.get(previewPath)).statusCode).toBe(404)

      const second = await startAnotherInstance(app())
      try {
        const sameBrowser = exeterLeadBrowser.via(second.app)
        const confirmed = await sameBrowser.post(`${previewPath}/confirm`)
        expect(confirmed.statusCode, confirmed.body).toBe(303)
        expect(confirmed.headers.location).toBe(`/universities/${exeter}/learners?imported=3`)
        expect((await sameBrowser.page(confirmed.headers.location!)).mainText).toContain(
          '3 results imported.',
        )
      } finally {
        await second.close()
      }
      expect(await results(dan.id)).toBe(1)
      expect(await results(eve.id)).toBe(2)
      const again = await exeterLeadBrowser.post(`${previewPath}/confirm`)
      expect(again.statusCode).toBe(400)
      expect(parsePage(again.body).errorSummary()).toEqual(['These results have already been imported'])
      expect(await results(dan.id)).toBe(1)
      expect(
        await app().count(
          "SELECT count(*) FROM audit_events WHERE action = 'learning.results-imported' AND subject_id = $1",
          [exeter],
        ),
      ).toBe(1)
    })

    it('keeps every attempt: a retake is a new result, and the pass is the one that stands', async () => {
      const failed = await recordResult(exeterLeadBrowser, exeter, eve.id, {
        code: 'EXE7004',
        title: 'Research Practice Experience',
        kind: 'rpe',
        credits: 15,
        daysAgo: 2,
      })
      expect(failed.statusCode).toBe(303)
      const body = (await (await app().signIn(eve)).api('GET', '/api/v1/me/learning-record')).json()
      const attempts = body.results.filter((r: { code: string }) => r.code === 'EXE7004')
      expect(attempts.map((r: { result: string; standing: boolean }) => [r.result, r.standing])).toEqual([
        ['fail', false],
        ['pass', true],
      ])
      const page = await exeterLeadBrowser.page(`/universities/${exeter}/learners/${eve.id}`)
      expect(page.mainText).toContain('Failed (an earlier attempt)')
    })
  })

  describe('the cohort', () => {
    it('ends an enrolment, saying what is wrong with the form, and marks a learner with nothing for 6 months as stalled', async () => {
      const fay = await app().person({ fullName: 'Fay Finch' })
      expect((await enrol(exeterLeadBrowser, exeter, fay.email, { startedDaysAgo: 400 })).statusCode).toBe(
        303,
      )
      const cohort = await exeterLeadBrowser.page(`/universities/${exeter}/learners`)
      const row = () => cohort.root.querySelectorAll('tbody tr').find((tr) => tr.text.includes('Fay Finch'))!
      expect(row().text.replace(/\s+/g, ' ')).toContain('Stalled')

      const [enrolment] = await app().db.database.query<{ id: string }>(
        'SELECT id FROM enrolments WHERE learner_id = $1',
        [fay.id],
      )
      const path = `/universities/${exeter}/enrolments/${enrolment!.id}/end`
      await exeterLeadBrowser.get(`/universities/${exeter}/learners/${fay.id}`)
      const wrong = await exeterLeadBrowser.post(path, { 'endedOn-day': '3' })
      expect(wrong.statusCode).toBe(400)
      const page = parsePage(wrong.body)
      expect(page.h1).toBe('Fay Finch')
      expect(page.errorSummary()).toEqual([
        'Select how the enrolment ended',
        'End date must include a month and year',
      ])
      expect(page.root.querySelectorAll('.nhsuk-error-summary a').map((a) => a.getAttribute('href'))).toEqual(
        ['#status', '#endedOn-month'],
      )
      const ended = await exeterLeadBrowser.post(path, {
        status: 'withdrawn',
        ...dateFields('endedOn', daysAgo(1)),
      })
      expect(ended.statusCode, ended.body).toBe(303)
      expect((await exeterLeadBrowser.page(ended.headers.location!)).mainText).toContain('Enrolment ended.')
      // No longer a learner there: the members list and their account say so.
      expect(
        await app().count('SELECT count(*) FROM memberships WHERE user_id = $1 AND organisation_id = $2', [
          fay.id,
          exeter,
        ]),
      ).toBe(0)
      const after = await exeterLeadBrowser.page(`/universities/${exeter}/learners`)
      expect(
        after.root
          .querySelectorAll('tbody tr')
          .find((tr) => tr.text.includes('Fay Finch'))!
          .text.replace(/\s+/g, ' '),
      ).toContain('Withdrawn')
      expect(
        (await exeterLeadBrowser.post(path, { status: 'completed', ...dateFields('endedOn', daysAgo(1)) }))
          .statusCode,
      ).toBe(400)
      // An academic supervisor records results but does not end enrolments.
      const supervisor = await app().signIn(exeterSupervisor)
      expect((await supervisor.post(path, { status: 'completed' })).statusCode).toBe(403)
    })

    it('says there is no such university for an organisation that is not one', async () => {
      const adminBrowser = await app().signIn(admin)
      expect((await adminBrowser.get('/universities/RTD/learners')).statusCode).toBe(404)
      expect((await adminBrowser.get(`/universities/${newcastle}/learners`)).statusCode).toBe(200)
    })
  })

  describe('who may see what', () => {
    it('refuses a lead of another university and another learner (403)', async () => {
      const newcastleBrowser = await app().signIn(newcastleLead)
      expect((await kingsLeadBrowser.get(`/universities/${exeter}/learners`)).statusCode).toBe(403)
      expect((await kingsLeadBrowser.get(`/universities/${exeter}/learners/${asha.id}`)).statusCode).toBe(403)
      const otherBrowser = await app().signIn(other)
      expect((await otherBrowser.get(`/universities/${exeter}/learners`)).statusCode).toBe(403)
      expect((await otherBrowser.api('GET', `/api/v1/learners/${asha.id}/record`)).statusCode).toBe(403)
      expect((await newcastleBrowser.api('GET', `/api/v1/learners/${asha.id}/record`)).statusCode).toBe(403)
      // Newcastle's lead has no learner Asha: the page says so without saying where she is.
      expect((await newcastleBrowser.get(`/universities/${newcastle}/learners/${asha.id}`)).statusCode).toBe(
        404,
      )
    })

    it('answers the API as the owner, staff where the learner is or was, and framework admins; 404 only to admins', async () => {
      const path = `/api/v1/learners/${asha.id}/record`
      expect((await ashaBrowser.api('GET', path)).statusCode).toBe(200)
      const supervisor = await app().signIn(exeterSupervisor)
      const asStaff = await supervisor.api('GET', path)
      expect(asStaff.statusCode).toBe(200)
      expect(asStaff.json().learner).toEqual({ id: asha.id, fullName: trickyName })
      expect((await kingsLeadBrowser.api('GET', path)).statusCode).toBe(200)
      const adminBrowser = await app().signIn(admin)
      expect((await adminBrowser.api('GET', path)).statusCode).toBe(200)

      const unknown = '00000000-0000-4000-8000-000000000000'
      expect((await adminBrowser.api('GET', `/api/v1/learners/${unknown}/record`)).statusCode).toBe(404)
      const hidden = await kingsLeadBrowser.api('GET', `/api/v1/learners/${unknown}/record`)
      expect(hidden.statusCode).toBe(403)
      expect(hidden.headers['content-type']).toContain('application/problem+json')

      const bad = await ashaBrowser.api('GET', '/api/v1/learners/not-an-id/record')
      expect(bad.statusCode).toBe(400)
      expect(bad.json()['invalid-params']).toEqual([
        { name: 'learnerId', reason: 'must be the id of a learner' },
      ])
      expect((await app().browser().api('GET', path)).statusCode).toBe(401)
    })

    it('shows names as text everywhere, never as markup', async () => {
      const pages = [
        await exeterLeadBrowser.get(`/universities/${exeter}/learners`),
        await exeterLeadBrowser.get(`/universities/${exeter}/learners/${asha.id}`),
        await exeterLeadBrowser.get(`/universities/${exeter}/learners/${asha.id}/results/new`),
        await ashaBrowser.get('/learning'),
      ]
      for (const response of pages) {
        expect(response.statusCode).toBe(200)
        expect(response.body).not.toContain('<script>alert("owned")')
        expect(response.body).toContain('Asha &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; Patel')
      }
      const bea = await app().db.database.query<{ id: string }>(
        "SELECT learner_id AS id FROM prior_learning_claims WHERE description LIKE 'MSc module%'",
      )
      const record = await kingsLeadBrowser.get(`/universities/${kings}/learners/${bea[0]!.id}`)
      expect(record.body).toContain('MSc module in medical statistics, &lt;b&gt;2019&lt;/b&gt;')
    })
  })
  describe('a preview left too long', () => {
    it('cannot be imported after 24 hours', async () => {
      const gus = await app().person({ fullName: 'Gus Grey' })
      expect((await enrol(exeterLeadBrowser, exeter, gus.email)).statusCode).toBe(303)
      const csv = `email,code,title,kind,credits,level,result,completed_on\n${gus.email},EXE7001,Integrity,online,15,7,in-progress,`
      await exeterLeadBrowser.get(`/universities/${exeter}/results/import`)
      const uploaded = await exeterLeadBrowser.post(`/universities/${exeter}/results/import`, { csv })
      expect(uploaded.statusCode).toBe(303)
      app().clock.advanceMinutes(24 * 60 + 1)
      const lead = await app().signIn(exeterLead)
      const preview = await lead.page(uploaded.headers.location!)
      expect(preview.mainText).toContain('This preview has expired')
      const late = await lead.post(`${uploaded.headers.location!}/confirm`)
      expect(late.statusCode).toBe(400)
      expect(parsePage(late.body).errorSummary()).toEqual([
        'This preview is more than 24 hours old. Upload the file again.',
      ])
      expect(await results(gus.id)).toBe(0)
    })
  })
})
