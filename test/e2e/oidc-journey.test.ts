import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkAccessibility,
  collectPageErrors,
  readFocus,
  reserveFreePort,
  saveScreenshot,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import { signOut } from './identity-journeys.ts'
import { serviceTitle } from './journeys.ts'
import { Mailbox } from './mailbox.ts'
import { AccountPage } from './pages/account-page.ts'
import { CompleteProfilePage } from './pages/complete-profile-page.ts'
import { ForbiddenPage } from './pages/error-pages.ts'
import { HomePage } from './pages/home-page.ts'
import { InvitationPage } from './pages/invitation-page.ts'
import {
  OrganisationSignInProblemPage,
  ProviderLoginPage,
  SignInWithOrganisationPage,
} from './pages/organisation-sign-in-pages.ts'
import { SignInMethodsPage } from './pages/sign-in-methods-page.ts'
import { seedMember } from './seed-accounts.ts'
import { startOidcTestProvider, type OidcTestProvider } from '../support/oidc-test-provider.ts'
import { testEngines } from '../support/test-database.ts'

// A new user through their organisation's OpenID provider, in Chromium: a nurse signs in to Trellis for the
// first time with her trust's sign-in (a real provider, oidc-provider, on a port of its own), is asked for
// what no provider knows (her profession and registration number, a missing and a badly formed answer
// first), joins the trust by its research lead's invitation, is refused what a learner may not do, signs out
// and comes back through the provider to where she was going. And someone who cancels at the provider is
// told so plainly. axe runs on every Trellis page state; the provider's own bare test pages are not Trellis's.

const trust = 'The Newcastle upon Tyne Hospitals NHS Foundation Trust'
const trustId = 'RTD'
const providerId = 'newcastle-nhs'
const providerName = 'Newcastle Hospitals NHS login'
/** Each test walks several page states, through the provider and back, and runs axe on each. */
const journeyTimeout = { timeout: 90_000 }

/** The nurse, as her trust's provider knows her: it gives her address in mixed case, and verified. */
const ngozi = {
  account: 'ngozi.adeyemi',
  fullName: 'Ngozi Adeyemi',
  providerEmail: 'Ngozi.Adeyemi@nhs.net',
  /** As Trellis keeps it. */
  email: 'ngozi.adeyemi@nhs.net',
  profession: 'Nurse (Nursing and midwifery)',
  registrationNumber: '24b 6810c',
  registrationNumberShown: '24B6810C',
}

for (const engine of testEngines()) {
  describe(`[${engine}]`, () => {
    let provider: OidcTestProvider
    let harness: BrowserHarness
    let mailbox: Mailbox

    beforeAll(async () => {
      // The provider must know Trellis's callback address before either starts, so the port comes first.
      const port = await reserveFreePort()
      const appUrl = `http://127.0.0.1:${port}`
      provider = await startOidcTestProvider({
        redirectUris: [`${appUrl}/sign-in/oidc/${providerId}/callback`],
        accounts: [
          {
            sub: ngozi.account,
            email: ngozi.providerEmail,
            email_verified: true,
            name: ngozi.fullName,
          },
        ],
      })
      harness = await startBrowserHarness(
        {
          oidcProviders: [
            {
              id: providerId,
              name: providerName,
              issuer: provider.issuer,
              clientId: provider.clientId,
              clientSecret: provider.clientSecret,
            },
          ],
        },
        { engine, port, otherOrigins: [provider.issuer] },
      )
      mailbox = new Mailbox(harness.testApp.services.emailOutbox, harness.baseUrl)
    })

    afterAll(async () => {
      await harness?.close()
      await provider?.close()
    })

    describe("a new user through their trust's OpenID provider", journeyTimeout, () => {
      /** Ngozi's own browser: the steps below continue in it, one from where the last left off. */
      let page: Page
      let pageErrors: string[]
      let account: AccountPage
      const checkAxe = (label: string) => checkAccessibility(page, label)

      beforeAll(async () => {
        page = await harness.newPage()
        pageErrors = collectPageErrors(page)
      })

      afterAll(() => {
        expect(pageErrors, 'uncaught script errors').toEqual([])
      })

      it('signs in with the trust for the first time, and completes the profile (a missing profession and a badly formed number first)', async () => {
        const home = await HomePage.open(page)
        expect(await home.accountLinks()).toEqual(['Sign in'])
        await checkAxe('home page, signed out')
        await home.followAccountLink('Sign in')
        const signIn = await SignInWithOrganisationPage.verifyOnPage(page)
        expect(await signIn.organisationButtons()).toEqual([`Sign in with ${providerName}`])
        await checkAxe('sign in, with the organisation’s provider offered')

        await signIn.signInWith(providerName)
        const login = await ProviderLoginPage.verifyOnPage(page, provider.issuer)
        await login.signInAs(ngozi.account)

        // Back at Trellis, signed in already, and asked for what the provider could not say.
        const profile = await CompleteProfilePage.verifyOnPage(page)
        expect(new URL(page.url()).origin).toBe(harness.baseUrl)
        expect(new URL(page.url()).pathname).toBe('/account/complete-profile')
        expect(await profile.title()).toBe(`Complete your profile ${serviceTitle}`)
        expect(await profile.accountLinks()).toEqual([ngozi.fullName, 'Research placements', 'Sign out'])
        expect(await profile.fullNameField.inputValue()).toBe(ngozi.fullName)
        expect(await profile.professionField.inputValue()).toBe('')
        expect(await profile.registrationNumberField.inputValue()).toBe('')
        await checkAxe('complete your profile')
        await saveScreenshot(page, 'complete-profile')

        await profile.save()
        const noProfession = await CompleteProfilePage.verifyOnPage(page)
        expect(await noProfession.title()).toBe(`Error: Complete your profile ${serviceTitle}`)
        expect(await noProfession.summarisedErrors()).toEqual([
          { href: '#profession', text: 'Select your profession' },
        ])
        expect(await noProfession.fieldError('profession')).toBe('Error: Select your profession')
        expect(await noProfession.fullNameField.inputValue()).toBe(ngozi.fullName)
        // nhsuk-frontend moves focus to the error summary, so that a screen reader announces it at once.
        const focus = await readFocus(page)
        expect(focus?.text).toMatch(/^There is a problem/)
        expect(focus?.hasFocusStyle).toBe(true)
        await checkAxe('complete your profile, no profession')

        await noProfession.save({ profession: ngozi.profession, registrationNumber: '12345' })
        const badNumber = await CompleteProfilePage.verifyOnPage(page)
        expect(await badNumber.title()).toBe(`Error: Complete your profile ${serviceTitle}`)
        const formatError =
          'Enter a registration number in the right format: 8 characters, 2 digits, a letter, 4 digits and a letter, for example 71A2998E'
        expect(await badNumber.summarisedErrors()).toEqual([
          { href: '#registrationNumber', text: formatError },
        ])
        expect(await badNumber.fieldError('registrationNumber')).toBe(`Error: ${formatError}`)
        expect(await badNumber.fieldError('profession')).toBe('')
        // What she chose and typed is kept.
        expect(await badNumber.professionField.inputValue()).toBe('nurse')
        expect(await badNumber.registrationNumberField.inputValue()).toBe('12345')
        expect((await readFocus(page))?.text).toMatch(/^There is a problem/)
        await checkAxe('complete your profile, badly formed registration number')

        await badNumber.save({ registrationNumber: ngozi.registrationNumber })
        account = await AccountPage.verifyOnPage(page)
        expect(new URL(page.url()).pathname).toBe('/account')
        expect(await account.successNotice()).toBe('Your details have been saved.')
        expect(await account.accountLinks()).toEqual([ngozi.fullName, 'Research placements', 'Sign out'])
        expect(await account.detail('Name')).toBe(ngozi.fullName)
        // The provider's word that the address is hers is enough: no email to confirm it, and it is on nhs.net.
        expect(await account.detail('Email address')).toBe(`${ngozi.email} Verified NHS email`)
        expect(await account.emailTags()).toEqual(['Verified NHS email'])
        expect(await account.detail('Profession')).toBe('Nurse')
        expect(await account.detail('Registration number')).toBe(ngozi.registrationNumberShown)
        expect(await account.detail('Password')).toBe(
          "Not set: you sign in with a link or your organisation's account",
        )
        expect(await account.organisations()).toEqual([])
        await checkAxe('your account, just made through the provider')
        await saveScreenshot(page, 'account-made-through-a-provider')

        // Once complete, the profile page sends her on.
        await page.goto('/account/complete-profile')
        account = await AccountPage.verifyOnPage(page)
        expect(new URL(page.url()).pathname).toBe('/account')
        expect(await account.successNotice()).toBe('')
        await checkAxe('your account, without a notice')

        await page.getByRole('link', { name: 'How you sign in', exact: true }).click()
        const methods = await SignInMethodsPage.verifyOnPage(page)
        expect(await methods.summaryValue('Password')).toBe('Not set')
        expect(await methods.organisationSignIns()).toEqual([
          {
            provider: providerName,
            status: expect.stringMatching(
              new RegExp(`^Added on \\d{1,2} \\w+ \\d{4}\\. You can sign in with ${providerName}\\.$`),
            ),
          },
        ])
        await checkAxe('how you sign in, with the provider added')
      })

      it("joins the trust by its research lead's invitation, and is refused the members page as a learner", async () => {
        const lead = await seedMember(harness.testApp, mailbox, {
          fullName: 'Priya Shah',
          email: 'priya.shah@nhs.net',
          organisationId: trustId,
          roles: ['employer-research-lead'],
        })
        // The lead invites her by the services, as the members page does (identity-journey.test.ts walks that
        // page); the address is the one Trellis keeps for her.
        const invited = await harness.testApp.services.memberships.invite(
          {
            userId: lead.userId,
            displayName: lead.fullName,
            sessionId: 'the lead’s session',
            memberships: [{ organisationId: trustId, roles: ['employer-research-lead'] }],
          },
          trustId,
          ngozi.email,
          ['learner'],
          { requestId: 'lead-invites', ip: '192.0.2.200', userAgent: null },
        )
        expect(invited.ok).toBe(true)

        // Ngozi, still signed in in her own browser, opens the link in the email.
        await page.goto(
          await mailbox.linkIn(ngozi.email, `You have been invited to join ${trust} on Trellis`),
        )
        const invitation = await InvitationPage.verifyOnPage(page, trust)
        expect(await invitation.paragraphs()).toContainEqual(
          `You have been invited to join ${trust} on Trellis as: Learner.`,
        )
        await checkAxe('join the trust')

        await invitation.accept()
        account = await AccountPage.verifyOnPage(page)
        expect(await account.successNotice()).toBe(`You have joined ${trust}.`)
        expect(await account.organisations()).toEqual([{ organisation: trust, roles: 'Learner' }])
        expect(await page.getByRole('link', { name: /^Manage the members of/ }).count()).toBe(0)
        await checkAxe('your account, a learner at the trust')

        const response = await page.goto(`/organisations/${trustId}/members`)
        expect(response?.status()).toBe(403)
        const forbidden = await ForbiddenPage.verifyOnPage(page)
        expect(await forbidden.title()).toBe(`You do not have permission ${serviceTitle}`)
        expect(await forbidden.accountLinks()).toEqual([ngozi.fullName, 'Research placements', 'Sign out'])
        await checkAxe('you do not have permission, as a learner')
      })

      it('signs out, and signs in again through the provider on the way to her account, with no profile to complete', async () => {
        const signedOut = await signOut(account, checkAxe)
        expect(await signedOut.accountLinks()).toEqual(['Sign in'])
        // Trellis cannot sign her out of her trust's account: the page tells her so.
        expect(await signedOut.warning()).toMatch(
          /^Important: You may still be signed in to your organisation You signed in with your organisation's account/,
        )

        const response = await page.goto('/account')
        const signIn = await SignInWithOrganisationPage.verifyOnPage(page)
        expect(response?.url()).toBe(`${harness.baseUrl}/sign-in?next=%2Faccount`)
        expect(await signIn.organisationButtonHref(providerName)).toBe(
          `/sign-in/oidc/${providerId}?next=%2Faccount`,
        )
        await checkAxe('sign in, on the way to your account')

        const requestsBefore = provider.authorizationRequests.length
        await signIn.signInWith(providerName)
        // Still signed in at the provider (Trellis signed her out of Trellis only), she is sent straight back.
        account = await AccountPage.verifyOnPage(page)
        expect(provider.authorizationRequests.length).toBe(requestsBefore + 1)
        expect(new URL(page.url()).pathname).toBe('/account')
        expect(await account.successNotice()).toBe('')
        expect(await account.accountLinks()).toEqual([ngozi.fullName, 'Research placements', 'Sign out'])
        expect(await account.detail('Registration number')).toBe(ngozi.registrationNumberShown)
        expect(await account.organisations()).toEqual([{ organisation: trust, roles: 'Learner' }])
        await checkAxe('your account, signed in again through the provider')
      })
    })

    describe('cancelling at the provider', journeyTimeout, () => {
      it('says plainly that they did not sign in, and offers to try again or to sign in another way', async () => {
        const page = await harness.newPage()
        const pageErrors = collectPageErrors(page)
        await page.goto('/sign-in')
        const signIn = await SignInWithOrganisationPage.verifyOnPage(page)
        await signIn.signInWith(providerName)
        const login = await ProviderLoginPage.verifyOnPage(page, provider.issuer)
        await login.cancel()

        const cancelled = await OrganisationSignInProblemPage.verifyOnPage(
          page,
          'You did not sign in with your organisation',
        )
        const landed = new URL(page.url())
        expect(landed.origin).toBe(harness.baseUrl)
        expect(landed.pathname).toBe(`/sign-in/oidc/${providerId}/callback`)
        expect(await cancelled.title()).toBe(`You did not sign in with your organisation ${serviceTitle}`)
        expect(await cancelled.paragraphs()).toContainEqual(
          `${providerName} says you cancelled signing in, or did not allow Trellis to use your account. Nothing has changed.`,
        )
        expect(await cancelled.waysOn()).toEqual([
          { text: 'Try again', href: `/sign-in/oidc/${providerId}` },
          { text: 'Sign in another way', href: '/sign-in' },
        ])
        expect(await cancelled.accountLinks()).toEqual(['Sign in'])
        await checkAccessibility(page, 'you did not sign in with your organisation')
        await saveScreenshot(page, 'cancelled-at-the-provider')

        // "Try again" starts afresh at the provider.
        await cancelled.tryAgain()
        await ProviderLoginPage.verifyOnPage(page, provider.issuer)
        expect(pageErrors, 'uncaught script errors').toEqual([])
      })
    })
  })
}
