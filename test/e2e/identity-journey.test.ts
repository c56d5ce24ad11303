import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkAccessibility,
  checkAccessibilityWithoutJavaScript,
  collectPageErrors,
  readFocus,
  saveScreenshot,
  startBrowserHarness,
  tabTo,
  type BrowserHarness,
} from './browser.ts'
import {
  completeSignUp,
  signInWithEmailedLink,
  signInWithPassword,
  signOut,
  signUpWithEmptyForm,
  type Person,
} from './identity-journeys.ts'
import { serviceTitle } from './journeys.ts'
import { Mailbox } from './mailbox.ts'
import { AccountDetailsPage } from './pages/account-details-page.ts'
import { AccountPage } from './pages/account-page.ts'
import { AccountClosedPage, CloseAccountPage } from './pages/close-account-pages.ts'
import { CheckEmailPage } from './pages/check-email-page.ts'
import { PasswordResetRequestPage } from './pages/email-link-request-pages.ts'
import { ForbiddenPage } from './pages/error-pages.ts'
import { HomePage } from './pages/home-page.ts'
import { InvitationPage } from './pages/invitation-page.ts'
import { MembersPage } from './pages/members-page.ts'
import { NewPasswordPage } from './pages/new-password-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'
import { answerTo } from './pages/trellis-page.ts'
import { seedMember } from './seed-accounts.ts'
import { testEngines } from '../support/test-database.ts'

// Accounts and organisations in Chromium: a new nurse signs up, signs in and out three ways, resets their
// password, is invited into their trust by its research lead, is refused what a learner may not do, and looks
// after and closes their account. axe runs on every page state, each error state included. Then the sign-up and
// sign-in part again without JavaScript, and the sign-in form with the keyboard alone. One app serves each
// database engine: PGlite always, and the PostgreSQL server when TEST_DATABASE_URL is set.

const trust = 'The Newcastle upon Tyne Hospitals NHS Foundation Trust'
const trustId = 'RTD'
/** Each test walks a dozen or more page states and runs axe on each: more than the default 30 s allows. */
const journeyTimeout = { timeout: 90_000 }

for (const engine of testEngines()) {
  describe(`[${engine}]`, () => {
    let harness: BrowserHarness
    let mailbox: Mailbox

    beforeAll(async () => {
      harness = await startBrowserHarness({}, { engine })
      mailbox = new Mailbox(harness.testApp.services.emailOutbox, harness.baseUrl)
    })

    afterAll(async () => {
      await harness?.close()
    })

    describe('accounts and organisations, with JavaScript', journeyTimeout, () => {
      let amara: Person = {
        fullName: 'Amara Okafor',
        email: 'amara.okafor@nhs.net',
        profession: 'Nurse (Nursing and midwifery)',
        // As typed, in lower case with a space: Trellis keeps it in capitals without the space.
        registrationNumber: '12a 3456b',
        registrationNumberShown: '12A3456B',
        password: 'copper kettle harbour',
      }
      /** Amara's own browser: the steps below continue in it, one from where the last left off. */
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

      it('creates an account: the empty form is refused field by field, then the emailed link confirms it', async () => {
        const refused = await signUpWithEmptyForm(page, checkAxe)
        // nhsuk-frontend moves focus to the error summary, so that a screen reader announces it at once.
        const focus = await readFocus(page)
        expect(focus?.text).toMatch(/^There is a problem/)
        expect(focus?.hasFocusStyle).toBe(true)

        account = await completeSignUp(refused, mailbox, amara, checkAxe)
        await saveScreenshot(page, 'account')
      })

      it('signs out, signs in with the password (a wrong one first), signs out and signs in with an emailed link', async () => {
        const signedOut = await signOut(account, checkAxe)
        // Signed in with a password: nothing to say about an organisation's account.
        expect(await signedOut.warning()).toBe('')
        account = await signInWithPassword(signedOut, amara, checkAxe)
        const signedOutAgain = await signOut(account, checkAxe)
        account = await signInWithEmailedLink(signedOutAgain, mailbox, amara, checkAxe)
      })

      it('resets a forgotten password by an emailed link, refusing one that is too short', async () => {
        const signedOut = await signOut(account, checkAxe)
        await signedOut.followAccountLink('Sign in')
        const signIn = await SignInPage.verifyOnPage(page)
        await signIn.forgottenPassword()
        const request = await PasswordResetRequestPage.verifyOnPage(page)
        await checkAxe('reset your password')

        await request.sendLink(amara.email)
        const checkEmail = await CheckEmailPage.verifyOnPage(page)
        expect(await checkEmail.paragraphs()).toContainEqual(
          `If there is a Trellis account for ${amara.email}, we have sent a link to reset its password. It works once and expires in 1 hour.`,
        )
        await checkAxe('check your email, for a link to reset the password')

        await page.goto(await mailbox.linkIn(amara.email, 'Reset your Trellis password'))
        const newPassword = await NewPasswordPage.verifyOnPage(page)
        await checkAxe('choose a new password')

        await newPassword.choose('too short')
        const refused = await NewPasswordPage.verifyOnPage(page)
        expect(await refused.title()).toBe(`Error: Choose a new password ${serviceTitle}`)
        expect(await refused.summarisedErrors()).toEqual([
          { href: '#password', text: 'Password must be 12 characters or more' },
        ])
        expect(await refused.fieldError('password')).toBe('Error: Password must be 12 characters or more')
        await checkAxe('choose a new password, too short')

        amara = { ...amara, password: 'willow lantern orchard' }
        await refused.choose(amara.password)
        account = await AccountPage.verifyOnPage(page)
        expect(await account.successNotice()).toBe(
          'Your password has been changed. You have been signed out on every other device.',
        )
        expect(await account.accountLinks()).toEqual([amara.fullName, 'Research placements', 'Sign out'])
        await checkAxe('your account, password changed')
        expect(
          (await mailbox.latestMessage(amara.email, 'Your Trellis password has changed')).text,
        ).toContain('you have been signed out on every other device')
      })

      it("joins the trust by its research lead's invitation, sent after a first try without a role", async () => {
        const lead = await seedMember(harness.testApp, mailbox, {
          fullName: 'Priya Shah',
          email: 'priya.shah@nhs.net',
          organisationId: trustId,
          roles: ['employer-research-lead'],
        })
        // The lead, in a browser of their own.
        const leadPage = await harness.newPage()
        const leadErrors = collectPageErrors(leadPage)
        const checkLead = (label: string) => checkAccessibility(leadPage, `${label} (the lead)`)
        await leadPage.goto('/sign-in')
        const signIn = await SignInPage.verifyOnPage(leadPage)
        await signIn.signIn(lead.email, lead.password)
        const leadAccount = await AccountPage.verifyOnPage(leadPage)
        expect(await leadAccount.organisations()).toEqual([
          { organisation: trust, roles: 'Employer research lead' },
        ])
        await checkLead('your account, as a trust research lead')
        await saveScreenshot(leadPage, 'account-of-a-lead')

        await leadAccount.manageMembersOf(trust)
        const members = await MembersPage.verifyOnPage(leadPage, trust)
        expect(new URL(leadPage.url()).pathname).toBe(`/organisations/${trustId}/members`)
        expect(await members.title()).toBe(`Members of ${trust} ${serviceTitle}`)
        expect(await members.memberNames()).toEqual(['Priya Shah'])
        expect(await members.memberSummary('Priya Shah')).toBe(`${lead.email} · Employer research lead`)
        expect(await members.invitations()).toEqual([])
        await checkLead('members of the trust')

        await members.invite(amara.email, [])
        const refused = await MembersPage.verifyOnPage(leadPage, trust)
        expect(await refused.title()).toBe(`Error: Members of ${trust} ${serviceTitle}`)
        expect(await refused.summarisedErrors()).toEqual([
          { href: '#roles', text: 'Select at least one role' },
        ])
        expect(await refused.fieldError('roles')).toBe('Error: Select at least one role')
        expect(await refused.inviteEmailField.inputValue()).toBe(amara.email)
        const focus = await readFocus(leadPage)
        expect(focus?.text).toMatch(/^There is a problem/)
        await checkLead('members of the trust, invitation without a role')

        await refused.invite(amara.email, ['Learner'])
        const invited = await MembersPage.verifyOnPage(leadPage, trust)
        expect(await invited.successNotice()).toBe('Invitation sent.')
        expect(await invited.invitations()).toEqual([
          expect.stringMatching(new RegExp(`^${amara.email} · Learner · expires \\d{1,2} \\w+ \\d{4}$`)),
        ])
        await checkLead('members of the trust, invitation sent')
        await saveScreenshot(leadPage, 'members')

        // Amara, still signed in in her own browser, opens the link in the email.
        await page.goto(
          await mailbox.linkIn(amara.email, `You have been invited to join ${trust} on Trellis`),
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
        // A learner manages nobody.
        expect(await page.getByRole('link', { name: /^Manage the members of/ }).count()).toBe(0)
        await checkAxe('your account, a learner at the trust')
        await saveScreenshot(page, 'account-of-a-learner')

        // The lead sees her join, and can change her roles.
        await leadPage.goto(`/organisations/${trustId}/members`)
        const joined = await MembersPage.verifyOnPage(leadPage, trust)
        expect(await joined.memberNames()).toEqual(['Amara Okafor', 'Priya Shah'])
        expect(await joined.memberSummary('Amara Okafor')).toBe(`${amara.email} · Learner`)
        expect(await joined.invitations()).toEqual([])
        await checkLead('members of the trust, with the new learner')
        await joined.openMemberActions('Amara Okafor')
        expect(await joined.memberRoles('Amara Okafor')).toEqual(['Learner'])
        await checkLead('members of the trust, changing the roles of the new learner')
        await saveScreenshot(leadPage, 'members-with-actions-open')
        expect(leadErrors, 'uncaught script errors in the lead’s browser').toEqual([])
      })

      it('refuses a learner the members page, and sends a visitor to sign in and back where they were going', async () => {
        const response = await page.goto(`/organisations/${trustId}/members`)
        expect(response?.status()).toBe(403)
        const forbidden = await ForbiddenPage.verifyOnPage(page)
        expect(await forbidden.title()).toBe(`You do not have permission ${serviceTitle}`)
        expect(await forbidden.accountLinks()).toEqual([amara.fullName, 'Research placements', 'Sign out'])
        await checkAxe('you do not have permission')

        // Someone at another computer, not signed in.
        for (const [path, arrive] of [
          ['/account', AccountPage.verifyOnPage],
          ['/account/details', AccountDetailsPage.verifyOnPage],
        ] as const) {
          const visitor = await harness.newPage()
          await visitor.goto(path)
          const signIn = await SignInPage.verifyOnPage(visitor)
          expect(new URL(visitor.url()).searchParams.get('next')).toBe(path)
          expect(await signIn.next()).toBe(path)
          await checkAccessibility(visitor, `sign in, on the way to ${path}`)
          await signIn.signIn(amara.email, amara.password)
          await arrive(visitor)
          expect(new URL(visitor.url()).pathname).toBe(path)
          await checkAccessibility(visitor, `${path}, after signing in`)
          await visitor.context().close()
        }
      })

      it('changes details (a badly formed registration number first), has a data download, and closes the account', async () => {
        await page.goto('/account')
        account = await AccountPage.verifyOnPage(page)
        expect(await account.successNotice()).toBe('')
        await checkAxe('your account, a learner at the trust, without a notice')
        await account.changeDetail('registration number')
        const details = await AccountDetailsPage.verifyOnPage(page)
        expect(await details.fullNameField.inputValue()).toBe(amara.fullName)
        expect(await details.registrationNumberField.inputValue()).toBe(amara.registrationNumberShown)
        await checkAxe('change your details')

        await details.save({ registrationNumber: '1234567' })
        const refused = await AccountDetailsPage.verifyOnPage(page)
        expect(await refused.title()).toBe(`Error: Change your details ${serviceTitle}`)
        const formatError =
          'Enter a registration number in the right format: 8 characters, 2 digits, a letter, 4 digits and a letter, for example 71A2998E'
        expect(await refused.summarisedErrors()).toEqual([{ href: '#registrationNumber', text: formatError }])
        expect(await refused.fieldError('registrationNumber')).toBe(`Error: ${formatError}`)
        await checkAxe('change your details, badly formed registration number')

        await refused.save({ registrationNumber: '98B7654C' })
        account = await AccountPage.verifyOnPage(page)
        expect(await account.successNotice()).toBe('Your details have been saved.')
        expect(await account.detail('Registration number')).toBe('98B7654C')
        await checkAxe('your account, details saved')

        // The download is a link to a JSON file of everything held about her.
        expect(await account.downloadDataLink.getAttribute('href')).toBe('/account/data')
        expect(await account.downloadDataLink.getAttribute('download')).not.toBeNull()
        const download = await page.request.get('/account/data')
        expect(download.headers()['content-disposition']).toBe('attachment; filename="trellis-my-data.json"')
        const data = (await download.json()) as { account: { email: string } }
        expect(data.account.email).toBe(amara.email)

        await account.closeAccount()
        const close = await CloseAccountPage.verifyOnPage(page)
        await checkAxe('close your account')

        await close.close('clsoe', amara.password)
        const notConfirmed = await CloseAccountPage.verifyOnPage(page)
        expect(await notConfirmed.title()).toBe(`Error: Close your account ${serviceTitle}`)
        expect(await notConfirmed.summarisedErrors()).toEqual([
          { href: '#confirm', text: 'Type close to confirm you want to close your account' },
        ])
        await checkAxe('close your account, not confirmed')

        await notConfirmed.close('close', amara.password)
        const closed = await AccountClosedPage.verifyOnPage(page)
        expect(await closed.accountLinks()).toEqual(['Sign in'])
        await checkAxe('your account is closed')

        // Nobody signs in to it again.
        await closed.followAccountLink('Sign in')
        const signIn = await SignInPage.verifyOnPage(page)
        await signIn.signIn(amara.email, amara.password)
        const refusedSignIn = await SignInPage.verifyOnPage(page)
        expect(await refusedSignIn.summarisedErrors()).toEqual([
          { href: '#email', text: 'The email address or password is not right' },
        ])
      })
    })

    // Progressive enhancement: every identity form posts and every link is a link, so signing up, confirming the
    // address and signing in work with JavaScript off. axe checks a copy of each page as rendered (see browser.ts).
    describe('signing up and in, without JavaScript', journeyTimeout, () => {
      const tomasz: Person = {
        fullName: 'Tomasz Nowak',
        email: 'tomasz.nowak@nhs.net',
        profession: 'Nurse (Nursing and midwifery)',
        registrationNumber: '34C5678D',
        registrationNumberShown: '34C5678D',
        password: 'granite puffin lighthouse',
      }
      let page: Page
      const checkAxe = (label: string) =>
        checkAccessibilityWithoutJavaScript(page, `${label} (no JavaScript)`)

      beforeAll(async () => {
        page = await harness.newPage({ javaScriptEnabled: false })
      })

      let account: AccountPage

      it('creates an account and confirms it by the emailed link', async () => {
        const refused = await signUpWithEmptyForm(page, checkAxe)
        // Without the script nothing moves focus: the summary is the first thing in the main content.
        expect(await readFocus(page)).toBeNull()
        account = await completeSignUp(refused, mailbox, tomasz, checkAxe)
      })

      it('signs out, and signs in with a password (a wrong one first) and with an emailed link', async () => {
        const signedOut = await signOut(account, checkAxe)
        const signedIn = await signInWithPassword(signedOut, tomasz, checkAxe)
        const signedOutAgain = await signOut(signedIn, checkAxe)
        await signInWithEmailedLink(signedOutAgain, mailbox, tomasz, checkAxe)
      })
    })

    // The sign-in form with nothing but Tab, typing and Enter: a wrong password, then the right one.
    describe('signing in with the keyboard alone', journeyTimeout, () => {
      it('tabs to each field, types, submits with Enter, and recovers from a wrong password', async () => {
        const person = await seedMember(harness.testApp, mailbox, {
          fullName: 'Grace Mensah',
          email: 'grace.mensah@nhs.net',
          organisationId: trustId,
          roles: ['mentor'],
        })
        const page = await harness.newPage()
        const pageErrors = collectPageErrors(page)
        await page.goto('/')
        await HomePage.verifyOnPage(page)

        const headerSignIn = page.getByRole('navigation', { name: 'Your account' }).getByRole('link', {
          name: 'Sign in',
        })
        await tabTo(page, headerSignIn)
        await checkAccessibility(page, 'home page with the header "Sign in" focused')
        await page.keyboard.press('Enter')
        let signIn = await SignInPage.verifyOnPage(page)

        // From the top of the sign-in page: the email field, then the password field straight after it.
        await tabTo(page, signIn.emailField)
        await page.keyboard.type(person.email)
        expect(await tabTo(page, signIn.passwordField)).toBe(1)
        await page.keyboard.type('not the password')
        await checkAccessibility(page, 'sign in with the password field focused')
        await answerTo(page, () => page.keyboard.press('Enter'))

        signIn = await SignInPage.verifyOnPage(page)
        expect(await signIn.summarisedErrors()).toEqual([
          { href: '#email', text: 'The email address or password is not right' },
        ])
        // Focus is on the summary; its link takes the keyboard to the field with the problem.
        expect((await readFocus(page))?.text).toMatch(/^There is a problem/)
        await checkAccessibility(page, 'sign in, wrong password, summary focused')
        await tabTo(page, signIn.errorSummary.getByRole('link'))
        await page.keyboard.press('Enter')
        expect(await signIn.emailField.and(page.locator(':focus')).count()).toBe(1)

        expect(await tabTo(page, signIn.passwordField)).toBe(1)
        await page.keyboard.type(person.password)
        await answerTo(page, () => page.keyboard.press('Enter'))
        const account = await AccountPage.verifyOnPage(page)
        expect(await account.accountLinks()).toEqual([person.fullName, 'Research placements', 'Sign out'])
        await checkAccessibility(page, 'your account, signed in with the keyboard')
        expect(pageErrors).toEqual([])
      })
    })
  })
}
