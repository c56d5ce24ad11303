import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, type Person } from '../support/identity.ts'
import { pallasFile, readStudyFixture, tocaFile } from '../support/study-fixtures.ts'
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

// Studies in Chromium: an employer research lead uploads the real PALLAS and Toca 6 records (first with a bad
// file beside them, refused with nothing imported), finds PALLAS's UK sites, and matches one the registry names
// differently from ODS to its NHS organisation by hand, with and without JavaScript. axe checks every page
// state, each error state included.

const journeyTimeout = { timeout: 120_000 }

for (const engine of testEngines()) {
  describe(`studies from registries [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness
    let lead: Person
    let badFile: string

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      lead = await createPerson(harness.testApp.db.database, {
        fullName: 'Rita Lead',
        memberships: [{ organisationId: 'RTD', roles: ['employer-research-lead'] }],
      })
      const bad = JSON.parse(await readStudyFixture(tocaFile))
      delete bad.protocolSection.identificationModule.nctId
      badFile = join(await mkdtemp(join(tmpdir(), 'trellis-studies-')), 'NCT123.json')
      await writeFile(badFile, JSON.stringify({ studies: [bad] }))
    })

    afterAll(async () => {
      await harness?.close()
    })

    const signedInPage = (options: { javaScriptEnabled?: boolean } = {}) => signInAs(harness, lead, options)

    it('uploads study records, refusing a bad file, and matches a site by hand', async () => {
      const page = await signedInPage()
      const errors = collectPageErrors(page)
      const check = (label: string) => checkAccessibility(page, label)
      await page.goto('/studies')
      await verifyHeading(page, 'Studies')
      await check('studies, none yet')

      await page.getByRole('button', { name: 'Upload study records' }).click()
      await verifyHeading(page, 'Upload study records')
      await check('upload form')
      await answerTo(page, () => page.getByRole('button', { name: 'Upload and import' }).click())
      await check('upload form, no file')
      await page.locator('input[type=file][name=studyFiles]').setInputFiles([pallasFile, badFile])
      await answerTo(page, () => page.getByRole('button', { name: 'Upload and import' }).click())
      await verifyHeading(page, 'Upload study records')
      expect(await page.locator('.nhsuk-error-summary').innerText()).toContain(
        'NCT123.json: studies[0].protocolSection.identificationModule.nctId: missing',
      )
      await check('upload form, a bad file')

      await page.locator('input[type=file][name=studyFiles]').setInputFiles([pallasFile, tocaFile])
      await answerTo(page, () => page.getByRole('button', { name: 'Upload and import' }).click())
      await verifyHeading(page, 'Studies')
      expect(await page.locator('main').innerText()).toContain('2 studies imported.')
      await check('studies, imported')

      await page.getByRole('link', { name: 'PALbociclib CoLlaborative Adjuvant Study' }).first().click()
      await verifyHeading(page, 'PALbociclib CoLlaborative Adjuvant Study')
      await check('study')
      expect(errors).toEqual([])

      // Matching by hand, without JavaScript.
      const plain = await signedInPage({ javaScriptEnabled: false })
      const checkPlain = (label: string) =>
        checkAccessibilityWithoutJavaScript(plain, `${label} (no JavaScript)`)
      await plain.goto(page.url())
      await plain
        .getByRole('link', {
          name: 'Match University Hospitals Bristol NHS Foundation Trust to an NHS organisation',
        })
        .click()
      await verifyHeading(plain, 'Match a site to an NHS organisation')
      await checkPlain('site match form')
      await answerTo(plain, () => plain.getByRole('button', { name: 'Match the site' }).click())
      await checkPlain('site match form, no organisation')
      await plain.getByLabel('NHS organisation').selectOption('RA7')
      await answerTo(plain, () => plain.getByRole('button', { name: 'Match the site' }).click())
      await verifyHeading(plain, 'PALbociclib CoLlaborative Adjuvant Study')
      expect(await plain.locator('main').innerText()).toContain('Site matched.')
      await checkPlain('study, site matched')

      // Entering a study by hand.
      await page.goto('/studies')
      await page.getByRole('button', { name: 'Enter a study by hand' }).click()
      await verifyHeading(page, 'Enter a study')
      await check('study entry form')
      await page.getByLabel('Month').first().fill('3')
      await answerTo(page, () => page.getByRole('button', { name: 'Save the study' }).click())
      expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Enter the title of the study')
      await check('study entry form, errors')
      await page.getByLabel('Title', { exact: true }).fill('Physiotherapy after knee replacement')
      await page.getByLabel('Status').selectOption('RECRUITING')
      await page.getByLabel('Year').first().fill('2026')
      await page
        .getByLabel('Sites in the UK (optional)')
        .fill('The Christie NHS Foundation Trust, Manchester')
      await answerTo(page, () => page.getByRole('button', { name: 'Save the study' }).click())
      await verifyHeading(page, 'Physiotherapy after knee replacement')
      expect(await page.locator('main').innerText()).toContain('Study entered.')
      await check('study, entered by hand')
      expect(errors).toEqual([])
    })
  })
}
