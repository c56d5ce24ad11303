import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { checkAccessibilityWithoutJavaScript, startBrowserHarness, type BrowserHarness } from './browser.ts'
import {
  exploreNursePathwayToModules,
  filterSchemes,
  searchFromHeader,
  searchOrganisations,
  visitBadFilter,
  visitMissingPage,
} from './journeys.ts'

// Progressive enhancement: the same journeys with JavaScript turned off in the browser. Every link is a link
// and every form submits with GET, so each step must work as it does with scripts; the page states differ
// (the header shows every navigation link, nothing moves focus), so axe checks them too: axe cannot run in a
// page without JavaScript, so it checks a copy of each page as rendered here (see browser.ts).
describe('main journey, without JavaScript', { timeout: 120_000 }, () => {
  let harness: BrowserHarness
  let page: Page
  const checkAxe = (label: string) => checkAccessibilityWithoutJavaScript(page, `${label} (no JavaScript)`)

  beforeAll(async () => {
    harness = await startBrowserHarness()
  })

  afterAll(async () => {
    await harness?.close()
  })

  beforeEach(async () => {
    page = await harness.newPage({ javaScriptEnabled: false })
  })

  afterEach(async () => {
    await page.context().close()
  })

  it('runs no page script: the body never gets the js-enabled class', async () => {
    await page.goto('/')
    expect((await page.locator('body').getAttribute('class')) ?? '').not.toContain('js-enabled')
    expect(await page.getByRole('button', { name: 'Browse More' }).count()).toBe(0)
  })

  it('takes a nurse from the home page through their pathway to a scheme, the framework and its modules', async () => {
    await exploreNursePathwayToModules(page, checkAxe)
  })

  it('searches from the header (a GET form) and opens a result', async () => {
    await searchFromHeader(page, checkAxe)
  })

  it('filters the funded schemes with the form (a GET form) and clears the filters', async () => {
    await filterSchemes(page, checkAxe)
  })

  it('finds an NHS organisation by name from a navigation link shown without the "More" menu', async () => {
    await searchOrganisations(page, checkAxe)
  })

  it('shows a page not found for an unknown address', async () => {
    await visitMissingPage(page, checkAxe)
  })

  it('shows the NHS error pattern for a filter value it does not know', async () => {
    await visitBadFilter(page, checkAxe)
  })
})
