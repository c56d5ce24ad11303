import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** The list of funded schemes, with its filter form (a GET form: every filtered list has its own address). */
export class SchemesPage extends TrellisPage {
  static readonly heading = 'Funded schemes for clinical research training'

  static async verifyOnPage(page: Page): Promise<SchemesPage> {
    await verifyHeading(page, SchemesPage.heading)
    return new SchemesPage(page)
  }

  readonly profession = this.page.getByLabel('Profession', { exact: true })
  readonly stage = this.page.getByLabel('Career stage', { exact: true })
  readonly funder = this.page.getByLabel('Funder', { exact: true })

  /** Chooses filters by their visible option text and submits the form with its button. */
  async filter(choices: { profession?: string; stage?: string; funder?: string }): Promise<void> {
    if (choices.profession) await this.profession.selectOption({ label: choices.profession })
    if (choices.stage) await this.stage.selectOption({ label: choices.stage })
    if (choices.funder) await this.funder.selectOption({ label: choices.funder })
    // The same page answers, so wait for the filtered address rather than for a new heading.
    await Promise.all([
      this.page.waitForURL((url) => url.searchParams.has('profession')),
      this.page.getByRole('button', { name: 'Apply filters' }).click(),
    ])
  }

  /** What the filters show as chosen, by visible option text. */
  async chosenFilters(): Promise<{ profession: string; stage: string; funder: string }> {
    const chosen = async (select: typeof this.profession) =>
      normaliseSpace(await select.locator('option:checked').innerText())
    return {
      profession: await chosen(this.profession),
      stage: await chosen(this.stage),
      funder: await chosen(this.funder),
    }
  }

  /** "5 schemes open to nurses at the doctoral stage." */
  async status(): Promise<string> {
    return normaliseSpace(await this.main.getByRole('status').innerText())
  }

  /** The stage headings the listed schemes are grouped under. */
  stageHeadings(): Promise<string[]> {
    return this.textsOf(this.main.locator('h2[id^="stage-"]'))
  }

  schemeNames(): Promise<string[]> {
    return this.textsOf(this.main.locator('.trellis-scheme__name'))
  }

  async clearFilters(): Promise<void> {
    await Promise.all([
      this.page.waitForURL((url) => url.search === ''),
      this.main.getByRole('link', { name: 'Clear filters' }).click(),
    ])
  }
}
