import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, type Person } from '../support/identity.ts'
import { sampleFiles } from '../support/multipart.ts'
import { testEngines } from '../support/test-database.ts'
import {
  checkAccessibility,
  checkAccessibilityWithoutJavaScript,
  collectPageErrors,
  saveScreenshot,
  signedInPage as signInAs,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import { AccountPage } from './pages/account-page.ts'
import { LearningRecordPage } from './pages/learning-record-page.ts'
import { answerTo, normaliseSpace, verifyHeading } from './pages/trellis-page.ts'

// The learner record in Chromium: a programme lead, from their account page, enrols a learner, records a result,
// imports results from a CSV file and sets the limit on prior learning; the learner, from theirs, sees their
// progress toward each award (a diagram with its table) and claims prior learning with a file, without
// JavaScript; the lead decides it, within the limit, and the credit counts toward the next award. The learner
// then moves to King's College London, whose programme lead enrols them as a transfer and records the
// Postgraduate Diploma's modules: the Exeter credit, recognised prior learning included, stays the learner's and
// counts there. axe checks every page state, each error state included.

const exeter = 'university-of-exeter'
const kings = 'kings-college-london'
const journeyTimeout = { timeout: 120_000 }

for (const engine of testEngines()) {
  describe(`the learner record [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness
    let lead: Person
    let kingsLead: Person
    let learner: Person
    let files: string

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      const database = harness.testApp.db.database
      lead = await createPerson(database, {
        fullName: 'Lee Lead',
        memberships: [{ organisationId: exeter, roles: ['programme-lead'] }],
      })
      kingsLead = await createPerson(database, {
        fullName: 'Kit Kings',
        memberships: [{ organisationId: kings, roles: ['programme-lead'] }],
      })
      learner = await createPerson(database, { fullName: 'Amara <b>Okafor</b>' })
      files = await mkdtemp(join(tmpdir(), 'trellis-evidence-'))
    })

    afterAll(async () => {
      await harness?.close()
    })

    const signedInPage = (person: Person, options: { javaScriptEnabled?: boolean } = {}) =>
      signInAs(harness, person, options)

    const daysAgo = (days: number) => {
      const date = new Date(Date.now() - days * 86_400_000)
      return {
        iso: date.toISOString().slice(0, 10),
        /** As the pages write it: "1 November 2026". */
        long: date.toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        }),
        day: String(date.getUTCDate()),
        month: String(date.getUTCMonth() + 1),
        year: String(date.getUTCFullYear()),
      }
    }
    async function fillDate(page: Page, prefix: string, date: ReturnType<typeof daysAgo>) {
      await page.locator(`#${prefix}-day`).fill(date.day)
      await page.locator(`#${prefix}-month`).fill(date.month)
      await page.locator(`#${prefix}-year`).fill(date.year)
    }
    const submit = (page: Page, name: string) =>
      answerTo(page, () => page.getByRole('button', { name, exact: true }).click())

    it('lets a programme lead enrol a learner, record a result and import results', async () => {
      const page = await signedInPage(lead)
      const errors = collectPageErrors(page)
      const check = (label: string) => checkAccessibility(page, label)

      await page.goto('/account')
      await (await AccountPage.verifyOnPage(page)).openLearnersAt('University of Exeter')
      await verifyHeading(page, 'Learners')
      await check('cohort, empty')

      await page.getByRole('button', { name: 'Enrol a learner' }).click()
      await verifyHeading(page, 'Enrol a learner')
      await check('enrol form')
      await submit(page, 'Enrol the learner')
      expect(await page.title()).toMatch(/^Error: /)
      await check('enrol form, errors')
      await page.getByLabel("Learner's email address").fill(learner.email)
      await page
        .getByLabel('Programme', { exact: true })
        .selectOption({ label: 'Postgraduate Certificate in Leading Clinical Research Delivery' })
      await fillDate(page, 'startedOn', daysAgo(200))
      await page.getByLabel('No, this is their first enrolment').check()
      await submit(page, 'Enrol the learner')
      await verifyHeading(page, 'Amara <b>Okafor</b>')
      await check('learner record, just enrolled')

      await page.getByRole('button', { name: 'Record a module result' }).click()
      await verifyHeading(page, 'Record a module result')
      await check('result form')
      await submit(page, 'Record the result')
      await check('result form, errors')
      await page.getByLabel('Module code').fill('EXE7004')
      await page.getByLabel('Module title').fill('Research Practice Experience')
      await page.getByLabel('Research Practice Experience', { exact: true }).check()
      await page.getByLabel('Credits', { exact: true }).fill('15')
      await page.getByLabel('Passed').check()
      await fillDate(page, 'completedOn', daysAgo(10))
      await submit(page, 'Record the result')
      await verifyHeading(page, 'Amara <b>Okafor</b>')
      await check('learner record, with a result')

      await page.goto(`/universities/${exeter}/results/import`)
      await verifyHeading(page, 'Import results from a CSV file')
      await check('import form')
      const header = 'email,code,title,kind,credits,level,result,completed_on'
      await page
        .getByLabel('Or paste the results')
        .fill(`${header}\n${learner.email},EXE7001,Integrity,online,15,7,maybe,`)
      await submit(page, 'Check the results')
      await check('import form, problems')
      const passed = daysAgo(5).iso
      await page
        .getByLabel('Or paste the results')
        .fill(
          [
            header,
            `${learner.email},EXE7001,Integrity and Leadership in Research,online,15,7,pass,${passed}`,
            `${learner.email},EXE7002,Doing Clinical Research,online,15,7,pass,${passed}`,
            `${learner.email},EXE7003,Clinical Trials,online,15,7,pass,${passed}`,
            `${learner.email},EXE7005,Statistics,online,15,7,in-progress,`,
          ].join('\n'),
        )
      await submit(page, 'Check the results')
      await verifyHeading(page, 'Check the results before importing them')
      await check('import preview')
      await submit(page, 'Import 4 results')
      await verifyHeading(page, 'Learners')
      await check('cohort, with a learner and a notice')

      // The learner's record shows staff the same progress the learner sees.
      await page.getByRole('link', { name: 'Amara <b>Okafor</b>' }).click()
      const record = await LearningRecordPage.verifyOnPage(page, 'Amara <b>Okafor</b>')
      expect(await record.summaryValue('Awards held')).toBe('Postgraduate Certificate')
      expect((await record.diagram()).name).toBe('Credits counted toward each award')
      await check('learner record, with progress')

      await page.goto(`/universities/${exeter}/prior-learning-cap`)
      await verifyHeading(page, 'Limit on prior learning')
      await check('cap form')
      await page.getByLabel('Most credits of prior learning for one learner').fill('999')
      await submit(page, 'Save the limit')
      await check('cap form, error')
      expect(errors).toEqual([])
    })

    it('shows the learner, from their account, their progress toward each award, as a diagram and in words', async () => {
      const page = await signedInPage(learner)
      const errors = collectPageErrors(page)
      await page.goto('/account')
      await (await AccountPage.verifyOnPage(page)).openLearningRecord()
      const record = await LearningRecordPage.verifyOnPage(page)
      expect(await record.summaryValue('Credits counted toward awards')).toBe('60 credits')
      expect(await record.summaryValue('Awards held')).toBe('Postgraduate Certificate')
      expect(await record.summaryValue('Research roles you are ready for')).toContain('Local Co-Investigator')
      expect(await record.summaryValue('Next award')).toContain(
        'one Research Practice Experience module and two online modules, 60 credits in all',
      )
      expect(await record.summaryValue('Learning hours')).toContain('600 hours done, 600 hours to go')
      expect(await record.notes()).toEqual([
        'Statistics (EXE7005, University of Exeter) is still in progress, so its 15 credits do not count yet.',
      ])
      const diagram = await record.diagram()
      expect(diagram.role).toBe('image')
      expect(diagram.name).toBe('Credits counted toward each award')
      expect(diagram.description).toContain('Postgraduate Certificate (60 credits): 60 counted, held.')
      expect(
        (await record.tableRows('Credits counted toward each award')).map((row) => row.slice(0, 4)),
      ).toEqual([
        ['Postgraduate Certificate', '60 (60 in all)', '60', 'Held'],
        ['Postgraduate Diploma', '60 (120 in all)', '0', 'Next award'],
        ["Master's degree", '60 (180 in all)', '0', 'Later'],
      ])
      expect((await record.tableRows('Time to each award, studying part time')).map((row) => row[3])).toEqual(
        ['about 10 months', 'about 10 months'],
      )
      await checkAccessibility(page, 'learner record, with progress and a note')
      await saveScreenshot(page, 'learning-record')
      expect(errors).toEqual([])
    })

    it('lets the learner claim prior learning with a file, without JavaScript, and the lead approve some of it, within the limit', async () => {
      const page = await signedInPage(learner, { javaScriptEnabled: false })
      const check = (label: string) => checkAccessibilityWithoutJavaScript(page, `${label} (no JavaScript)`)
      await page.goto('/learning')
      await verifyHeading(page, 'Your learning record')
      await check('learner record')
      await page.getByRole('button', { name: 'Claim prior learning' }).click()
      await verifyHeading(page, 'Claim prior learning')
      await check('claim form')
      await submit(page, 'Send the claim')
      await check('claim form, errors')
      const pdf = join(files, 'transcript.pdf')
      await writeFile(pdf, sampleFiles.pdf)
      await page.getByLabel('Describe the learning').fill('PGCert module in statistics, 2021')
      await page.getByLabel('Credits you are claiming').fill('90')
      await page.getByLabel('Online module').check()
      await page.getByLabel('Evidence').setInputFiles(pdf)
      await submit(page, 'Send the claim')
      await verifyHeading(page, 'Your learning record')
      expect(await page.locator('main').innerText()).toContain('Claim sent.')
      await check('learner record, with a claim')

      const leadPage = await signedInPage(lead)
      await leadPage.goto(`/universities/${exeter}/learners`)
      await leadPage.getByRole('link', { name: /^Decide the claim/ }).click()
      await verifyHeading(leadPage, 'Prior learning claimed by Amara <b>Okafor</b>')
      await checkAccessibility(leadPage, 'claim decision')
      await leadPage.getByLabel('Approve all 90 credits').check()
      await submit(leadPage, 'Record the decision')
      expect(await leadPage.locator('.nhsuk-error-summary').innerText()).toContain(
        'University of Exeter recognises at most 60 credits of prior learning for one learner.',
      )
      await checkAccessibility(leadPage, 'claim decision, over the cap')
      await leadPage.getByLabel('Approve some of the credits').check()
      await leadPage.getByLabel('Credits you approve, if only some').fill('15')
      await leadPage
        .getByLabel('Reason', { exact: true })
        .fill('One of the modules matches an option of our Postgraduate Diploma')
      await submit(leadPage, 'Record the decision')
      await verifyHeading(leadPage, 'Amara <b>Okafor</b>')
      await checkAccessibility(leadPage, 'learner record, claim decided')

      // Recognised within the limit as one 15-credit online module, the learning counts toward the Postgraduate
      // Diploma, and the record has no note that it fits no award.
      await page.goto('/learning')
      const record = await LearningRecordPage.verifyOnPage(page)
      expect(await record.summaryValue('Credits counted toward awards')).toBe('75 credits')
      expect(await record.summaryValue('Credits recognised from prior learning')).toBe('15 credits')
      expect(await record.notes()).toEqual([
        'Statistics (EXE7005, University of Exeter) is still in progress, so its 15 credits do not count yet.',
      ])
      expect((await record.tableRows('Credits counted toward each award'))[1]).toEqual([
        'Postgraduate Diploma',
        '60 (120 in all)',
        '15',
        'Next award',
        'Recognised prior learning at University of Exeter, 15 credits',
      ])
      await check('learner record, with prior learning that counts')
    })

    it("lets a programme lead at King's College London enrol the learner as a transfer and record the Postgraduate Diploma", async () => {
      const page = await signedInPage(kingsLead)
      const errors = collectPageErrors(page)
      const check = (label: string) => checkAccessibility(page, label)

      await page.goto('/account')
      await (await AccountPage.verifyOnPage(page)).openLearnersAt("King's College London")
      await verifyHeading(page, 'Learners')
      await page.getByRole('button', { name: 'Enrol a learner' }).click()
      await verifyHeading(page, 'Enrol a learner')
      await page.getByLabel("Learner's email address").fill(learner.email)
      await page
        .getByLabel('Programme', { exact: true })
        .selectOption({ label: 'NIHR-AoMRC Clinician Researcher Postgraduate Diploma' })
      const movedOn = daysAgo(4)
      await fillDate(page, 'startedOn', movedOn)
      await page.getByLabel('Yes, they are moving here from another university').check()
      await submit(page, 'Enrol the learner')

      // The Exeter credit, recognised prior learning included, stays the learner's, under the university that
      // awarded it.
      const record = await LearningRecordPage.verifyOnPage(page, 'Amara <b>Okafor</b>')
      expect(await record.successNotice()).toBe(
        'Learner enrolled as a transfer. Their enrolment at their previous university has ended.',
      )
      expect(await record.caption()).toBe("King's College London")
      expect(await record.summaryValue('Credits counted toward awards')).toBe('75 credits')
      expect(await record.summaryValue('Awards held')).toBe('Postgraduate Certificate')
      expect(await record.resultsByUniversity()).toEqual(['University of Exeter: 60 credits passed'])
      expect(
        (await record.tableRows('Enrolments of Amara <b>Okafor</b>')).map(
          ([university, programme, , status, transfer]) => [university, programme, status, transfer],
        ),
      ).toEqual([
        [
          'University of Exeter',
          'Postgraduate Certificate in Leading Clinical Research Delivery',
          `Transferred out on ${movedOn.long}`,
          'No',
        ],
        [
          "King's College London",
          'NIHR-AoMRC Clinician Researcher Postgraduate Diploma',
          'Active',
          'From University of Exeter',
        ],
      ])
      await check('learner record, just transferred')

      // Research Practice Experience 2, by hand: the Diploma then needs one 15-credit option.
      await page.getByRole('button', { name: 'Record a module result' }).click()
      await verifyHeading(page, 'Record a module result')
      await page.getByLabel('Module code').fill('KCL7RPE2')
      await page.getByLabel('Module title').fill('Research Practice Experience 2')
      await page.getByLabel('Research Practice Experience', { exact: true }).check()
      await page.getByLabel('Credits', { exact: true }).fill('30')
      await page.getByLabel('Level', { exact: true }).selectOption('7')
      await page.getByLabel('Passed').check()
      await fillDate(page, 'completedOn', daysAgo(2))
      await submit(page, 'Record the result')
      await verifyHeading(page, 'Amara <b>Okafor</b>')
      expect(await record.summaryValue('Next award')).toContain('one online module of 15 credits')
      await check('learner record, one module short of the Diploma')

      // Clinical Leadership, one of the 15-credit options, from the student records system's CSV. The Diploma is
      // one Research Practice Experience module and two online modules making 60 credits: the learning Exeter
      // recognised stands in for the second option (another passed option would fit no award).
      await page.goto(`/universities/${kings}/results/import`)
      await verifyHeading(page, 'Import results from a CSV file')
      await page
        .getByLabel('Or paste the results')
        .fill(
          [
            'email,code,title,kind,credits,level,result,completed_on',
            `${learner.email},KCL7CL,Clinical Leadership,online,15,7,pass,${daysAgo(1).iso}`,
          ].join('\n'),
        )
      await submit(page, 'Check the results')
      await verifyHeading(page, 'Check the results before importing them')
      await submit(page, 'Import 1 result')
      await verifyHeading(page, 'Learners')
      const row = normaliseSpace(
        await page.getByRole('row').filter({ hasText: 'Amara <b>Okafor</b>' }).innerText(),
      )
      expect(row).toContain('120 credits')
      expect(row).toContain('PGCert, PGDip')

      await page.getByRole('link', { name: 'Amara <b>Okafor</b>' }).click()
      await verifyHeading(page, 'Amara <b>Okafor</b>')
      expect(await record.summaryValue('Awards held')).toBe('Postgraduate Certificate, Postgraduate Diploma')
      expect(await record.summaryValue('Credits counted toward awards')).toBe('120 credits')
      expect(await record.resultsByUniversity()).toEqual([
        'University of Exeter: 60 credits passed',
        "King's College London: 45 credits passed",
      ])
      await check('learner record, with the Diploma')
      expect(errors).toEqual([])
    })

    it('shows the learner the Postgraduate Diploma, with the prior learning Exeter recognised counting toward it', async () => {
      const page = await signedInPage(learner)
      const errors = collectPageErrors(page)
      await page.goto('/learning')
      const record = await LearningRecordPage.verifyOnPage(page)
      expect(await record.summaryValue('Credits counted toward awards')).toBe('120 credits')
      expect(await record.summaryValue('Awards held')).toBe('Postgraduate Certificate, Postgraduate Diploma')
      expect(await record.summaryValue('Research roles you are ready for')).toBe(
        'Local Co-Investigator; Local Principal Investigator on less complex studies',
      )
      expect(await record.summaryValue('Next award')).toContain("Master's degree: 60 credits to go")
      // The award's name in words, not as the HTML that escapes its apostrophe ("Master&#39;s").
      expect(await record.summaryValue('Learning hours')).toBe(
        "1,200 hours done, 600 hours to go for the Master's degree (1 credit is 10 hours of learning)",
      )
      expect(await record.notes()).toEqual([
        'Statistics (EXE7005, University of Exeter) is still in progress, so its 15 credits do not count yet.',
      ])
      expect(await record.tableRows('Credits counted toward each award')).toEqual([
        [
          'Postgraduate Certificate',
          '60 (60 in all)',
          '60',
          'Held',
          expect.stringContaining('Research Practice Experience (EXE7004), 15 credits'),
        ],
        [
          'Postgraduate Diploma',
          '60 (120 in all)',
          '60',
          'Held',
          'Clinical Leadership (KCL7CL), 15 credits ' +
            'Recognised prior learning at University of Exeter, 15 credits ' +
            'Research Practice Experience 2 (KCL7RPE2), 30 credits',
        ],
        ["Master's degree", '60 (180 in all)', '0', 'Next award', 'Nothing yet'],
      ])
      expect((await record.diagram()).description).toContain(
        'Postgraduate Diploma (60 more credits, 120 in all): 60 counted, held.',
      )
      expect(await record.resultsByUniversity()).toEqual([
        'University of Exeter: 60 credits passed',
        "King's College London: 45 credits passed",
      ])
      await checkAccessibility(page, 'learner record, with the Diploma')
      await saveScreenshot(page, 'learning-record-diploma')
      expect(errors).toEqual([])
    })
  })
}
