import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

/** How long a page object waits for its page to arrive after a click or a form submission. */
const arrivalTimeoutMs = 10_000

/**
 * Waits until the page's one h1 reads `heading`, as HMPPS's `verifyOnPage` does: the check that we are where
 * we meant to be before asserting anything else. Waiting on the heading (not on a navigation event) works the
 * same with JavaScript on or off.
 */
export async function verifyHeading(page: Page, heading: string): Promise<void> {
  const h1 = page.locator('h1')
  try {
    await h1.filter({ hasText: heading }).first().waitFor({ state: 'visible', timeout: arrivalTimeoutMs })
  } catch {
    const found = await h1.allInnerTexts()
    throw new Error(`Expected the page headed "${heading}" but ${page.url()} has h1 ${JSON.stringify(found)}`)
  }
  expect(await h1.count(), `one h1 on ${page.url()}`).toBe(1)
  expect(normaliseSpace(await h1.innerText())).toBe(heading)
}

/**
 * Does what sends a form (a click, Enter in a field) and waits for the document that answers it. A form that
 * fails answers with the same page and heading, so waiting for a heading is not enough.
 */
export async function answerTo(page: Page, submit: () => Promise<void>): Promise<void> {
  const mainFrame = page.mainFrame()
  await Promise.all([
    page.waitForEvent('framenavigated', { predicate: (frame) => frame === mainFrame }),
    submit(),
  ])
  await page.waitForLoadState('load')
}

export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** What every Trellis page has: the NHS header with search and navigation, a title, and a main heading. */
export abstract class TrellisPage {
  readonly heading: Locator
  readonly main: Locator
  /** The NHS error summary a page shows above its heading when a form or an address had a problem. */
  readonly errorSummary: Locator

  protected constructor(readonly page: Page) {
    this.heading = page.locator('h1')
    this.main = page.locator('main')
    this.errorSummary = page.locator('.nhsuk-error-summary')
  }

  title(): Promise<string> {
    return this.page.title()
  }

  /** The header's search form, as a user types into it and presses its button. */
  async searchFor(query: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search Trellis' }).fill(query)
    await this.page.getByRole('banner').getByRole('button', { name: 'Search' }).click()
  }

  /**
   * Follows a link in the header navigation. With JavaScript, links that do not fit move under "More"; without
   * it, every link is shown.
   */
  async navigateTo(linkText: string): Promise<void> {
    const navigation = this.page.getByRole('navigation', { name: 'Main' })
    // Role queries skip hidden elements: until "More" is opened, a link moved under it is not found.
    const link = navigation.getByRole('link', { name: linkText, exact: true })
    if ((await link.count()) === 0) {
      await navigation.getByRole('button', { name: 'Browse More' }).click()
    }
    await link.click()
  }

  /** The navigation item marked as the current section, if any. */
  async currentSection(): Promise<string | null> {
    const current = this.page.getByRole('navigation', { name: 'Main' }).locator('[aria-current]')
    return (await current.count()) === 0 ? null : normaliseSpace(await current.first().innerText())
  }

  async backLink(): Promise<{ text: string; href: string | null }> {
    const link = this.page.locator('a.nhsuk-back-link')
    return { text: normaliseSpace(await link.innerText()), href: await link.getAttribute('href') }
  }

  async followBackLink(): Promise<void> {
    await this.page.locator('a.nhsuk-back-link').click()
  }

  /** The caption above the h1 ("Nurse", "Funded scheme", "Module at University of Exeter"). */
  async caption(): Promise<string> {
    return normaliseSpace(await this.page.locator('.nhsuk-caption-l').innerText())
  }

  /** The value of a summary list row, by its key ("Funded by", "Credits"…). */
  async summaryValue(key: string): Promise<string> {
    const row = this.page.locator('.nhsuk-summary-list__row').filter({
      has: this.page.locator('.nhsuk-summary-list__key', { hasText: key }),
    })
    return normaliseSpace(await row.locator('.nhsuk-summary-list__value').innerText())
  }

  /** Each problem the error summary lists, and the field its link moves to. */
  async summarisedErrors(): Promise<{ text: string; href: string | null }[]> {
    const links = this.errorSummary.locator('li a')
    const errors: { text: string; href: string | null }[] = []
    for (const link of await links.all()) {
      errors.push({ text: normaliseSpace(await link.innerText()), href: await link.getAttribute('href') })
    }
    return errors
  }

  /**
   * The message at a field, as a screen reader announces it ("Error: Enter your full name"), found as
   * assistive technology finds it: through the aria-describedby of the field or of the fieldset around it (a
   * group of checkboxes); '' when the field shows none.
   */
  async fieldError(fieldId: string): Promise<string> {
    const field = this.page.locator(`[id="${fieldId}"]`)
    for (const described of [field, field.locator('xpath=ancestor::fieldset[1]')]) {
      if ((await described.count()) === 0) continue
      const ids = ((await described.getAttribute('aria-describedby')) ?? '').split(/\s+/)
      for (const id of ids.filter((part) => part !== '')) {
        const description = this.page.locator(`[id="${id}"]`)
        if ((await description.getAttribute('class'))?.includes('nhsuk-error-message'))
          return normaliseSpace((await description.textContent()) ?? '')
      }
    }
    return ''
  }

  /** The links of the header's "Your account" navigation: "Sign in", or the person's name and "Sign out". */
  accountLinks(): Promise<string[]> {
    return this.textsOf(this.page.getByRole('navigation', { name: 'Your account' }).getByRole('link'))
  }

  async followAccountLink(text: string): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Your account' })
      .getByRole('link', { name: text, exact: true })
      .click()
  }

  /** The success banner at the top of the page, without its "Success" title; '' when there is none. */
  async successNotice(): Promise<string> {
    const banner = this.page.locator('.nhsuk-notification-banner--success')
    if ((await banner.count()) === 0) return ''
    return normaliseSpace(await banner.locator('.nhsuk-notification-banner__content').innerText())
  }

  /** Presses a form's button and waits for the page that answers (see answerTo). */
  protected submitWith(button: Locator): Promise<void> {
    return answerTo(this.page, () => button.click())
  }

  /** The visible text of each element the locator matches, with white space collapsed. */
  protected async textsOf(locator: Locator): Promise<string[]> {
    return (await locator.allInnerTexts()).map(normaliseSpace)
  }
}
