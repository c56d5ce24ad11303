import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

export class OrganisationsPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<OrganisationsPage> {
    await verifyHeading(page, 'NHS organisations')
    return new OrganisationsPage(page)
  }

  readonly searchField = this.page.getByLabel('Name, ODS code or postcode')

  async search(text: string): Promise<void> {
    await this.searchField.fill(text)
    // The same page answers, so wait for the searched address rather than for a new heading.
    await Promise.all([
      this.page.waitForURL((url) => url.searchParams.get('q') === text),
      this.page.getByRole('button', { name: 'Find organisations' }).click(),
    ])
  }

  async status(): Promise<string> {
    return normaliseSpace(await this.main.getByRole('status').innerText())
  }

  organisationNames(): Promise<string[]> {
    return this.textsOf(this.page.locator('.trellis-organisations li > a'))
  }

  async openOrganisation(name: string): Promise<void> {
    await this.main.getByRole('link', { name, exact: true }).click()
  }
}
