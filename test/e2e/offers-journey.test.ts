import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, type Person } from '../support/identity.ts'
import { pallasFile, readStudyFixture } from '../support/study-fixtures.ts'
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

// Placement offers in Chromium: a mentor offers places on a PALLAS site of their NHS organisation (first with
// every field wrong), and the organisation's employer research lead approves the offer without JavaScript. axe
// checks every page state, each error state included.

const journeyTimeout = { timeout: 120_000 }

for (const engine of testEngines()) {
  describe(`placement offers [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness
    let trust: string
    let mentor: Person
    let lead: Person

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      const { services, db } = harness.testApp
      const imported = await services.studies.importFiles(
        [{ fileName: 'NCT02513394.json', text: await readStudyFixture(pallasFile) }],
        { label: 'command line' },
        { requestId: null, ip: null },
      )
      if (!imported.ok) throw new Error('PALLAS did not import')
      const [site] = await db.database.query<{ organisation_id: string }>(
        'SELECT organisation_id FROM study_sites WHERE organisation_id IS NOT NULL ORDER BY position LIMIT 1',
      )
      trust = site!.organisation_id
      mentor = await createPerson(db.database, {
        fullName: 'Mina Mentor',
        memberships: [{ organisationId: trust, roles: ['mentor'] }],
      })
      lead = await createPerson(db.database, {
        fullName: 'Rita Lead',
        memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
      })
    })

    afterAll(async () => {
      await harness?.close()
    })

    const signedInPage = (person: Person, options: { javaScriptEnabled?: boolean } = {}) =>
      signInAs(harness, person, options)

    it('lets a mentor offer places and the research lead approve them', async () => {
      const page = await signedInPage(mentor)
      const errors = collectPageErrors(page)
      const check = (label: string) => checkAccessibility(page, label)
      await page.goto(`/organisations/${trust}/placement-offers`)
      await verifyHeading(page, 'Placement offers')
      await check('offers, none yet')

      await page.getByRole('button', { name: 'Offer places' }).click()
      await verifyHeading(page, 'Offer places')
      await check('offer form')
      await answerTo(page, () => page.getByRole('button', { name: 'Send the offer for approval' }).click())
      await verifyHeading(page, 'Offer places')
      expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Select the study site')
      await check('offer form, nothing entered')

      const year = String(new Date().getUTCFullYear() + 1)
      await page.getByLabel('Study and site').selectOption({ index: 1 })
      await page.getByLabel('Number of places').fill('2')
      await page.getByLabel('Specialty').fill('Oncology')
      await page.getByLabel('Complex', { exact: true }).check()
      await page.getByLabel('Informed consent').check()
      await page.getByLabel('Data collection').check()
      await page.getByLabel('Hours a week').fill('7.5')
      const startFrom = page.getByRole('group', { name: 'Earliest start date' })
      await startFrom.getByLabel('Day').fill('1')
      await startFrom.getByLabel('Month').fill('3')
      await startFrom.getByLabel('Year').fill(year)
      const startBy = page.getByRole('group', { name: 'Latest start date' })
      await startBy.getByLabel('Day').fill('31')
      await startBy.getByLabel('Month').fill('5')
      await startBy.getByLabel('Year').fill(year)
      await page.getByLabel('What the learner needs first (optional)').fill('GCP training')
      await answerTo(page, () => page.getByRole('button', { name: 'Send the offer for approval' }).click())
      await verifyHeading(page, 'Placement offer: PALbociclib CoLlaborative Adjuvant Study')
      expect(await page.locator('main').innerText()).toContain('Offer sent.')
      await check('offer, sent')
      expect(errors).toEqual([])

      // Approving, without JavaScript.
      const plain = await signedInPage(lead, { javaScriptEnabled: false })
      const checkPlain = (label: string) =>
        checkAccessibilityWithoutJavaScript(plain, `${label} (no JavaScript)`)
      await plain.goto(`/organisations/${trust}/placement-offers`)
      await checkPlain('offers, one waiting')
      await plain.getByRole('link', { name: 'PALbociclib CoLlaborative Adjuvant Study' }).click()
      await verifyHeading(plain, 'Placement offer: PALbociclib CoLlaborative Adjuvant Study')
      await checkPlain('offer, to decide')
      await plain.getByLabel('Reject the offer').check()
      await answerTo(plain, () => plain.getByRole('button', { name: 'Record the decision' }).click())
      expect(await plain.locator('.nhsuk-error-summary').innerText()).toContain(
        'Enter the reason for rejecting the offer',
      )
      await checkPlain('offer, rejected without a reason')
      await plain.getByLabel('Approve the offer').check()
      await answerTo(plain, () => plain.getByRole('button', { name: 'Record the decision' }).click())
      expect(await plain.locator('main').innerText()).toContain('Offer approved.')
      await checkPlain('offer, approved')
    })
  })
}
