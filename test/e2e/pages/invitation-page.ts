import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** Where an invitation's link leads: "Join <organisation>". */
export class InvitationPage extends TrellisPage {
  static async verifyOnPage(page: Page, organisation: string): Promise<InvitationPage> {
    await verifyHeading(page, `Join ${organisation}`)
    return new InvitationPage(page, organisation)
  }

  private constructor(
    page: Page,
    private readonly organisation: string,
  ) {
    super(page)
  }

  paragraphs(): Promise<string[]> {
    return this.textsOf(this.main.locator('p'))
  }

  get acceptButton() {
    return this.main.getByRole('button', { name: `Accept and join ${this.organisation}`, exact: true })
  }

  async accept(): Promise<void> {
    await this.submitWith(this.acceptButton)
  }
}
