import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** "How you sign in": the password, links by email, and the organisations' providers, added or not. */
export class SignInMethodsPage extends TrellisPage {
  static async verifyOnPage(page: Page): Promise<SignInMethodsPage> {
    await verifyHeading(page, 'How you sign in')
    return new SignInMethodsPage(page)
  }

  /** Each organisation's sign-in offered, by its name, with what the page says of it. */
  async organisationSignIns(): Promise<{ provider: string; status: string }[]> {
    const section = this.main.locator('h2', { hasText: "Your organisation's sign-in" })
    const items = section.locator('xpath=following-sibling::ul[1]/li')
    const found: { provider: string; status: string }[] = []
    for (const item of await items.all()) {
      found.push({
        provider: normaliseSpace(await item.locator('h3').innerText()),
        status: normaliseSpace(await item.locator('p, button').first().innerText()),
      })
    }
    return found
  }
}
