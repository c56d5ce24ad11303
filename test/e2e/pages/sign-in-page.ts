import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** Sign in with an email address and password, or go on to an emailed link, a reset or a new account. */
export class SignInPage extends TrellisPage {
  static readonly heading = 'Sign in to Trellis'

  static async verifyOnPage(page: Page): Promise<SignInPage> {
    await verifyHeading(page, SignInPage.heading)
    return new SignInPage(page)
  }

  readonly emailField = this.main.getByLabel('Email address', { exact: true })
  readonly passwordField = this.main.getByLabel('Password', { exact: true })
  readonly signInButton = this.main.getByRole('button', { name: 'Sign in', exact: true })

  async signIn(email: string, password: string): Promise<void> {
    await this.emailField.fill(email)
    await this.passwordField.fill(password)
    await this.submitWith(this.signInButton)
  }

  /** Where the form sends the person once signed in, when they came here from a page that needed it. */
  async next(): Promise<string | null> {
    const field = this.main.locator('input[type="hidden"][name="next"]')
    return (await field.count()) === 0 ? null : field.getAttribute('value')
  }

  async askForEmailedLink(): Promise<void> {
    await this.main.getByRole('link', { name: 'Email me a link to sign in instead' }).click()
  }

  async forgottenPassword(): Promise<void> {
    await this.main.getByRole('link', { name: 'Forgotten your password?' }).click()
  }

  async createAccount(): Promise<void> {
    await this.main.getByRole('link', { name: 'Create an account' }).click()
  }
}
