import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/**
 * Where a link from an email lands: the person presses a button to use it, so that a mail scanner that opens
 * the link does not use it up.
 */
export class ConfirmLinkPage extends TrellisPage {
  static async verifyOnPage(page: Page, heading: string, buttonText: string): Promise<ConfirmLinkPage> {
    await verifyHeading(page, heading)
    const confirm = new ConfirmLinkPage(page, buttonText)
    await confirm.button.waitFor()
    return confirm
  }

  private constructor(
    page: Page,
    private readonly buttonText: string,
  ) {
    super(page)
  }

  get button() {
    return this.main.getByRole('button', { name: this.buttonText, exact: true })
  }

  /** "For name@nhs.net." */
  async forWhom(): Promise<string> {
    return normaliseSpace(await this.main.locator('p').first().innerText())
  }

  async confirm(): Promise<void> {
    await this.submitWith(this.button)
  }
}
