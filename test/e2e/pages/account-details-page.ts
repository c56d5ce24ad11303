import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class AccountDetailsPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<AccountDetailsPage> {
    await verifyHeading(page, 'Change your details')
    return new AccountDetailsPage(page)
  }

  readonly fullNameField = this.main.getByLabel('Full name', { exact: true })
  readonly professionField = this.main.getByLabel('Your profession', { exact: true })
  readonly registrationNumberField = this.main.getByLabel('Professional registration number', { exact: true })

  async save(changes: { profession?: string; registrationNumber?: string }): Promise<void> {
    if (changes.profession !== undefined)
      await this.professionField.selectOption({ label: changes.profession })
    if (changes.registrationNumber !== undefined)
      await this.registrationNumberField.fill(changes.registrationNumber)
    await this.submitWith(this.main.getByRole('button', { name: 'Save', exact: true }))
  }
}
