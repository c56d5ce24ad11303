import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class HomePage extends TrellisPage {
  static readonly heading = 'Find your route into clinical research'

  static async open(page: Page): Promise<HomePage> {
    await page.goto('/')
    return HomePage.verifyOnPage(page)
  }

  static async verifyOnPage(page: Page): Promise<HomePage> {
    await verifyHeading(page, HomePage.heading)
    return new HomePage(page)
  }

  readonly startNowButton = this.page.getByRole('button', { name: 'Start now' })

  async startNow(): Promise<void> {
    await this.startNowButton.click()
  }

  /** The headings of the "Explore" cards. */
  cardHeadings(): Promise<string[]> {
    return this.textsOf(this.page.locator('.nhsuk-card__heading'))
  }
}
