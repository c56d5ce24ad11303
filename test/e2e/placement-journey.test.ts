import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ukToday } from '../../src/modules/learning/index.ts'
import { createPerson, type Person } from '../support/identity.ts'
import { sampleFiles } from '../support/multipart.ts'
import { pallasFile, principalOf, tocaFile } from '../support/study-fixtures.ts'
import { testEngines } from '../support/test-database.ts'
import {
  checkAccessibility,
  checkAccessibilityWithoutJavaScript,
  collectPageErrors,
  signedInPage as signInAs,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import { LearningRecordPage } from './pages/learning-record-page.ts'
import { answerTo, verifyHeading } from './pages/trellis-page.ts'

// Research Practice Experience from end to end in Chromium, as each person would do it: the trust's research
// lead uploads the registry records and sees PALLAS's UK sites matched to NHS trusts; a mentor there offers
// places and the research lead approves them; a learner ranks the offer; a framework admin runs a round, checks
// its figures and publishes it; the learner accepts without JavaScript, and a second learner takes the other
// place in clearing; the programme lead sets up supervision; the learner logs every listed activity with
// evidence; mentor and academic supervisor sign off; and the learner finds the Research Practice Experience
// credits counted in their learning record. axe checks the pages of each step.

const journeyTimeout = { timeout: 180_000 }
const exeter = 'university-of-exeter'
const pallas = 'PALbociclib CoLlaborative Adjuvant Study'
const placementTitle = `Placement: ${pallas}`

for (const engine of testEngines()) {
  describe(`Research Practice Experience from end to end [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness
    let researchLead: Person
    let mentor: Person
    let learner: Person
    let lateLearner: Person
    let programmeLead: Person
    let supervisor: Person
    let admin: Person
    let files: string
    let trust: string

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      const database = harness.testApp.db.database
      files = await mkdtemp(join(tmpdir(), 'trellis-placement-'))
      // A UK site of PALLAS that Trellis matches to its trust by name: The Christie, Manchester (RBV).
      trust = 'RBV'
      const person = (fullName: string, organisationId: string, role: string) =>
        createPerson(database, { fullName, memberships: [{ organisationId, roles: [role] }] })
      researchLead = await person('Rita Lead', trust, 'employer-research-lead')
      mentor = await person('Mina Mentor', trust, 'mentor')
      programmeLead = await person('Pat Lead', exeter, 'programme-lead')
      supervisor = await person('Ada Supervisor', exeter, 'academic-supervisor')
      admin = await person('Fran Admin', 'framework-team', 'framework-admin')
      learner = await person('Lee Learner', exeter, 'learner')
      lateLearner = await person('Kim Late', exeter, 'learner')
      // Both learners are at Exeter (enrolling is the learner record journey's).
      for (const { email } of [learner, lateLearner]) {
        const enrolled = await harness.testApp.services.learning.enrol(
          principalOf(programmeLead.id, [{ organisationId: exeter, roles: ['programme-lead'] }]),
          exeter,
          { email, programmeId: null, startedOn: ukToday(new Date()), transferring: false },
          { requestId: null, ip: null },
        )
        if (!enrolled.ok) throw new Error(JSON.stringify(enrolled.errors))
      }
    })

    afterAll(async () => {
      await harness?.close()
    })

    const signedInPage = (person: Person, options: { javaScriptEnabled?: boolean } = {}) =>
      signInAs(harness, person, options)

    const press = (page: Page, name: string) =>
      answerTo(page, () => page.getByRole('button', { name, exact: true }).click())
    const mainText = (page: Page) => page.locator('main').innerText()

    it('takes a learner from imported studies to signed-off credit', async () => {
      // The research lead imports the studies and sees the UK sites matched to trusts.
      const lead = await signedInPage(researchLead)
      const errors = collectPageErrors(lead)
      await lead.goto('/studies/upload')
      await verifyHeading(lead, 'Upload study records')
      await lead.locator('input[type=file][name=studyFiles]').setInputFiles([pallasFile, tocaFile])
      await press(lead, 'Upload and import')
      expect(await mainText(lead)).toContain('2 studies imported.')
      await checkAccessibility(lead, 'studies, imported')
      await lead.getByRole('link', { name: pallas }).first().click()
      await verifyHeading(lead, pallas)
      const sites = lead.getByRole('table', { name: /Sites in the UK/ })
      const christie = sites.getByRole('row').filter({ hasText: 'Manchester' })
      expect(await christie.innerText()).toContain('The Christie NHS Foundation Trust')
      const sheffield = sites.getByRole('row').filter({ hasText: 'Weston Park Hospital' })
      expect(await sheffield.innerText()).toContain('Sheffield Teaching Hospitals NHS Foundation Trust')
      await checkAccessibility(lead, 'study with its UK sites')

      // The mentor offers two places at their trust.
      const mentorPage = await signedInPage(mentor)
      await mentorPage.goto(`/organisations/${trust}/placement-offers/new`)
      await verifyHeading(mentorPage, 'Offer places')
      const year = String(new Date().getUTCFullYear() + 1)
      await mentorPage.getByLabel('Study and site').selectOption({ index: 1 })
      await mentorPage.getByLabel('Number of places').fill('2')
      await mentorPage.getByLabel('Specialty').fill('Oncology')
      await mentorPage.getByLabel('Complex', { exact: true }).check()
      await mentorPage.getByLabel('Informed consent').check()
      await mentorPage.getByLabel('Data collection').check()
      await mentorPage.getByLabel('Hours a week').fill('7.5')
      const startFrom = mentorPage.getByRole('group', { name: 'Earliest start date' })
      await startFrom.getByLabel('Day').fill('1')
      await startFrom.getByLabel('Month').fill('3')
      await startFrom.getByLabel('Year').fill(year)
      const startBy = mentorPage.getByRole('group', { name: 'Latest start date' })
      await startBy.getByLabel('Day').fill('31')
      await startBy.getByLabel('Month').fill('5')
      await startBy.getByLabel('Year').fill(year)
      await press(mentorPage, 'Send the offer for approval')
      expect(await mainText(mentorPage)).toContain('Offer sent.')

      // The research lead approves it.
      await lead.goto(`/organisations/${trust}/placement-offers`)
      await lead.getByRole('link', { name: pallas }).click()
      await lead.getByLabel('Approve the offer').check()
      await press(lead, 'Record the decision')
      expect(await mainText(lead)).toContain('Offer approved.')
      expect(errors).toEqual([])

      // The learner ranks it, from the header's link.
      const learnerPage = await signedInPage(learner)
      await learnerPage.goto('/')
      await learnerPage
        .getByRole('navigation', { name: 'Your account' })
        .getByRole('link', { name: 'Research placements' })
        .click()
      await verifyHeading(learnerPage, 'Placements')
      await learnerPage.getByRole('link', { name: 'Your placement choices' }).click()
      await verifyHeading(learnerPage, 'Your placement choices')
      await learnerPage.getByLabel(`Your rank for ${pallas}`).selectOption('1')
      await press(learnerPage, 'Save your choices')
      expect(await mainText(learnerPage)).toContain('Your placement choices are saved.')
      await checkAccessibility(learnerPage, 'choices, saved')

      // The framework admin runs a round, checks its figures and publishes it.
      const adminPage = await signedInPage(admin)
      await adminPage.goto('/placement-rounds')
      await verifyHeading(adminPage, 'Match rounds')
      await adminPage.getByLabel('Name of the round').fill('Spring 2027')
      await press(adminPage, 'Run the round')
      await verifyHeading(adminPage, 'Match round: Spring 2027')
      expect(await mainText(adminPage)).toMatch(/Matched\s+1/)
      await checkAccessibility(adminPage, 'round, draft')
      const [acceptYear, acceptMonth, acceptDay] = ukToday(new Date(Date.now() + 14 * 86_400_000)).split('-')
      const acceptBy = adminPage.getByRole('group', { name: 'Date to accept by' })
      await acceptBy.getByLabel('Day').fill(String(Number(acceptDay)))
      await acceptBy.getByLabel('Month').fill(String(Number(acceptMonth)))
      await acceptBy.getByLabel('Year').fill(acceptYear!)
      await press(adminPage, 'Publish')
      expect(await mainText(adminPage)).toContain('Round published.')
      await checkAccessibility(adminPage, 'round, published')

      // The learner accepts, without JavaScript.
      const plain = await signedInPage(learner, { javaScriptEnabled: false })
      const checkPlain = (label: string) =>
        checkAccessibilityWithoutJavaScript(plain, `${label} (no JavaScript)`)
      await plain.goto('/placement-choices')
      expect(await mainText(plain)).toContain('You were matched in Spring 2027')
      await checkPlain('choices, matched')
      await press(plain, 'Accept this placement')
      expect(await mainText(plain)).toContain('You have accepted your placement.')
      await checkPlain('choices, accepted')
      await plain.getByRole('link', { name: 'Go to your placement and its logbook' }).click()
      await verifyHeading(plain, placementTitle)
      const placementUrl = plain.url()

      // A second learner, who chose nothing, takes the other place in clearing; the admin sees nobody left.
      const late = await signedInPage(lateLearner)
      await late.goto('/placements')
      await late.getByRole('link', { name: 'Places in clearing' }).click()
      await verifyHeading(late, 'Clearing')
      await checkAccessibility(late, 'clearing, one place left')
      await press(late, `Take this place on ${pallas} at The Christie NHS Foundation Trust`)
      expect(await mainText(late)).toContain('You have a placement.')
      await adminPage.goto('/placement-clearing')
      await verifyHeading(adminPage, 'Clearing')
      await checkAccessibility(adminPage, 'clearing, as the framework admin')

      // The programme lead sets up supervision.
      const leadPage = await signedInPage(programmeLead)
      await leadPage.goto('/placements')
      await leadPage
        .getByRole('row')
        .filter({ hasText: 'Lee Learner' })
        .getByRole('link', { name: pallas })
        .click()
      await verifyHeading(leadPage, placementTitle)
      await leadPage
        .getByLabel('Fill in from the catalogue')
        .selectOption('exeter-research-practice-experience')
      await press(leadPage, 'Fill in the module')
      await leadPage.getByLabel('Academic supervisor').selectOption({ label: 'Ada Supervisor' })
      await leadPage.getByLabel('Module code').fill('RPE7001')
      await press(leadPage, 'Save supervision')
      expect(await mainText(leadPage)).toContain('Supervision set up.')

      // The learner logs both activities the offer lists, with evidence.
      const pdf = join(files, 'delegation-log.pdf')
      await writeFile(pdf, sampleFiles.pdf)
      const [year2, month, day] = ukToday(new Date()).split('-')
      for (const [activity, hours, reflection] of [
        ['Informed consent', '3.5', 'Observed two consent conversations and checked the forms.'],
        ['Data collection', '4', 'Entered visit data in the case report forms with the research nurse.'],
      ] as const) {
        await plain.goto(placementUrl)
        await plain.getByRole('button', { name: 'Add a logbook entry' }).click()
        await verifyHeading(plain, 'Add a logbook entry')
        const date = plain.getByRole('group', { name: 'Date of the activity' })
        await date.getByLabel('Day').fill(String(Number(day)))
        await date.getByLabel('Month').fill(String(Number(month)))
        await date.getByLabel('Year').fill(year2!)
        await plain.getByLabel('Hours spent').fill(hours)
        await plain.getByLabel(activity).check()
        await plain.getByLabel('Reflection').fill(reflection)
        await plain.getByLabel('Evidence (optional)').setInputFiles(pdf)
        await press(plain, 'Add the entry')
        expect(await mainText(plain)).toContain('Logbook entry added.')
      }
      await checkPlain('placement, logbook complete')

      // Mentor and academic supervisor sign off.
      await mentorPage.goto(placementUrl)
      await press(mentorPage, 'Sign off as mentor')
      expect(await mainText(mentorPage)).toContain('Signed off')
      await checkAccessibility(mentorPage, 'placement, signed off by the mentor')
      const supervisorPage = await signedInPage(supervisor)
      await supervisorPage.goto('/placements')
      await supervisorPage.getByRole('link', { name: pallas }).click()
      await press(supervisorPage, 'Sign off as academic supervisor')
      await checkAccessibility(supervisorPage, 'placement, signed off by both')

      // The learner finds the credits counted in their record.
      await plain.goto('/learning')
      const record = await LearningRecordPage.verifyOnPage(plain)
      expect(await record.resultsByUniversity()).toEqual(['University of Exeter: 15 credits passed'])
      expect(await mainText(plain)).toContain('RPE7001')
      await checkPlain('learning record with the placement credits')
      expect(errors).toEqual([])
    })
  })
}
