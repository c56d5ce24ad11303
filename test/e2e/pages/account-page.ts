import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** "Your account": the person's details, their organisations, security and their data. */
export class AccountPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<AccountPage> {
    await verifyHeading(page, 'Your account')
    return new AccountPage(page)
  }

  private readonly detailsList = this.main.locator('.nhsuk-summary-list').first()

  /** A row of the details at the top ("Name", "Email address", "Profession"…), by its exact key. */
  async detail(key: string): Promise<string> {
    for (const row of await this.detailsList.locator('.nhsuk-summary-list__row').all()) {
      if (normaliseSpace(await row.locator('.nhsuk-summary-list__key').innerText()) === key)
        return normaliseSpace(await row.locator('.nhsuk-summary-list__value').innerText())
    }
    throw new Error(`Your account has no detail "${key}"`)
  }

  /** The tags beside the email address, such as "Verified NHS email". */
  emailTags(): Promise<string[]> {
    return this.textsOf(this.detailsList.locator('.nhsuk-tag'))
  }

  /** Each organisation the person belongs to, with their roles there. */
  async organisations(): Promise<{ organisation: string; roles: string }[]> {
    const section = this.main.locator('h2', { hasText: 'Your organisations' })
    const list = section.locator('xpath=following-sibling::*[1][contains(@class, "nhsuk-summary-list")]')
    if ((await list.count()) === 0) return []
    const rows: { organisation: string; roles: string }[] = []
    for (const row of await list.locator('.nhsuk-summary-list__row').all()) {
      rows.push({
        organisation: normaliseSpace(await row.locator('.nhsuk-summary-list__key').innerText()),
        roles: normaliseSpace(await row.locator('.nhsuk-summary-list__value').innerText()),
      })
    }
    return rows
  }

  readonly downloadDataLink = this.main.getByRole('link', {
    name: 'Download everything Trellis holds about you',
  })

  async openLearningRecord(): Promise<void> {
    await this.main.getByRole('link', { name: 'Your learning record', exact: true }).click()
  }

  /** For a university's programme leads and academic supervisors: its learners. */
  async openLearnersAt(university: string): Promise<void> {
    await this.main.getByRole('link', { name: `Learners at ${university}`, exact: true }).click()
  }

  async manageMembersOf(organisation: string): Promise<void> {
    await this.main.getByRole('link', { name: `Manage the members of ${organisation}`, exact: true }).click()
  }

  /** Follows the "Change" link of one detail: "name", "profession" or "registration number". */
  async changeDetail(detail: 'name' | 'profession' | 'registration number'): Promise<void> {
    await this.main.getByRole('link', { name: `Change ${detail}`, exact: true }).click()
  }

  async closeAccount(): Promise<void> {
    await this.main.getByRole('link', { name: 'Close your account', exact: true }).click()
  }
}
