import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { readAccessibilityNode } from './browser.ts'
import { BadRequestPage, NotFoundPage } from './pages/error-pages.ts'
import { FrameworkPage } from './pages/framework-page.ts'
import { HomePage } from './pages/home-page.ts'
import { ModulePage } from './pages/module-page.ts'
import { OrganisationPage } from './pages/organisation-page.ts'
import { OrganisationsPage } from './pages/organisations-page.ts'
import { ProfessionPage } from './pages/profession-page.ts'
import { ProfessionsPage } from './pages/professions-page.ts'
import { ProgrammePage } from './pages/programme-page.ts'
import { SchemePage } from './pages/scheme-page.ts'
import { SchemesPage } from './pages/schemes-page.ts'
import { SearchResultsPage } from './pages/search-results-page.ts'
import { StagePage } from './pages/stage-page.ts'
import { UniversityPage } from './pages/university-page.ts'

/**
 * The journeys a visitor takes, written once and walked with JavaScript on (main-journey.test.ts) and off
 * (no-javascript.test.ts). Each step asserts what the visitor would notice, then calls `check` with a label
 * for the page state it reached, so that the caller can run axe on every state.
 */
export type CheckPageState = (label: string) => Promise<void>

export const serviceTitle = '– Trellis – NHS'

const nurseStages = [
  'Early research experience',
  'Pre-doctoral',
  'Doctoral',
  'Early post-doctoral',
  'Middle and later post-doctoral',
  'Research delivery leadership',
]

const dcaf = 'Doctoral Clinical and Practitioner Academic Fellowship (DCAF)'

/** Home → Start now → Nurse → the Doctoral stage → DCAF → the framework → Exeter → a programme → its modules. */
export async function exploreNursePathwayToModules(page: Page, check: CheckPageState): Promise<void> {
  const home = await HomePage.open(page)
  expect(await home.title()).toBe(`Find your route into clinical research ${serviceTitle}`)
  expect(await home.startNowButton.isVisible()).toBe(true)
  expect(await home.cardHeadings()).toContain('Clinician Researcher Credentials')
  await check('home page')

  await home.startNow()
  const professions = await ProfessionsPage.verifyOnPage(page)
  expect(page.url()).toMatch(/\/professions$/)
  expect(await professions.groupHeadings()).toEqual(
    expect.arrayContaining(['Medicine', 'Nursing and midwifery', 'Allied health professions']),
  )
  expect(await professions.currentSection()).toBe('Explore by profession')
  await check('professions')

  await professions.chooseProfession('Nurse')
  const pathway = await ProfessionPage.verifyOnPage(page, 'nurses')
  expect(await pathway.caption()).toBe('Nurse')
  expect(await pathway.stageNames()).toEqual(nurseStages)
  expect((await pathway.registration()).join(' ')).toContain('Nursing and Midwifery Council')
  expect(await pathway.backLink()).toEqual({ text: 'All professions', href: '/professions' })
  await check('nurse pathway')

  await pathway.openStage('Doctoral')
  const stage = await StagePage.verifyOnPage(page, 'Doctoral')
  expect(await stage.caption()).toBe('Nurse')
  expect(await stage.title()).toBe(`Doctoral: nurses ${serviceTitle}`)
  expect(await stage.schemeNames()).toContain(dcaf)
  expect(await stage.pagination()).toEqual([
    expect.stringContaining('Pre-doctoral'),
    expect.stringContaining('Early post-doctoral'),
  ])
  expect(await stage.backLink()).toEqual({ text: 'Pathway for nurses', href: '/professions/nurse#doctoral' })
  await check('doctoral stage for nurses')

  await stage.openScheme(dcaf)
  const scheme = await SchemePage.verifyOnPage(page, dcaf)
  expect(await scheme.caption()).toBe('Funded scheme')
  expect(await scheme.summaryValue('Funded by')).toBe('National Institute for Health and Care Research')
  expect(await scheme.summaryValue('Career stage')).toBe('Doctoral')
  expect(await scheme.eligibleProfessions()).toContain('Nurse')
  expect(await scheme.eligibleProfessions()).not.toContain('Doctor')
  expect(await scheme.formerNames()).toContainEqual(
    expect.stringMatching(/^Clinical Doctoral Research Fellowship \(CDRF\)/),
  )
  await check('DCAF scheme')

  await scheme.navigateTo('Credentials Framework')
  const framework = await FrameworkPage.verifyOnPage(page)
  expect(await framework.currentSection()).toBe('Credentials Framework')
  const diagram = await readAccessibilityNode(page, 'svg.trellis-diagram')
  expect(diagram.role).toBe('image')
  expect(diagram.name).toBe('Credits at each level of the Clinician Researcher Credentials Framework')
  expect(diagram.description).toMatch(
    /^Postgraduate Certificate: 60 credits.*Postgraduate Diploma: 120 credits/,
  )
  expect(diagram.description).toContain("Master's degree: 180 credits")
  expect(await framework.creditsByLevel()).toEqual([
    { level: 'Postgraduate Certificate', credits: '+60 = 60' },
    { level: 'Postgraduate Diploma', credits: '+60 = 120' },
    { level: "Master's degree", credits: '+60 = 180' },
  ])
  await check('Credentials Framework')

  await framework.openUniversity('University of Exeter')
  const university = await UniversityPage.verifyOnPage(page, 'University of Exeter')
  expect(await university.programmeNames()).toContain(
    'Postgraduate Certificate in Leading Clinical Research Delivery',
  )
  await check('University of Exeter')

  await university.openProgramme('Postgraduate Certificate in Leading Clinical Research Delivery')
  const programme = await ProgrammePage.verifyOnPage(
    page,
    'Postgraduate Certificate in Leading Clinical Research Delivery',
  )
  expect(await programme.moduleCredits()).toEqual([
    { module: 'Integrity and Leadership in Research for Health and Healthcare', credits: '15 credits' },
    { module: 'Doing Clinical Research', credits: '15 credits' },
    { module: 'Research Practice Experience', credits: '15 credits' },
  ])
  expect(await programme.creditsTotal()).toBe('The modules listed add up to 45 credits.')
  await check('PGCert programme at Exeter')

  await programme.openModule('Doing Clinical Research')
  const module = await ModulePage.verifyOnPage(page, 'Doing Clinical Research')
  expect(await module.caption()).toBe('Module at University of Exeter')
  expect(await module.summaryValue('Credits')).toBe('15 credits')
  expect(await module.summaryValue('Learning hours')).toBe('About 150 hours')
  await check('module with credits')

  // A module whose source gives no credits says so, rather than guessing.
  await module.followBackLink()
  const universityAgain = await UniversityPage.verifyOnPage(page, 'University of Exeter')
  await universityAgain.openModule('Second practical research experience module')
  const unknownCredits = await ModulePage.verifyOnPage(page, 'Second practical research experience module')
  expect(await unknownCredits.summaryValue('Credits')).toBe('Credits not stated')
  expect(await unknownCredits.summaryValue('Learning hours')).toBe(
    'Not known: the source does not state the credits',
  )
  await check('module with credits not stated')
}

/** Searching from the header on any page, then following a result. */
export async function searchFromHeader(page: Page, check: CheckPageState): Promise<void> {
  const home = await HomePage.open(page)
  await home.searchFor('doctoral fellowship')
  const search = await SearchResultsPage.verifyOnPage(page)
  expect(new URL(page.url()).searchParams.get('q')).toBe('doctoral fellowship')
  expect(await search.title()).toBe(`Search results for “doctoral fellowship” ${serviceTitle}`)
  expect(await search.status()).toMatch(/^\d+ results for “doctoral fellowship”/)
  expect(await search.query()).toBe('doctoral fellowship')
  expect(await search.resultTitles()).toContain('NIHR Doctoral Fellowship')
  const marked = await search.markedWords()
  expect(marked.length).toBeGreaterThan(0)
  for (const word of marked) expect(word.toLowerCase()).toMatch(/^(doctor|fellow)/)
  await check('search results for “doctoral fellowship”')

  await search.openResult('NIHR Doctoral Fellowship')
  const scheme = await SchemePage.verifyOnPage(page, 'NIHR Doctoral Fellowship')
  expect(await scheme.summaryValue('Career stage')).toBe('Doctoral')
  await check('NIHR Doctoral Fellowship from search')
}

/** The funded schemes list, narrowed with its filter form and cleared again. */
export async function filterSchemes(page: Page, check: CheckPageState): Promise<void> {
  const home = await HomePage.open(page)
  await home.navigateTo('Funded schemes')
  const all = await SchemesPage.verifyOnPage(page)
  const allStatus = await all.status()
  expect(allStatus).toMatch(/^\d+ schemes\.$/)
  expect(await all.stageHeadings()).toEqual(
    expect.arrayContaining(['Pre-doctoral', 'Doctoral', 'Early post-doctoral']),
  )
  await check('all funded schemes')

  await all.filter({ profession: 'Nurse', stage: 'Doctoral' })
  const filtered = await SchemesPage.verifyOnPage(page)
  const query = new URL(page.url()).searchParams
  expect([query.get('profession'), query.get('stage')]).toEqual(['nurse', 'doctoral'])
  expect(await filtered.status()).toMatch(/^\d+ schemes? open to nurses at the doctoral stage\.$/)
  expect(await filtered.chosenFilters()).toEqual({
    profession: 'Nurse',
    stage: 'Doctoral',
    funder: 'Any funder',
  })
  expect(await filtered.stageHeadings()).toEqual(['Doctoral'])
  expect(await filtered.schemeNames()).toContain(dcaf)
  await check('schemes filtered to nurses at the doctoral stage')

  await filtered.clearFilters()
  const cleared = await SchemesPage.verifyOnPage(page)
  expect(new URL(page.url()).search).toBe('')
  expect(await cleared.status()).toBe(allStatus)
  expect(await cleared.chosenFilters()).toEqual({
    profession: 'Any profession',
    stage: 'Any stage',
    funder: 'Any funder',
  })
}

/** Finding an NHS organisation by name. */
export async function searchOrganisations(page: Page, check: CheckPageState): Promise<void> {
  const home = await HomePage.open(page)
  await home.navigateTo('NHS organisations')
  const organisations = await OrganisationsPage.verifyOnPage(page)
  expect(await organisations.status()).toMatch(/^\d+ organisations/)
  await check('NHS organisations')

  await organisations.search('Newcastle')
  const found = await OrganisationsPage.verifyOnPage(page)
  expect(new URL(page.url()).searchParams.get('q')).toBe('Newcastle')
  expect(await found.status()).toBe('1 organisation matching “Newcastle”.')
  expect(await found.searchField.inputValue()).toBe('Newcastle')
  expect(await found.organisationNames()).toEqual(['The Newcastle upon Tyne Hospitals NHS Foundation Trust'])
  await check('NHS organisations matching Newcastle')

  await found.openOrganisation('The Newcastle upon Tyne Hospitals NHS Foundation Trust')
  const trust = await OrganisationPage.verifyOnPage(
    page,
    'The Newcastle upon Tyne Hospitals NHS Foundation Trust',
  )
  expect(await trust.summaryValue('ODS code')).toBe('RTD')
  await check('Newcastle upon Tyne Hospitals')
}

/** An address that does not exist. */
export async function visitMissingPage(page: Page, check: CheckPageState): Promise<void> {
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  const notFound = await NotFoundPage.verifyOnPage(page)
  expect(await notFound.title()).toBe(`Page not found ${serviceTitle}`)
  expect(await notFound.main.getByRole('link', { name: 'search Trellis' }).getAttribute('href')).toBe(
    '/search',
  )
  await check('page not found')
}

/** A filter value the service does not know (a typo in a shared link): the NHS error pattern. */
export async function visitBadFilter(page: Page, check: CheckPageState): Promise<void> {
  const response = await page.goto('/schemes?profession=nures')
  expect(response?.status()).toBe(400)
  const badRequest = await BadRequestPage.verifyOnPage(page)
  expect(await badRequest.title()).toBe(`Error: There is a problem with the page address ${serviceTitle}`)
  expect(await badRequest.errorSummaryTitle()).toBe('There is a problem')
  expect(await badRequest.errors()).toEqual([expect.stringMatching(/^profession: "nures" is not known/)])
  expect(
    await badRequest.main
      .getByRole('link', { name: 'Go to this page without those choices' })
      .getAttribute('href'),
  ).toBe('/schemes')
  await check('bad filter value')
}
