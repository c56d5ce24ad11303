import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** The search page: its form, and once a query is given, the results with matched words marked. */
export class SearchResultsPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<SearchResultsPage> {
    await verifyHeading(page, 'Search results')
    return new SearchResultsPage(page)
  }

  readonly results = this.page.locator('.trellis-results__item')

  /** The live status line: "24 results for “doctoral fellowship”, page 1 of 2." */
  async status(): Promise<string> {
    return normaliseSpace(await this.main.getByRole('status').innerText())
  }

  /** The query as the page's own search field shows it, ready to refine. */
  query(): Promise<string> {
    return this.main.getByRole('searchbox').inputValue()
  }

  resultTitles(): Promise<string[]> {
    return this.textsOf(this.results.locator('.trellis-results__title'))
  }

  /** Every word the page marks as matching, in <mark>. */
  markedWords(): Promise<string[]> {
    return this.textsOf(this.results.locator('mark'))
  }

  async openResult(title: string): Promise<void> {
    await this.results.getByRole('link', { name: title, exact: true }).click()
  }
}
