import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class ProfessionsPage extends TrellisPage {
  static readonly heading = 'Explore clinical research careers by profession'

  static async verifyOnPage(page: Page): Promise<ProfessionsPage> {
    await verifyHeading(page, ProfessionsPage.heading)
    return new ProfessionsPage(page)
  }

  /** The professional groups, one heading each. */
  groupHeadings(): Promise<string[]> {
    return this.textsOf(this.main.getByRole('heading', { level: 2 }))
  }

  professionLink(name: string) {
    return this.main.getByRole('link', { name, exact: true })
  }

  async chooseProfession(name: string): Promise<void> {
    await this.professionLink(name).click()
  }
}
