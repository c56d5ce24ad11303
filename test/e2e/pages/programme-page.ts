import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class ProgrammePage extends TrellisPage {
  static async verifyOnPage(page: Page, name: string): Promise<ProgrammePage> {
    await verifyHeading(page, name)
    return new ProgrammePage(page)
  }

  readonly modulesTable = this.page.getByRole('table', { name: 'Modules of this programme' })

  /** Each module of the programme with its credits as shown ("15 credits", "Credits not stated"). */
  async moduleCredits(): Promise<{ module: string; credits: string }[]> {
    const result: { module: string; credits: string }[] = []
    for (const row of await this.modulesTable.locator('tbody tr').all()) {
      const [module, , credits] = await this.textsOf(row.locator('th, td'))
      result.push({ module: module ?? '', credits: credits ?? '' })
    }
    return result
  }

  creditsTotal(): Promise<string> {
    return this.page.locator('p', { hasText: /add up to|does not add them up/ }).innerText()
  }

  async openModule(name: string): Promise<void> {
    await this.modulesTable.getByRole('link', { name, exact: true }).click()
  }
}
