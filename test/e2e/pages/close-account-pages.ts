import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

export class CloseAccountPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<CloseAccountPage> {
    await verifyHeading(page, 'Close your account')
    return new CloseAccountPage(page)
  }

  async close(confirmation: string, password: string): Promise<void> {
    await this.main.getByLabel('Type close to confirm', { exact: true }).fill(confirmation)
    await this.main.getByLabel('Your password', { exact: true }).fill(password)
    await this.submitWith(this.main.getByRole('button', { name: 'Close my account', exact: true }))
  }
}

export class AccountClosedPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<AccountClosedPage> {
    await verifyHeading(page, 'Your account is closed')
    return new AccountClosedPage(page)
  }
}
