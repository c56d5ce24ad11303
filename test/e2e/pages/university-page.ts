import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class UniversityPage extends TrellisPage {
  static async verifyOnPage(page: Page, name: string): Promise<UniversityPage> {
    await verifyHeading(page, name)
    return new UniversityPage(page)
  }

  programmeNames(): Promise<string[]> {
    return this.textsOf(this.page.locator('h2:has-text("Programmes aligned with the framework") + ul a'))
  }

  async openProgramme(name: string): Promise<void> {
    await this.main.getByRole('link', { name, exact: true }).click()
  }

  async openModule(name: string): Promise<void> {
    await this.main.getByRole('table').getByRole('link', { name, exact: true }).click()
  }
}
