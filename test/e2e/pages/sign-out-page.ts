import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** The header's "Sign out" link opens this: signing out is a button (a POST), never a link that does it. */
export class SignOutPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<SignOutPage> {
    await verifyHeading(page, 'Sign out')
    return new SignOutPage(page)
  }

  async signOut(): Promise<void> {
    await this.submitWith(this.main.getByRole('button', { name: 'Sign out', exact: true }))
  }
}

export class SignedOutPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<SignedOutPage> {
    await verifyHeading(page, 'You have signed out')
    return new SignedOutPage(page)
  }

  /** The warning shown after signing out of a session begun with an organisation's account; '' when none. */
  async warning(): Promise<string> {
    const callout = this.main.locator('.nhsuk-card--warning')
    return (await callout.count()) === 0 ? '' : normaliseSpace(await callout.innerText())
  }
}
