import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkAccessibility,
  collectPageErrors,
  startBrowserHarness,
  tabTo,
  type BrowserHarness,
} from './browser.ts'
import { HomePage } from './pages/home-page.ts'
import { ProfessionPage } from './pages/profession-page.ts'
import { ProfessionsPage } from './pages/professions-page.ts'
import { SearchResultsPage } from './pages/search-results-page.ts'

// A keyboard-only journey: nothing but Tab, Enter and typing, from the home page to search results.
describe('keyboard-only journey', { timeout: 120_000 }, () => {
  let harness: BrowserHarness
  let page: Page
  let pageErrors: string[]

  beforeAll(async () => {
    harness = await startBrowserHarness()
    page = await harness.newPage()
    pageErrors = collectPageErrors(page)
  })

  afterAll(async () => {
    await harness?.close()
  })

  it('skips to the main content, reaches a profession and searches from the header', async () => {
    await page.goto('/')
    await HomePage.verifyOnPage(page)

    // The first Tab reaches the skip link, which appears when focused.
    const skipLink = page.getByRole('link', { name: 'Skip to main content' })
    expect(await tabTo(page, skipLink)).toBe(1)
    expect(await skipLink.isVisible()).toBe(true)
    await checkAccessibility(page, 'home page with the skip link focused')

    // Enter follows it: the very next Tab lands on "Start now" in the main content, past the whole header.
    await page.keyboard.press('Enter')
    expect(new URL(page.url()).hash).toBe('#maincontent')
    expect(await tabTo(page, page.getByRole('button', { name: 'Start now' }))).toBe(1)
    await page.keyboard.press('Enter')
    const professions = await ProfessionsPage.verifyOnPage(page)

    await tabTo(page, professions.professionLink('Nurse'))
    await checkAccessibility(page, 'professions with Nurse focused')
    await page.keyboard.press('Enter')
    await ProfessionPage.verifyOnPage(page, 'nurses')

    // From the top of the new page: the header's search field, typing, then its button.
    await tabTo(page, page.getByRole('searchbox', { name: 'Search Trellis' }))
    await page.keyboard.type('doctoral fellowship')
    expect(await tabTo(page, page.getByRole('banner').getByRole('button', { name: 'Search' }))).toBe(1)
    await checkAccessibility(page, 'nurse pathway with the header search button focused')
    await page.keyboard.press('Enter')

    const results = await SearchResultsPage.verifyOnPage(page)
    expect(await results.status()).toMatch(/^\d+ results for “doctoral fellowship”/)
    expect(await results.resultTitles()).toContain('NIHR Doctoral Fellowship')
    expect(pageErrors).toEqual([])
  })
})
