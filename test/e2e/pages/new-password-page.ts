import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** Where a password reset link leads. */
export class NewPasswordPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<NewPasswordPage> {
    await verifyHeading(page, 'Choose a new password')
    return new NewPasswordPage(page)
  }

  readonly passwordField = this.main.getByLabel('New password', { exact: true })
  readonly confirmPasswordField = this.main.getByLabel('Enter the new password again', { exact: true })

  async choose(password: string, again = password): Promise<void> {
    await this.passwordField.fill(password)
    await this.confirmPasswordField.fill(again)
    await this.submitWith(this.main.getByRole('button', { name: 'Save the new password', exact: true }))
  }
}
