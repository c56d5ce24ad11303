import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** One career stage of one profession's pathway, with the funded schemes open at that stage. */
export class StagePage extends TrellisPage {
  static async verifyOnPage(page: Page, stageName: string): Promise<StagePage> {
    await verifyHeading(page, stageName)
    return new StagePage(page)
  }

  /** The names of the funded schemes listed for this stage. */
  schemeNames(): Promise<string[]> {
    return this.textsOf(this.page.locator('.trellis-scheme-detail h3'))
  }

  async openScheme(name: string): Promise<void> {
    await this.main.getByRole('link', { name, exact: true }).click()
  }

  /** The "Previous" and "Next" stage links at the foot of the page. */
  pagination(): Promise<string[]> {
    return this.textsOf(this.page.getByRole('navigation', { name: 'Career stages' }).getByRole('link'))
  }
}
