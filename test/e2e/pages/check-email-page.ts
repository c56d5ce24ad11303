import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** "Check your email": after signing up, asking for a sign-in link, or asking to reset a password. */
export class CheckEmailPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<CheckEmailPage> {
    await verifyHeading(page, 'Check your email')
    return new CheckEmailPage(page)
  }

  /** The paragraphs under the heading. */
  paragraphs(): Promise<string[]> {
    return this.textsOf(this.main.locator('p'))
  }
}
