import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  setCookieHeader,
  startAnotherInstance,
  TestBrowser,
  testPassword,
} from '../../../test/support/identity.ts'
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts'

describeEachIdentityApp('sessions', ({ engine, app }) => {
  it('starts a new session at every sign-in, and the token from before sign-in stops working', async () => {
    const person = await app().person()
    const browser = app().browser()
    const anonymousToken = await browser.csrfToken()
    const first = await browser.post('/sign-in', { email: person.email, password: testPassword })
    expect(first.statusCode).toBe(303)
    const firstSession = browser.sessionToken
    expect(firstSession).toMatch(/^[\w-]{43}$/)

    // The form token that came before sign-in belonged to no session: it does not work after.
    const stale = await browser.post(
      '/account/details',
      { fullName: 'Changed By Stale Token', profession: 'nurse', registrationNumber: '71A2998E' },
      { csrf: anonymousToken },
    )
    expect(stale.statusCode).toBe(403)
    expect(parsePage(stale.body).h1).toBe('This form has expired')

    await browser.get('/sign-up')
    const second = await browser.post('/sign-in', { email: person.email, password: testPassword })
    expect(second.statusCode).toBe(303)
    expect(browser.sessionToken).toMatch(/^[\w-]{43}$/)
    expect(browser.sessionToken).not.toBe(firstSession)
    expect(
      await app().count('SELECT count(*) FROM users WHERE full_name = $1', ['Changed By Stale Token']),
    ).toBe(0)
  })

  it('sets the session cookie HttpOnly, SameSite=Lax and for the whole site, without Secure over plain HTTP', async () => {
    const person = await app().person()
    const browser = app().browser()
    const response = await browser.post('/sign-in', { email: person.email, password: testPassword })
    const cookie = setCookieHeader(response, 'trellis_session')!
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax'])
  })

  it('ends a session after 30 minutes without a request', async () => {
    const browser = await app().signIn(await app().person())
    app().clock.advanceMinutes(29)
    expect((await browser.get('/account')).statusCode).toBe(200)
    app().clock.advanceMinutes(29)
    expect((await browser.get('/account')).statusCode).toBe(200)
    // A stylesheet fetched in the meantime is not activity.
    app().clock.advanceMinutes(20)
    expect((await browser.get('/assets/trellis.css')).statusCode).toBe(200)
    app().clock.advanceMinutes(11)
    const expired = await browser.get('/account')
    expect(expired.statusCode).toBe(303)
    expect(expired.headers.location).toBe('/sign-in?next=%2Faccount')
    // The browser is told to forget the cookie.
    expect(setCookieHeader(expired, 'trellis_session')).toMatch(/^trellis_session=;/)
    expect(browser.sessionToken).toBeUndefined()
  })

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const browser = await app().signIn(await app().person())
    const token = browser.sessionToken!
    for (let minutes = 25; minutes <= 11 * 60 + 55; minutes += 25) {
      app().clock.advanceMinutes(25)
      expect((await browser.get('/api/v1/me')).statusCode, `after ${minutes} minutes`).toBe(200)
    }
    app().clock.advanceMinutes(25)
    const expired = await app().app.inject({
      method: 'GET',
      url: '/api/v1/me',
      cookies: { trellis_session: token },
    })
    expect(expired.statusCode).toBe(401)
  })

  it('gives nothing for a made-up or malformed session cookie', async () => {
    for (const token of ['A'.repeat(43), 'not-a-token', '']) {
      const response = await app().app.inject({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { trellis_session: token },
      })
      expect(response.statusCode, token).toBe(401)
    }
  })

  it('keeps sessions in the database, so that two app instances share them', async () => {
    const other = await startAnotherInstance(app())
    try {
      const person = await app().person()
      const onFirst = app().browser()
      const signedIn = await onFirst.post('/sign-in', { email: person.email, password: testPassword })
      expect(signedIn.statusCode).toBe(303)

      // The same browser, sent to the other instance by a load balancer.
      const onSecond = onFirst.via(other.app)
      const account = await onSecond.page('/account')
      expect(account.status).toBe(200)
      expect(account.mainText).toContain(person.email)

      // A form loaded from the first instance posts to the second (they share the signing secret).
      const form = await onFirst.page('/account/details')
      const token = form.root.querySelector('input[name="_csrf"]')!.getAttribute('value')!
      const saved = await onSecond.post(
        '/account/details',
        { fullName: 'Sam Two-Instances', profession: 'nurse', registrationNumber: '71A2998E' },
        { csrf: token },
      )
      expect(saved.statusCode).toBe(303)
      expect((await onFirst.page('/account')).mainText).toContain('Sam Two-Instances')

      // Signing out on one instance ends the session on both.
      const elsewhere = (await app().signIn(person)).via(other.app)
      expect((await elsewhere.post('/account/sign-out-everywhere')).statusCode).toBe(303)
      expect((await onFirst.get('/api/v1/me')).statusCode).toBe(401)
    } finally {
      await other.close()
    }
  })

  describe('in production', () => {
    let production: TestApp | undefined
    beforeAll(async () => {
      production = await createTestApp(engine, {
        environment: 'production',
        database: app().db.database,
        settings: { now: app().clock.now },
      })
    })
    afterAll(async () => {
      await production?.close()
    })

    it('names the session cookie __Host- and marks it and the form cookie Secure', async () => {
      const person = await app().person()
      const browser = new TestBrowser(production!.app)
      const form = await browser.request({ method: 'GET', url: '/sign-in' })
      const csrfCookie = setCookieHeader(form, 'trellis_csrf')!
      expect(csrfCookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure'])
      const response = await browser.post('/sign-in', { email: person.email, password: testPassword })
      expect(response.statusCode).toBe(303)
      const cookie = setCookieHeader(response, '__Host-trellis_session')!
      expect(cookie).toMatch(/^__Host-trellis_session=[\w-]{43};/)
      expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure'])
      expect(setCookieHeader(response, 'trellis_session')).toBeUndefined()
      expect((await browser.get('/account')).statusCode).toBe(200)
    })
  })
})
