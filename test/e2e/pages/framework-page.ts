import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class FrameworkPage extends TrellisPage {
  static readonly heading = 'NIHR–AoMRC Clinician Researcher Credentials Framework'

  static async verifyOnPage(page: Page): Promise<FrameworkPage> {
    await verifyHeading(page, FrameworkPage.heading)
    return new FrameworkPage(page)
  }

  /** The progression diagram: an SVG that must have role="img", a name and a description. */
  readonly diagram = this.page.locator('svg.trellis-diagram')

  readonly creditsTable = this.page.getByRole('table', {
    name: 'Credits and what each level prepares you for',
  })

  /** Each row of the table beside the diagram: the level and its credits ("+60 = 120"). */
  async creditsByLevel(): Promise<{ level: string; credits: string }[]> {
    const rows = this.creditsTable.locator('tbody tr')
    const result: { level: string; credits: string }[] = []
    for (const row of await rows.all()) {
      const [level, credits] = await this.textsOf(row.locator('th, td'))
      result.push({ level: level ?? '', credits: credits ?? '' })
    }
    return result
  }

  async openUniversity(name: string): Promise<void> {
    await this.main.getByRole('heading', { name, exact: true }).getByRole('link').click()
  }
}
