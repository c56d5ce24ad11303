import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class OrganisationPage extends TrellisPage {
  static async verifyOnPage(page: Page, name: string): Promise<OrganisationPage> {
    await verifyHeading(page, name)
    return new OrganisationPage(page)
  }
}
