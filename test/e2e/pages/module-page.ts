import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class ModulePage extends TrellisPage {
  static async verifyOnPage(page: Page, name: string): Promise<ModulePage> {
    await verifyHeading(page, name)
    return new ModulePage(page)
  }
}
