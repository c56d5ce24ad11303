import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  checkAccessibility,
  collectPageErrors,
  readFocus,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import {
  exploreNursePathwayToModules,
  filterSchemes,
  searchFromHeader,
  searchOrganisations,
  visitBadFilter,
  visitMissingPage,
} from './journeys.ts'

// The main journeys in Chromium with JavaScript on, as most visitors see them, with axe run on every page
// state visited.
describe('main journey, with JavaScript', { timeout: 120_000 }, () => {
  let harness: BrowserHarness
  let page: Page
  let pageErrors: string[]
  const checkAxe = (label: string) => checkAccessibility(page, label)

  beforeAll(async () => {
    harness = await startBrowserHarness()
  })

  afterAll(async () => {
    await harness?.close()
  })

  beforeEach(async () => {
    page = await harness.newPage()
    pageErrors = collectPageErrors(page)
  })

  afterEach(async () => {
    expect(pageErrors, 'uncaught script errors').toEqual([])
    await page.context().close()
  })

  it('runs the page scripts (the NHS.UK components start)', async () => {
    await page.goto('/')
    expect(await page.locator('body.js-enabled').count()).toBe(1)
  })

  it('takes a nurse from the home page through their pathway to a scheme, the framework and its modules', async () => {
    await exploreNursePathwayToModules(page, checkAxe)
  })

  it('searches from the header and opens a result, with the matched words marked', async () => {
    await searchFromHeader(page, checkAxe)
  })

  it('filters the funded schemes with the form and clears the filters', async () => {
    await filterSchemes(page, checkAxe)
  })

  it('finds an NHS organisation by name, through the "More" menu when the navigation overflows', async () => {
    await searchOrganisations(page, checkAxe)
  })

  it('shows a page not found for an unknown address', async () => {
    await visitMissingPage(page, checkAxe)
  })

  it('shows the NHS error pattern for a filter value it does not know, with the summary focused', async () => {
    await visitBadFilter(page, checkAxe)
    // nhsuk-frontend's script moves focus to the error summary, so that screen readers announce it at once.
    const focus = await readFocus(page)
    expect(focus?.text).toMatch(/^There is a problem/)
    expect(focus?.hasFocusStyle).toBe(true)
  })
})
