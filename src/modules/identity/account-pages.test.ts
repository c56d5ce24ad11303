import { describe, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  Mailbox,
  sessionCookieName,
  setCookieHeader,
  signUpFields,
  signUpThroughEmail,
  strongSignUpPassword,
  tokenOfLink,
  testPassword,
  uniqueEmail,
} from '../../../test/support/identity.ts'
import { digestToken } from '../../platform/security/tokens.ts'

describeEachIdentityApp('accounts', ({ app }) => {
  const signUpAndConfirm = (email: string, overrides: Record<string, string> = {}) =>
    signUpThroughEmail(app(), email, overrides)

  describe('creating an account through a real SMTP server', () => {
    it('sends a link that, confirmed with the button, signs the person in with a safe session cookie', async () => {
      const email = uniqueEmail('asha.patel', 'nhs.net')
      const browser = app().browser()
      const form = await browser.page('/sign-up')
      expect(form.status).toBe(200)
      expect(form.h1).toBe('Create a Trellis account')
      expect(form.root.querySelector('input[name="_csrf"]')?.getAttribute('value')).toMatch(/^[\w-]{43}$/)

      const posted = await browser.post('/sign-up', signUpFields(email.toUpperCase()))
      expect(posted.statusCode).toBe(303)
      expect(posted.headers.location).toBe(
        `/sign-up/check-email?email=${encodeURIComponent(email.toUpperCase())}`,
      )
      const checkEmail = await browser.page(posted.headers.location!)
      expect(checkEmail.h1).toBe('Check your email')
      expect(browser.sessionToken).toBeUndefined()

      const message = await app().mail.next(email, 'Confirm your email address for Trellis')
      expect(message.from).toBe('Trellis <no-reply@trellis.localhost>')
      expect(message.text).toContain('The link works once and expires in 24 hours.')
      const link = Mailbox.linkIn(message, '/verify-email')

      // Opening the link (as a mail scanner would) shows a button and uses nothing up.
      const confirmation = await browser.page(link)
      expect(confirmation.status).toBe(200)
      expect(confirmation.h1).toBe('Confirm your email address')
      expect(confirmation.mainText).toContain(email)
      expect((await browser.page(link)).status).toBe(200)
      expect(browser.sessionToken).toBeUndefined()

      const token = confirmation.root.querySelector('input[name="token"]')!.getAttribute('value')!
      const confirmed = await browser.post('/verify-email', { token })
      expect(confirmed.statusCode).toBe(303)
      expect(confirmed.headers.location).toBe('/account?confirmed=1')
      const cookie = setCookieHeader(confirmed, sessionCookieName)!
      expect(cookie).toMatch(/^trellis_session=[\w-]{43};/)
      expect(cookie).toMatch(/; HttpOnly/i)
      expect(cookie).toMatch(/; SameSite=Lax/i)
      expect(cookie).toMatch(/; Path=\//i)
      expect(cookie).not.toMatch(/; Secure/i)

      const account = await browser.page(confirmed.headers.location!)
      expect(account.status).toBe(200)
      expect(account.mainText).toContain('Your email address is confirmed.')
      expect(account.mainText).toContain('Asha Patel')
      expect(account.mainText).toContain(email)
      expect(account.mainText).toContain('Nurse')
      expect(account.mainText).toContain('71A2998E')
      expect(account.mainText).toContain('Verified NHS email')
    })

    it('gives no "Verified NHS email" tag to an address outside the NHS', async () => {
      const email = uniqueEmail('sam.jones', 'gmail.com')
      const { browser } = await signUpAndConfirm(email)
      const account = await browser.page('/account')
      expect(account.mainText).toContain(email)
      expect(account.mainText).not.toContain('Verified NHS email')
    })

    it('uses a link once: the second use says it has already been used', async () => {
      const email = uniqueEmail('once')
      const { message } = await signUpAndConfirm(email)
      const link = Mailbox.linkIn(message, '/verify-email')
      const again = await app().browser().page(link)
      expect(again.status).toBe(410)
      expect(again.h1).toBe('This link has already been used')
      const token = tokenOfLink(link)
      const browser = app().browser()
      const reused = await browser.post('/verify-email', { token })
      expect(reused.statusCode).toBe(410)
      expect(parsePage(reused.body).h1).toBe('This link has already been used')
      expect(browser.sessionToken).toBeUndefined()
    })

    it('says an expired link has expired, and does not sign in with it', async () => {
      const email = uniqueEmail('late')
      const browser = app().browser()
      await browser.post('/sign-up', signUpFields(email))
      const link = Mailbox.linkIn(await app().mail.next(email), '/verify-email')
      app().clock.advanceMinutes(24 * 60 + 1)
      const page = await browser.page(link)
      expect(page.status).toBe(410)
      expect(page.h1).toBe('This link has expired')
      const token = tokenOfLink(link)
      const posted = await browser.post('/verify-email', { token })
      expect(posted.statusCode).toBe(410)
      expect(browser.sessionToken).toBeUndefined()
      expect(
        await app().count('SELECT count(*) FROM users WHERE email = $1 AND email_verified_at IS NOT NULL', [
          email,
        ]),
      ).toBe(0)
    })

    it('replaces an older link with a new one', async () => {
      const email = uniqueEmail('again')
      const browser = app().browser()
      await browser.post('/sign-up', signUpFields(email))
      const first = Mailbox.linkIn(await app().mail.next(email), '/verify-email')
      const resent = await browser.post('/sign-up/resend', { email })
      expect(resent.statusCode).toBe(303)
      const checkEmail = await browser.page(resent.headers.location!)
      expect(checkEmail.mainText).toContain('We have sent another link')
      const second = Mailbox.linkIn(await app().mail.next(email), '/verify-email')
      expect(second).not.toBe(first)

      expect((await browser.page(first)).status).toBe(410)
      expect((await browser.page(second)).status).toBe(200)
    })
  })

  describe('bad input on sign-up', () => {
    it('shows every field’s message in the error summary and at the field, with "Error: " in the title', async () => {
      const browser = app().browser()
      const response = await browser.post('/sign-up', {
        fullName: '',
        email: 'not-an-address',
        profession: '',
        registrationNumber: '',
        password: '',
        confirmPassword: '',
      })
      expect(response.statusCode).toBe(400)
      const page = parsePage(response.body)
      expect(page.title).toBe('Error: Create a Trellis account – Trellis – NHS')
      const expected = {
        fullName: 'Enter your full name',
        email: 'Enter an email address in the correct format, like name@example.nhs.net',
        profession: 'Select your profession',
        password: 'Enter a password',
        confirmPassword: 'Enter the password again',
      }
      expect(page.errorSummary()).toEqual(Object.values(expected))
      for (const [field, message] of Object.entries(expected)) {
        const link = page.root.querySelector(`.nhsuk-error-summary a[href="#${field}"]`)
        expect(link?.text.trim(), field).toBe(message)
        const atField = page.root.querySelector(`#${field}-error`)
        expect(atField?.text.replace(/\s+/g, ' ').trim(), field).toBe(`Error: ${message}`)
      }
    })

    it('checks a registration number against the format of the profession’s regulator', async () => {
      const browser = app().browser()
      const email = uniqueEmail('pin')
      const wrong = await browser.post('/sign-up', signUpFields(email, { registrationNumber: '12345' }))
      expect(wrong.statusCode).toBe(400)
      const page = parsePage(wrong.body)
      const message =
        'Enter a registration number in the right format: 8 characters, 2 digits, a letter, 4 digits and a letter, for example 71A2998E'
      expect(page.errorSummary()).toEqual([message])
      expect(page.root.querySelector('#registrationNumber-error')?.text).toContain(message)
      // What was typed stays in the form, so that it can be corrected.
      expect(page.root.querySelector('#registrationNumber')?.getAttribute('value')).toBe('12345')
      expect(page.root.querySelector('#email')?.getAttribute('value')).toBe(email)

      // Written in lower case with spaces, a PIN in the right format is accepted and kept as the regulator writes it.
      const right = await browser.post('/sign-up', signUpFields(email, { registrationNumber: '71a 2998e' }))
      expect(right.statusCode).toBe(303)
      const [user] = await app().db.database.query<{ registration_number: string }>(
        'SELECT registration_number FROM users WHERE email = $1',
        [email],
      )
      expect(user?.registration_number).toBe('71A2998E')
    })

    it('accepts any registration number for a profession whose format is not known', async () => {
      const browser = app().browser()
      const email = uniqueEmail('technician')
      const response = await browser.post(
        '/sign-up',
        signUpFields(email, { profession: 'pharmacy-technician', registrationNumber: 'as on my card 5-1' }),
      )
      expect(response.statusCode).toBe(303)
      expect(await app().count('SELECT count(*) FROM users WHERE email = $1', [email])).toBe(1)
    })

    it.each([
      ['too short', 'short pass', 'Password must be 12 characters or more'],
      [
        'containing the email address',
        'i am casey.lee.fa11 ok',
        'Password must not contain your email address',
      ],
      ['a common password', 'Password1234', 'Choose a password that is harder to guess'],
    ])('refuses a password %s, and never shows a password back', async (_case, password, message) => {
      const browser = app().browser()
      const email = 'Casey.Lee.fa11@example.com'
      const response = await browser.post(
        '/sign-up',
        signUpFields(email, { password, confirmPassword: password }),
      )
      expect(response.statusCode).toBe(400)
      const page = parsePage(response.body)
      expect(page.errorSummary()).toEqual([message])
      expect(page.root.querySelector('#password-error')?.text).toContain(message)
      expect(response.body).not.toContain(password)
      expect(page.root.querySelector('#password')?.getAttribute('value') ?? '').toBe('')
    })

    it('refuses passwords that do not match, without echoing either', async () => {
      const browser = app().browser()
      const response = await browser.post(
        '/sign-up',
        signUpFields(uniqueEmail(), { confirmPassword: 'plum tractor velvet oceans' }),
      )
      expect(response.statusCode).toBe(400)
      expect(parsePage(response.body).errorSummary()).toEqual(['Passwords do not match'])
      expect(response.body).not.toContain(strongSignUpPassword)
      expect(response.body).not.toContain('plum tractor velvet oceans')
    })

    it('writes nothing and sends nothing when anything is wrong', async () => {
      const browser = app().browser()
      const email = uniqueEmail('nothing')
      const users = await app().count('SELECT count(*) FROM users')
      const tokens = await app().count('SELECT count(*) FROM one_time_tokens')
      const wrongs: Record<string, string>[] = [
        { registrationNumber: '12345' },
        { password: 'short', confirmPassword: 'short' },
        { profession: 'astronaut' },
        { fullName: '' },
      ]
      for (const overrides of wrongs) {
        expect((await browser.post('/sign-up', signUpFields(email, overrides))).statusCode).toBe(400)
      }
      expect(await app().count('SELECT count(*) FROM users')).toBe(users)
      expect(await app().count('SELECT count(*) FROM one_time_tokens')).toBe(tokens)
      expect(app().mail.allTo(email)).toEqual([])
    })

    it('lets the person correct the form from the page that showed the errors', async () => {
      const browser = app().browser()
      await browser.get('/sign-up')
      const email = uniqueEmail('corrected')
      const wrong = await browser.post('/sign-up', signUpFields(email, { registrationNumber: '12345' }))
      expect(wrong.statusCode).toBe(400)
      const token = parsePage(wrong.body).root.querySelector('input[name="_csrf"]')?.getAttribute('value')
      const corrected = await browser.post('/sign-up', signUpFields(email), { csrf: token ?? '' })
      expect(corrected.statusCode).toBe(303)
    })
  })

  describe('telling nobody whether an address has an account', () => {
    it('answers a sign-up with a taken address exactly like a new one, and emails the owner instead', async () => {
      const owner = await app().person()
      const browser = app().browser()
      const response = await browser.post('/sign-up', signUpFields(owner.email))
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe(`/sign-up/check-email?email=${encodeURIComponent(owner.email)}`)
      const message = await app().mail.next(owner.email)
      expect(message.subject).toBe('You already have a Trellis account')
      expect(message.text).toContain('http://localhost:3000/password-reset')
      expect(await app().count('SELECT count(*) FROM users WHERE email = $1', [owner.email])).toBe(1)
      // The owner's password still works: nothing about the account changed.
      const signIn = await browser.post('/sign-in', { email: owner.email, password: testPassword })
      expect(signIn.statusCode).toBe(303)
    })

    it('gives the same message and status for an unknown address and a wrong password', async () => {
      const owner = await app().person()
      const unknown = await app().browser().post('/sign-in', { email: uniqueEmail(), password: testPassword })
      const wrong = await app()
        .browser()
        .post('/sign-in', { email: owner.email, password: 'not my password' })
      expect(unknown.statusCode).toBe(400)
      expect(wrong.statusCode).toBe(400)
      const unknownPage = parsePage(unknown.body)
      const wrongPage = parsePage(wrong.body)
      expect(unknownPage.errorSummary()).toEqual(['The email address or password is not right'])
      expect(wrongPage.errorSummary()).toEqual(unknownPage.errorSummary())
      expect(wrongPage.title).toBe(unknownPage.title)
      expect(wrong.body).not.toContain('not my password')
    })

    it.each([
      ['/password-reset', 'reset its password'],
      ['/sign-in/email', 'sign in'],
    ])('answers %s alike whether or not the address has an account', async (path, words) => {
      const owner = await app().person()
      const stranger = uniqueEmail()
      const known = await app().browser().post(path, { email: owner.email })
      const unknown = await app().browser().post(path, { email: stranger })
      expect(known.statusCode).toBe(200)
      expect(unknown.statusCode).toBe(200)
      const knownText = parsePage(known.body).mainText
      expect(knownText).toContain(`we have sent a link to ${words}`)
      expect(parsePage(unknown.body).mainText).toBe(knownText.replace(owner.email, stranger))
      await app().mail.next(owner.email)
      expect(app().mail.allTo(stranger)).toEqual([])
    })
  })

  describe('signing in', () => {
    it('signs in with a password, to the page asked for, and refuses until the address is confirmed', async () => {
      const person = await app().person({ verified: false })
      const browser = app().browser()
      const refused = await browser.post('/sign-in', { email: person.email, password: testPassword })
      expect(refused.statusCode).toBe(400)
      expect(parsePage(refused.body).errorSummary()).toEqual([
        'Confirm your email address first: use the link we sent you, or ask for a new one',
      ])
      expect(browser.sessionToken).toBeUndefined()

      const confirmed = await app().person()
      const redirected = await browser.get('/account/details')
      expect(redirected.statusCode).toBe(303)
      expect(redirected.headers.location).toBe('/sign-in?next=%2Faccount%2Fdetails')
      const form = await browser.page(redirected.headers.location!)
      expect(form.root.querySelector('input[name="next"]')?.getAttribute('value')).toBe('/account/details')
      const signedIn = await browser.post('/sign-in', {
        email: confirmed.email,
        password: testPassword,
        next: '/account/details',
      })
      expect(signedIn.statusCode).toBe(303)
      expect(signedIn.headers.location).toBe('/account/details')
      expect((await browser.page('/account')).mainText).toContain(confirmed.email)
    })

    it('never sends someone to another site after signing in', async () => {
      const person = await app().person()
      const browser = app().browser()
      const response = await browser.post('/sign-in', {
        email: person.email,
        password: testPassword,
        next: '//evil.example/account',
      })
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/account')
    })

    it('signs in by an emailed link that works once and for 15 minutes', async () => {
      const person = await app().person()
      const browser = app().browser()
      const requested = await browser.post('/sign-in/email', { email: person.email })
      expect(requested.statusCode).toBe(200)
      const message = await app().mail.next(person.email, 'Your link to sign in to Trellis')
      expect(message.text).toContain('expires in 15 minutes')
      const link = Mailbox.linkIn(message, '/sign-in/link')
      const token = tokenOfLink(link)
      const confirm = await browser.page(link)
      expect(confirm.status).toBe(200)
      expect(confirm.root.querySelector('main form button')?.text.trim()).toBe('Sign in')
      const signedIn = await browser.post('/sign-in/link', { token })
      expect(signedIn.statusCode).toBe(303)
      expect(signedIn.headers.location).toBe('/account')
      expect((await browser.page('/account')).mainText).toContain(person.email)

      const other = app().browser()
      const reused = await other.post('/sign-in/link', { token })
      expect(reused.statusCode).toBe(410)
      expect(parsePage(reused.body).h1).toBe('This link has already been used')
      expect(other.sessionToken).toBeUndefined()

      await app().browser().post('/sign-in/email', { email: person.email })
      const late = Mailbox.linkIn(await app().mail.next(person.email), '/sign-in/link')
      app().clock.advanceMinutes(16)
      const lateBrowser = app().browser()
      expect((await lateBrowser.page(late)).h1).toBe('This link has expired')
      const lateToken = tokenOfLink(late)
      expect((await lateBrowser.post('/sign-in/link', { token: lateToken })).statusCode).toBe(410)
      expect(lateBrowser.sessionToken).toBeUndefined()
    })

    it('lets only one of two browsers sending the same link at once sign in', async () => {
      const person = await app().person()
      await app().browser().post('/sign-in/email', { email: person.email })
      const link = Mailbox.linkIn(await app().mail.next(person.email), '/sign-in/link')
      const token = tokenOfLink(link)
      const browsers = [app().browser(), app().browser()]
      const tokens = await Promise.all(browsers.map((browser) => browser.csrfToken()))
      const responses = await Promise.all(
        browsers.map((browser, index) => browser.post('/sign-in/link', { token }, { csrf: tokens[index]! })),
      )
      expect(responses.map((response) => response.statusCode).sort()).toEqual([303, 410])
      expect(browsers.filter((browser) => browser.sessionToken !== undefined)).toHaveLength(1)
      expect(await app().count('SELECT count(*) FROM sessions WHERE user_id = $1', [person.id])).toBe(1)
    })

    it('confirms an address that was never confirmed when the person signs in by link', async () => {
      const person = await app().person({ verified: false, email: uniqueEmail('late.confirm', 'nhs.net') })
      const browser = app().browser()
      await browser.post('/sign-in/email', { email: person.email })
      const link = Mailbox.linkIn(await app().mail.next(person.email), '/sign-in/link')
      const token = tokenOfLink(link)
      expect((await browser.post('/sign-in/link', { token })).statusCode).toBe(303)
      expect((await browser.page('/account')).mainText).toContain('Verified NHS email')
    })
  })

  describe('forgotten passwords', () => {
    it('resets a password through an emailed link, ending every other session, and says so by email', async () => {
      const person = await app().person()
      const elsewhere = await app().signIn(person)
      expect((await elsewhere.get('/account')).statusCode).toBe(200)

      const browser = app().browser()
      await browser.post('/password-reset', { email: person.email })
      const message = await app().mail.next(person.email, 'Reset your Trellis password')
      const link = Mailbox.linkIn(message, '/password-reset/new')
      const form = await browser.page(link)
      expect(form.h1).toBe('Choose a new password')
      const token = form.root.querySelector('input[name="token"]')!.getAttribute('value')!

      const weak = await browser.post('/password-reset/new', {
        token,
        password: 'short',
        confirmPassword: 'short',
      })
      expect(weak.statusCode).toBe(400)
      expect(parsePage(weak.body).errorSummary()).toEqual(['Password must be 12 characters or more'])

      const newPassword = 'harbour lantern quietly'
      const reset = await browser.post('/password-reset/new', {
        token,
        password: newPassword,
        confirmPassword: newPassword,
      })
      expect(reset.statusCode).toBe(303)
      expect(reset.headers.location).toBe('/account?password=changed')
      expect((await browser.page(reset.headers.location!)).mainText).toContain(
        'Your password has been changed',
      )

      const changed = await app().mail.next(person.email, 'Your Trellis password has changed')
      expect(changed.text).toContain('signed out on every other device')
      const stale = await elsewhere.get('/account')
      expect(stale.statusCode).toBe(303)
      expect(stale.headers.location).toBe('/sign-in?next=%2Faccount')

      expect(
        (await app().browser().post('/sign-in', { email: person.email, password: testPassword })).statusCode,
      ).toBe(400)
      expect(
        (await app().browser().post('/sign-in', { email: person.email, password: newPassword })).statusCode,
      ).toBe(303)
      expect((await app().browser().page(link)).h1).toBe('This link has already been used')
    })
  })

  describe('looking after an account', () => {
    it('changes the address only when the new one confirms, telling the old one, and recomputes the NHS tag', async () => {
      const person = await app().person({ email: uniqueEmail('mover', 'gmail.com') })
      const browser = await app().signIn(person)
      const newEmail = uniqueEmail('mover', 'mft.nhs.uk')

      const wrongPassword = await browser.post('/account/email', { email: newEmail, currentPassword: 'nope' })
      expect(wrongPassword.statusCode).toBe(400)
      expect(parsePage(wrongPassword.body).errorSummary()).toEqual(['Your current password is not right'])

      const requested = await browser.post('/account/email', {
        email: newEmail,
        currentPassword: testPassword,
      })
      expect(requested.statusCode).toBe(303)
      expect(requested.headers.location).toBe('/account?email=sent')
      const told = await app().mail.next(person.email, 'A change of email address for your Trellis account')
      expect(told.text).toContain(newEmail)
      expect(told.text).not.toMatch(/token=/)
      const confirm = await app().mail.next(newEmail, 'Confirm your new email address for Trellis')

      // Nothing has changed yet: the old address still signs in, the new one does not.
      const before = await browser.page('/account')
      expect(before.mainText).toContain(person.email)
      expect(before.mainText).not.toContain('Verified NHS email')
      expect(
        (await app().browser().post('/sign-in', { email: newEmail, password: testPassword })).statusCode,
      ).toBe(400)

      const link = Mailbox.linkIn(confirm, '/verify-email')
      const token = tokenOfLink(link)
      const confirmed = await browser.post('/verify-email', { token })
      expect(confirmed.statusCode).toBe(303)
      const after = await browser.page('/account')
      expect(after.mainText).toContain(newEmail)
      expect(after.mainText).toContain('Verified NHS email')
      expect(
        (await app().browser().post('/sign-in', { email: person.email, password: testPassword })).statusCode,
      ).toBe(400)
      expect(
        (await app().browser().post('/sign-in', { email: newEmail, password: testPassword })).statusCode,
      ).toBe(303)
    })

    it('changes the password, checking the current one, and emails the person', async () => {
      const person = await app().person()
      const browser = await app().signIn(person)
      const other = await app().signIn(person)
      const wrong = await browser.post('/account/password', {
        currentPassword: 'not it at all',
        password: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
      })
      expect(wrong.statusCode).toBe(400)
      expect(parsePage(wrong.body).errorSummary()).toEqual(['Your current password is not right'])
      expect(wrong.body).not.toContain('a brand new passphrase')

      const changed = await browser.post('/account/password', {
        currentPassword: testPassword,
        password: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
      })
      expect(changed.statusCode).toBe(303)
      expect((await browser.get('/account')).statusCode).toBe(200)
      expect((await other.get('/account')).statusCode).toBe(303)
      await app().mail.next(person.email, 'Your Trellis password has changed')
      expect(
        (await app().browser().post('/sign-in', { email: person.email, password: 'a brand new passphrase' }))
          .statusCode,
      ).toBe(303)
    })

    it('signs out: the session stops working and the cookie is cleared', async () => {
      const person = await app().person()
      const browser = await app().signIn(person)
      const token = browser.sessionToken!
      const response = await browser.post('/sign-out')
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/signed-out')
      expect(setCookieHeader(response, sessionCookieName)).toMatch(/^trellis_session=;/)
      expect(browser.sessionToken).toBeUndefined()
      const replayed = await app().app.inject({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { [sessionCookieName]: token },
      })
      expect(replayed.statusCode).toBe(401)
    })

    it('signs out everywhere: every other session stops working and this browser carries on', async () => {
      const person = await app().person()
      const browser = await app().signIn(person)
      const other = await app().signIn(person)
      const before = browser.sessionToken
      const response = await browser.post('/account/sign-out-everywhere')
      expect(response.statusCode).toBe(303)
      expect(browser.sessionToken).not.toBe(before)
      expect(response.headers.location).toBe('/account?everywhere=1')
      expect((await browser.page(response.headers.location!)).mainText).toContain(
        'You have been signed out on every other device.',
      )
      const stale = await other.get('/api/v1/me')
      expect(stale.statusCode).toBe(401)
    })

    it('keeps how the person signed in when it starts their new session', async () => {
      const person = await app().person()
      const browser = app().browser()
      await browser.post('/sign-in/email', { email: person.email })
      const link = Mailbox.linkIn(await app().mail.next(person.email), '/sign-in/link')
      expect((await browser.post('/sign-in/link', { token: tokenOfLink(link) })).statusCode).toBe(303)
      expect((await browser.post('/account/sign-out-everywhere')).statusCode).toBe(303)
      const methods = await app().db.database.query<{ auth_method: string }>(
        'SELECT auth_method FROM sessions WHERE user_id = $1',
        [person.id],
      )
      expect(methods).toEqual([{ auth_method: 'email-link' }])
    })

    it('gives a download of everything held about the person, without secrets', async () => {
      const person = await app().person({
        memberships: [{ organisationId: 'RTD', roles: ['learner'] }],
      })
      const browser = await app().signIn(person)
      await browser.post('/account/details', {
        fullName: 'Sam Taylor-Reed',
        profession: 'nurse',
        registrationNumber: '71A2998E',
      })
      await app().browser().post('/password-reset', { email: person.email })
      const link = Mailbox.linkIn(await app().mail.next(person.email), '/password-reset/new')
      const linkToken = tokenOfLink(link)
      const response = await browser.get('/account/data')
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(response.headers['content-disposition']).toBe('attachment; filename="trellis-my-data.json"')
      expect(response.headers['cache-control']).toBe('no-store')
      const data = response.json()
      expect(data.account).toMatchObject({
        id: person.id,
        fullName: 'Sam Taylor-Reed',
        email: person.email,
        professionId: 'nurse',
        registrationNumber: '71A2998E',
        signInMethods: ['password', 'email-link'],
      })
      expect(data.memberships).toEqual([
        { organisationId: 'RTD', organisationName: expect.stringContaining('Newcastle'), roles: ['learner'] },
      ])
      expect(data.sessions).toHaveLength(1)
      expect(data.sessions[0]).toMatchObject({ method: 'password', userAgent: 'vitest' })
      expect(data.auditEvents.map((event: { action: string }) => event.action)).toEqual(
        expect.arrayContaining(['session.signed-in', 'account.details-changed']),
      )
      const hash = await app().db.database.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [person.id],
      )
      expect(response.body).not.toContain(hash[0]!.password_hash)
      for (const secret of [browser.sessionToken!, linkToken]) {
        expect(response.body).not.toContain(secret)
        expect(response.body).not.toContain(digestToken(secret))
      }
      expect(response.body).not.toMatch(/scrypt|password_?hash|"token"|sessionId|"id": "[0-9a-f]{64}"/i)
    })

    it('closes an account: erases the person, removes memberships, ends sessions, keeps an anonymised record', async () => {
      const person = await app().person({
        email: uniqueEmail('closing', 'nhs.net'),
        memberships: [{ organisationId: 'RTD', roles: ['learner', 'mentor'] }],
      })
      const browser = await app().signIn(person)
      const other = await app().signIn(person)

      const unconfirmed = await browser.post('/account/close', {
        confirm: 'yes',
        currentPassword: testPassword,
      })
      expect(unconfirmed.statusCode).toBe(400)
      expect(parsePage(unconfirmed.body).errorSummary()).toEqual([
        'Type close to confirm you want to close your account',
      ])
      const wrong = await browser.post('/account/close', { confirm: 'close', currentPassword: 'wrong' })
      expect(wrong.statusCode).toBe(400)
      expect(
        await app().count('SELECT count(*) FROM users WHERE id = $1 AND closed_at IS NULL', [person.id]),
      ).toBe(1)

      const closed = await browser.post('/account/close', { confirm: 'close', currentPassword: testPassword })
      expect(closed.statusCode).toBe(303)
      expect(closed.headers.location).toBe('/account-closed')
      expect(browser.sessionToken).toBeUndefined()
      expect((await browser.page('/account-closed')).h1).toBe('Your account is closed')
      expect((await other.get('/api/v1/me')).statusCode).toBe(401)

      const [row] = await app().db.database.query<Record<string, unknown>>(
        `SELECT full_name, email, email_verified_at, is_nhs_email, profession_id, registration_number, password_hash,
           closed_at FROM users WHERE id = $1`,
        [person.id],
      )
      expect(row).toMatchObject({
        full_name: 'Closed account',
        email: null,
        email_verified_at: null,
        is_nhs_email: false,
        profession_id: null,
        registration_number: null,
        password_hash: null,
      })
      expect(row!.closed_at).toBeInstanceOf(Date)
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [person.id])).toBe(0)
      expect(await app().count('SELECT count(*) FROM sessions WHERE user_id = $1', [person.id])).toBe(0)
      const actions = await app().db.database.query<{ action: string }>(
        'SELECT action FROM audit_events WHERE actor_user_id = $1 ORDER BY id',
        [person.id],
      )
      expect(actions.map((a) => a.action)).toEqual(
        expect.arrayContaining(['session.signed-in', 'account.closed']),
      )

      // The person can no longer sign in, and the address is free for a new account.
      expect(
        (await app().browser().post('/sign-in', { email: person.email, password: testPassword })).statusCode,
      ).toBe(400)
      const { browser: again } = await signUpAndConfirm(person.email)
      const account = await again.page('/account')
      expect(account.mainText).toContain(person.email)
      expect(account.mainText).toContain('You are not a member of any organisation yet.')
    })
  })
})
