import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

export class NotFoundPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<NotFoundPage> {
    await verifyHeading(page, 'Page not found')
    return new NotFoundPage(page)
  }
}

/** A request the service could not accept, such as a filter value it does not know, in the NHS error pattern. */
export class BadRequestPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<BadRequestPage> {
    await verifyHeading(page, 'There is a problem with the page address')
    return new BadRequestPage(page)
  }

  readonly errorSummary = this.page.locator('.nhsuk-error-summary')

  async errorSummaryTitle(): Promise<string> {
    return normaliseSpace(await this.errorSummary.getByRole('heading').innerText())
  }

  errors(): Promise<string[]> {
    return this.textsOf(this.errorSummary.locator('li'))
  }
}
