import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/** The public page where anyone pastes or uploads a digital credential to check it. */
export class VerifyCredentialPage extends TrellisPage {
  static readonly heading = 'Check a digital credential'

  static async verifyOnPage(page: Page): Promise<VerifyCredentialPage> {
    await verifyHeading(page, VerifyCredentialPage.heading)
    return new VerifyCredentialPage(page)
  }

  readonly pasteField = this.main.getByLabel('Paste the credential')
  readonly fileField = this.main.getByLabel('Or upload the credential file')
  readonly checkButton = this.main.getByRole('button', { name: 'Check credential' })

  async checkNothing(): Promise<void> {
    await this.submitWith(this.checkButton)
  }

  async paste(json: string): Promise<void> {
    await this.pasteField.fill(json)
    await this.submitWith(this.checkButton)
  }

  async upload(fileName: string, content: string): Promise<void> {
    await this.fileField.setInputFiles({
      name: fileName,
      mimeType: 'application/json',
      buffer: Buffer.from(content),
    })
    await this.submitWith(this.checkButton)
  }
}

/** The verdict on a credential: a heading, what it claims, and each check explained. */
export class CredentialVerdictPage extends TrellisPage {
  static async verifyOnPage(page: Page, heading: string): Promise<CredentialVerdictPage> {
    await verifyHeading(page, heading)
    return new CredentialVerdictPage(page)
  }

  /** A check's card: its title, its result as a tag, and what was checked, found and what it means. */
  check(name: 'signature' | 'schema' | 'status' | 'validity' | 'issuer') {
    return this.main.locator(`#check-${name}`)
  }

  async checkAnother(): Promise<void> {
    await this.page.getByRole('link', { name: 'Check another credential' }).first().click()
  }
}
