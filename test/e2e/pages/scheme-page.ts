import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class SchemePage extends TrellisPage {
  static async verifyOnPage(page: Page, name: string): Promise<SchemePage> {
    await verifyHeading(page, name)
    return new SchemePage(page)
  }

  eligibleProfessions(): Promise<string[]> {
    return this.textsOf(
      this.page.locator('h2:has-text("Professions that can apply") ~ ul').first().getByRole('link'),
    )
  }

  formerNames(): Promise<string[]> {
    return this.textsOf(this.page.locator('h2:has-text("Former names") + p + ul > li'))
  }
}
