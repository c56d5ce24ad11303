import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** A form that asks only for an email address and emails a link to it. */
abstract class EmailLinkRequestPage extends TrellisPage {
  readonly emailField = this.main.getByLabel('Email address', { exact: true })

  async sendLink(email: string): Promise<void> {
    await this.emailField.fill(email)
    await this.submitWith(this.main.getByRole('button', { name: 'Send the link', exact: true }))
  }
}

/** "Email me a link to sign in instead". */
export class SignInLinkRequestPage extends EmailLinkRequestPage {
  static async verifyOnPage(page: Page): Promise<SignInLinkRequestPage> {
    await verifyHeading(page, 'Get a link to sign in')
    return new SignInLinkRequestPage(page)
  }
}

/** "Forgotten your password?". */
export class PasswordResetRequestPage extends EmailLinkRequestPage {
  static async verifyOnPage(page: Page): Promise<PasswordResetRequestPage> {
    await verifyHeading(page, 'Reset your password')
    return new PasswordResetRequestPage(page)
  }
}
