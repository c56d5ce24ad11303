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

  async errorSummaryTitle(): Promise<string> {
    return normaliseSpace(await this.errorSummary.getByRole('heading').innerText())
  }

  errors(): Promise<string[]> {
    return this.textsOf(this.errorSummary.locator('li'))
  }
}

/** A signed-in person asking for something their roles do not allow. */
export class ForbiddenPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<ForbiddenPage> {
    await verifyHeading(page, 'You do not have permission')
    return new ForbiddenPage(page)
  }
}
