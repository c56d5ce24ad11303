import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** A profession's pathway: its stages in order, each linking to the stage's own page. */
export class ProfessionPage extends TrellisPage {
  /** `plural` as the page says it: "nurses", "doctors". */
  static async verifyOnPage(page: Page, plural: string): Promise<ProfessionPage> {
    await verifyHeading(page, `Clinical research careers for ${plural}`)
    return new ProfessionPage(page, plural)
  }

  private constructor(
    page: Page,
    readonly plural: string,
  ) {
    super(page)
  }

  /** The stage names of the pathway, in the order the page lists them (without the numbers drawn beside). */
  async stageNames(): Promise<string[]> {
    const headings = await this.textsOf(this.page.locator('.trellis-stages__heading'))
    return headings.map((heading) => heading.replace(/^\d+ /, ''))
  }

  registration(): Promise<string[]> {
    return this.textsOf(this.page.locator('h2:has-text("Registration") + ul > li'))
  }

  async openStage(stageName: string): Promise<void> {
    // The link's text is "Doctoral: schemes and details", and screen readers hear "for nurses" after it.
    const name = new RegExp(
      `^${escapeRegExp(stageName)}: schemes and details\\s+for ${escapeRegExp(this.plural)}$`,
    )
    await this.main.getByRole('link', { name }).click()
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
