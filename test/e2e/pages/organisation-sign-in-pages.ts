import type { Locator, Page } from 'playwright-core'
import { SignInPage } from './sign-in-page.ts'
import { TrellisPage, answerTo, normaliseSpace, verifyHeading } from './trellis-page.ts'

/**
 * Signing in with an organisation's own OpenID provider: Trellis's sign-in page with its "Sign in with …"
 * buttons, the provider's own login page (the test provider's, bare: not Trellis's to make accessible), and
 * Trellis's page for a sign-in that stopped there.
 */

/** "Sign in to Trellis", with a button (a link drawn as one) for each organisation's provider above the form. */
export class SignInWithOrganisationPage extends SignInPage {
  static override async verifyOnPage(page: Page): Promise<SignInWithOrganisationPage> {
    await SignInPage.verifyOnPage(page)
    return new SignInWithOrganisationPage(page)
  }

  private readonly organisationSection = this.main
    .locator('h2', { hasText: "With your organisation's account" })
    .locator('xpath=following-sibling::ul[1]')

  /** The text of each organisation's button, in order. */
  organisationButtons(): Promise<string[]> {
    return this.textsOf(this.organisationSection.locator('.nhsuk-button'))
  }

  /** The address an organisation's button leads to (it carries `next` on, when there is one). */
  organisationButtonHref(providerName: string): Promise<string | null> {
    return this.organisationButton(providerName).getAttribute('href')
  }

  /** Follows "Sign in with <provider>", which leaves Trellis for the provider. */
  async signInWith(providerName: string): Promise<void> {
    await this.organisationButton(providerName).click()
  }

  private organisationButton(providerName: string) {
    // nhsuk-frontend gives a link drawn as a button the button role: assistive technology hears a button.
    return this.organisationSection.getByRole('button', { name: `Sign in with ${providerName}`, exact: true })
  }
}

/** The provider's login page: a field for the account and a "Sign in" button, and a "Cancel" button. */
export class ProviderLoginPage {
  static async verifyOnPage(page: Page, issuer: string): Promise<ProviderLoginPage> {
    await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/'), {
      timeout: 10_000,
    })
    const login = new ProviderLoginPage(page)
    await login.accountField.waitFor()
    return login
  }

  readonly accountField: Locator

  private constructor(readonly page: Page) {
    this.accountField = page.locator('input[name="account"]')
  }

  /** Signs in as `account`: the provider then sends the browser back to Trellis, wherever that leads. */
  async signInAs(account: string): Promise<void> {
    await this.accountField.fill(account)
    await answerTo(this.page, () => this.page.getByRole('button', { name: 'Sign in', exact: true }).click())
  }

  /** Gives up at the provider, which sends the browser back to Trellis with `error=access_denied`. */
  async cancel(): Promise<void> {
    await answerTo(this.page, () => this.page.getByRole('button', { name: 'Cancel', exact: true }).click())
  }
}

/** Trellis's page for a sign-in with an organisation that stopped: cancelled, refused, expired or failed. */
export class OrganisationSignInProblemPage extends TrellisPage {
  static async verifyOnPage(page: Page, heading: string): Promise<OrganisationSignInProblemPage> {
    await verifyHeading(page, heading)
    return new OrganisationSignInProblemPage(page)
  }

  paragraphs(): Promise<string[]> {
    return this.textsOf(this.main.locator('p'))
  }

  /** Each way on the page offers (the "Try again" button is a link drawn as one), with where it leads. */
  async waysOn(): Promise<{ text: string; href: string | null }[]> {
    const ways: { text: string; href: string | null }[] = []
    for (const link of await this.main.locator('a').all())
      ways.push({ text: normaliseSpace(await link.innerText()), href: await link.getAttribute('href') })
    return ways
  }

  /** "Try again": a link drawn as a button (so with the button role) back out to the provider. */
  async tryAgain(): Promise<void> {
    await this.main.getByRole('button', { name: 'Try again', exact: true }).click()
  }
}
