import { randomUUID } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ukToday } from '../../src/modules/learning/index.ts'
import { insertPlacement } from '../../src/modules/placements/index.ts'
import { createPerson, type Person } from '../support/identity.ts'
import { sampleFiles } from '../support/multipart.ts'
import { pallasFile, principalOf, readStudyFixture } from '../support/study-fixtures.ts'
import { testEngines } from '../support/test-database.ts'
import {
  checkAccessibility,
  checkAccessibilityWithoutJavaScript,
  collectPageErrors,
  signedInPage as signInAs,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import { answerTo, verifyHeading } from './pages/trellis-page.ts'

// Supervising a placement in Chromium: the programme lead sets up supervision from the catalogue (first with
// nothing chosen), the learner adds a logbook entry with evidence without JavaScript (first with every field
// wrong), and the mentor comments and tries to sign off too early. axe checks every page state.

const journeyTimeout = { timeout: 120_000 }
const exeter = 'university-of-exeter'
const origin = { requestId: null, ip: null }
const title = 'Placement: PALbociclib CoLlaborative Adjuvant Study'

for (const engine of testEngines()) {
  describe(`placement supervision [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness
    let placementId: string
    let learner: Person
    let mentor: Person
    let lead: Person
    let files: string

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      files = await mkdtemp(join(tmpdir(), 'trellis-logbook-'))
      const { services, db } = harness.testApp
      const imported = await services.studies.importFiles(
        [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
        { label: 'command line' },
        origin,
      )
      if (!imported.ok) throw new Error('PALLAS did not import')
      const [site] = await db.database.query<{ id: string; organisation_id: string }>(
        'SELECT id, organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position LIMIT 1',
      )
      const trust = site!.organisation_id
      const person = (fullName: string, organisationId: string, role: string) =>
        createPerson(db.database, { fullName, memberships: [{ organisationId, roles: [role] }] })
      mentor = await person('Mina Mentor', trust, 'mentor')
      const researchLead = await person('Rita Lead', trust, 'employer-research-lead')
      lead = await person('Pat Lead', exeter, 'programme-lead')
      await person('Ada Supervisor', exeter, 'academic-supervisor')
      learner = await createPerson(db.database, { fullName: 'Lee Learner' })
      const year = new Date().getUTCFullYear() + 1
      const offered = await services.offers.createOffer(
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
      await services.offers.decideOffer(
        principalOf(researchLead.id, [{ organisationId: trust, roles: ['employer-research-lead'] }]),
        trust,
        offered.value.id,
        { outcome: 'approve' },
        origin,
      )
      const enrolled = await services.learning.enrol(
        principalOf(lead.id, [{ organisationId: exeter, roles: ['programme-lead'] }]),
        exeter,
        { email: learner.email, programmeId: null, startedOn: ukToday(new Date()), transferring: false },
        origin,
      )
      if (!enrolled.ok) throw new Error(JSON.stringify(enrolled.errors))
      placementId = randomUUID()
      await db.database.transaction((tx) =>
        insertPlacement(tx, {
          id: placementId,
          offerId: offered.value.id,
          learnerId: learner.id,
          roundId: null,
          universityId: exeter,
          mentorId: mentor.id,
          acceptedAt: new Date(),
        }),
      )
    })

    afterAll(async () => {
      await harness?.close()
    })

    const signedInPage = (person: Person, options: { javaScriptEnabled?: boolean } = {}) =>
      signInAs(harness, person, options)

    it('lets the programme lead set up supervision, the learner keep the logbook and the mentor review it', async () => {
      // The programme lead, with JavaScript.
      const page = await signedInPage(lead)
      const errors = collectPageErrors(page)
      const check = (label: string) => checkAccessibility(page, label)
      await page.goto('/placements')
      await verifyHeading(page, 'Placements')
      await check('placements, as programme lead')
      await page.getByRole('link', { name: 'PALbociclib CoLlaborative Adjuvant Study' }).click()
      await verifyHeading(page, title)
      await check('placement, to set up')
      await answerTo(page, () => page.getByRole('button', { name: 'Save supervision' }).click())
      expect(await page.locator('.nhsuk-error-summary').innerText()).toContain(
        'Select the academic supervisor',
      )
      await check('placement, set-up with nothing chosen')
      await page.getByLabel('Fill in from the catalogue').selectOption('exeter-research-practice-experience')
      await answerTo(page, () => page.getByRole('button', { name: 'Fill in the module' }).click())
      expect(await page.getByLabel('Credits').inputValue()).toBe('15')
      await page.getByLabel('Academic supervisor').selectOption({ label: 'Ada Supervisor' })
      await page.getByLabel('Module code').fill('RPE7001')
      await answerTo(page, () => page.getByRole('button', { name: 'Save supervision' }).click())
      expect(await page.locator('main').innerText()).toContain('Supervision set up.')
      await check('placement, set up')
      expect(errors).toEqual([])

      // The learner, without JavaScript.
      const plain = await signedInPage(learner, { javaScriptEnabled: false })
      const checkPlain = (label: string) =>
        checkAccessibilityWithoutJavaScript(plain, `${label} (no JavaScript)`)
      await plain.goto(`/placements/${placementId}`)
      await verifyHeading(plain, title)
      await checkPlain('placement, as learner')
      await plain.getByRole('button', { name: 'Add a logbook entry' }).click()
      await verifyHeading(plain, 'Add a logbook entry')
      await checkPlain('logbook entry form')
      await answerTo(plain, () => plain.getByRole('button', { name: 'Add the entry' }).click())
      expect(await plain.locator('.nhsuk-error-summary').innerText()).toContain(
        'Enter the date of the activity',
      )
      await checkPlain('logbook entry form, nothing entered')
      const [year, month, day] = ukToday(new Date()).split('-')
      const date = plain.getByRole('group', { name: 'Date of the activity' })
      await date.getByLabel('Day').fill(String(Number(day)))
      await date.getByLabel('Month').fill(String(Number(month)))
      await date.getByLabel('Year').fill(year!)
      await plain.getByLabel('Hours spent').fill('3.5')
      await plain.getByLabel('Informed consent').check()
      await plain.getByLabel('Reflection').fill('Observed two consent conversations.')
      const pdf = join(files, 'consent-log.pdf')
      await writeFile(pdf, sampleFiles.pdf)
      await plain.getByLabel('Evidence (optional)').setInputFiles(pdf)
      await answerTo(plain, () => plain.getByRole('button', { name: 'Add the entry' }).click())
      await verifyHeading(plain, title)
      expect(await plain.locator('main').innerText()).toContain('Logbook entry added.')
      await checkPlain('placement, with an entry')

      // The mentor, with JavaScript.
      const review = await signedInPage(mentor)
      const checkReview = (label: string) => checkAccessibility(review, label)
      await review.goto(`/placements/${placementId}`)
      await verifyHeading(review, title)
      await checkReview('placement, as mentor')
      await review.getByLabel('Comment', { exact: true }).fill('A good start.')
      await answerTo(review, () => review.getByRole('button', { name: 'Add the comment' }).click())
      expect(await review.locator('main').innerText()).toContain('Comment added.')
      await answerTo(review, () => review.getByRole('button', { name: 'Sign off as mentor' }).click())
      expect(await review.locator('.nhsuk-error-summary').innerText()).toContain(
        'The logbook has no entry yet for: Data collection',
      )
      await checkReview('placement, sign-off refused')
    })
  })
}
