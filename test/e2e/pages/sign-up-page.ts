import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** Someone creating an account, as they fill in the form. */
export interface NewAccount {
  readonly fullName: string
  readonly email: string
  /** The option's text in the list, such as "Nurse (Nursing and midwifery)". */
  readonly profession: string
  readonly registrationNumber: string
  readonly password: string
}

export class SignUpPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<SignUpPage> {
    await verifyHeading(page, 'Create a Trellis account')
    return new SignUpPage(page)
  }

  readonly fullNameField = this.main.getByLabel('Full name', { exact: true })
  readonly emailField = this.main.getByLabel('Email address', { exact: true })
  readonly professionField = this.main.getByLabel('Your profession', { exact: true })
  readonly registrationNumberField = this.main.getByLabel('Professional registration number', { exact: true })
  readonly passwordField = this.main.getByLabel('Create a password', { exact: true })
  readonly confirmPasswordField = this.main.getByLabel('Enter the password again', { exact: true })

  async fillIn(account: NewAccount): Promise<void> {
    await this.fullNameField.fill(account.fullName)
    await this.emailField.fill(account.email)
    await this.professionField.selectOption({ label: account.profession })
    await this.registrationNumberField.fill(account.registrationNumber)
    await this.passwordField.fill(account.password)
    await this.confirmPasswordField.fill(account.password)
  }

  async createAccount(): Promise<void> {
    await this.submitWith(this.main.getByRole('button', { name: 'Create account' }))
  }
}
