import type { Page } from 'playwright-core'
import { TrellisPage, verifyHeading } from './trellis-page.ts'

/**
 * "Complete your profile": where the first sign-in with an organisation's provider lands, to give what no
 * provider knows (the profession and the registration number) before anything else.
 */
export class CompleteProfilePage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<CompleteProfilePage> {
    await verifyHeading(page, 'Complete your profile')
    return new CompleteProfilePage(page)
  }

  readonly fullNameField = this.main.getByLabel('Full name', { exact: true })
  readonly professionField = this.main.getByLabel('Your profession', { exact: true })
  readonly registrationNumberField = this.main.getByLabel('Professional registration number', { exact: true })

  /** The paragraphs under the heading, outside the form. */
  paragraphs(): Promise<string[]> {
    return this.textsOf(this.main.locator('h1 ~ p'))
  }

  /** Where the form sends the person once saved, when they were on their way somewhere. */
  async next(): Promise<string | null> {
    const field = this.main.locator('input[type="hidden"][name="next"]')
    return (await field.count()) === 0 ? null : field.getAttribute('value')
  }

  /** Fills in what is given (the option's text for the profession), leaves the rest, and saves. */
  async save(answers: { profession?: string; registrationNumber?: string } = {}): Promise<void> {
    if (answers.profession !== undefined)
      await this.professionField.selectOption({ label: answers.profession })
    if (answers.registrationNumber !== undefined)
      await this.registrationNumberField.fill(answers.registrationNumber)
    await this.submitWith(this.main.getByRole('button', { name: 'Save and continue', exact: true }))
  }
}
