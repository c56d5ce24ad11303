import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  HttpBrowser,
  reserveLocalPort,
  startOidcTestProvider,
  type OidcTestProvider,
  type TestProviderAccount,
} from '../../../test/support/oidc-test-provider.ts'
import { createTestApp, testServiceSettings, type TestApp } from '../../../test/support/test-app.ts'
import { testEngines } from '../../../test/support/test-database.ts'
import { createAccountRepository } from './account-repository.ts'
import { openWithState, sealWithState } from './oidc-service.ts'

/**
 * Signing in with an organisation's OpenID provider, end to end: Trellis listens on a real port, a real
 * provider (oidc-provider) on another, and a browser made of fetch and a cookie jar goes between them.
 */

const providerId = 'nhs-test'
const providerName = 'NHS Test Identity'
const password = 'correct horse battery staple'

describe('sealing the code verifier with the state', () => {
  it('opens with the same state only', () => {
    const sealed = sealWithState('verifier-value', 'state-one')
    expect(sealed).not.toContain('verifier-value')
    expect(openWithState(sealed, 'state-one')).toBe('verifier-value')
    expect(() => openWithState(sealed, 'state-two')).toThrow()
    expect(sealWithState('verifier-value', 'state-one')).not.toBe(sealed)
  })
})

for (const engine of testEngines()) {
  describe(`signing in with an organisation's OpenID provider [${engine}]`, () => {
    let provider: OidcTestProvider
    let testApp: TestApp
    let appUrl: string
    // A second provider that is down when Trellis first needs it.
    let laterPort: number
    const laterSecret = 'a secret for the provider that starts later'

    beforeAll(async () => {
      const port = await reserveLocalPort()
      appUrl = `http://127.0.0.1:${port}`
      laterPort = await reserveLocalPort()
      provider = await startOidcTestProvider({
        redirectUris: [`${appUrl}/sign-in/oidc/${providerId}/callback`],
      })
      testApp = await createTestApp(engine, {
        settings: { publicUrl: appUrl },
        oidcProviders: [
          {
            id: providerId,
            name: providerName,
            issuer: provider.issuer,
            clientId: provider.clientId,
            clientSecret: provider.clientSecret,
          },
          {
            id: 'later',
            name: 'Later Identity',
            issuer: `http://127.0.0.1:${laterPort}`,
            clientId: 'trellis-test',
            clientSecret: laterSecret,
          },
        ],
      })
      await testApp.app.listen({ host: '127.0.0.1', port })
    })

    afterAll(async () => {
      await testApp?.close()
      await provider?.close()
    })

    const db = () => testApp.db.database
    const isCallback = (url: URL) => url.origin === appUrl && url.pathname.endsWith('/callback')

    /** Starts at Trellis and goes through the provider's login as `account`; returns the callback address. */
    async function throughProvider(
      browser: HttpBrowser,
      account: string,
      start = `/sign-in/oidc/${providerId}`,
      form?: Record<string, string>,
    ): Promise<URL> {
      const atProvider = await browser.navigate(`${appUrl}${start}`, {
        stopBefore: isCallback,
        ...(form === undefined ? {} : { form }),
      })
      if (atProvider.response === null) return atProvider.url
      expect(atProvider.url.origin).toBe(provider.issuer)
      expect(atProvider.response.status).toBe(200)
      const back = await browser.navigate(`${atProvider.url.href}/login`, {
        form: { account },
        stopBefore: isCallback,
      })
      expect(back.response).toBeNull()
      return back.url
    }

    /** Goes to `url` and follows redirects; the final page, parsed. */
    async function open(browser: HttpBrowser, url: URL | string) {
      const { response, url: finalUrl } = await browser.navigate(url)
      const body = await response!.text()
      return { status: response!.status, url: finalUrl, page: parsePage(body), body }
    }

    function addAccount(sub: string, claims: Omit<TestProviderAccount, 'sub'>) {
      provider.addAccount({ sub, ...claims })
    }

    async function createPasswordAccount(email: string, profession: string | null = 'nurse') {
      const userId = randomUUID()
      const passwordHash = await testServiceSettings().passwordHashing!.hash(password)
      await db().transaction((tx) =>
        createAccountRepository(db()).insertUser(tx, {
          id: userId,
          fullName: 'Existing Person',
          email,
          emailVerifiedAt: new Date(),
          isNhsEmail: false,
          professionId: profession,
          registrationNumber: profession === null ? null : '71A2998E',
          passwordHash,
        }),
      )
      return userId
    }

    async function signInWithPassword(browser: HttpBrowser, email: string) {
      const form = await open(browser, `${appUrl}/sign-in`)
      const signedIn = await browser.navigate(`${appUrl}/sign-in`, {
        form: { _csrf: csrfOf(form.body), email, password },
      })
      expect(signedIn.url.pathname).toBe('/account')
    }

    /** Posts a Trellis form without following the answer. */
    async function submit(browser: HttpBrowser, path: string, form: Record<string, string>) {
      const response = await browser.request(`${appUrl}${path}`, { method: 'POST', form })
      const body = await response.text()
      return {
        status: response.status,
        location: response.headers.get('location'),
        page: parsePage(body),
        body,
      }
    }

    const csrfOf = (html: string) =>
      parsePage(html).root.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? ''

    const userByEmail = async (email: string) =>
      (
        await db().query<{
          id: string
          full_name: string
          is_nhs_email: boolean
          email_verified_at: Date | null
          password_hash: string | null
          profession_id: string | null
          registration_number: string | null
        }>(
          `SELECT id, full_name, is_nhs_email, email_verified_at, password_hash, profession_id, registration_number
           FROM users WHERE email = $1`,
          [email],
        )
      )[0]

    const identitiesOf = (userId: string) =>
      db().query<{ issuer: string; subject: string; provider_id: string }>(
        'SELECT issuer, subject, provider_id FROM user_identities WHERE user_id = $1 ORDER BY subject',
        [userId],
      )

    const auditOf = (userId: string) =>
      db().query<{ action: string; actor_user_id: string | null; details: Record<string, unknown> }>(
        `SELECT action, actor_user_id, details FROM audit_events WHERE subject_id = $1 ORDER BY id`,
        [userId],
      )

    const sessionMethods = (userId: string) =>
      db().query<{ auth_method: string }>(
        'SELECT auth_method FROM sessions WHERE user_id = $1 ORDER BY created_at',
        [userId],
      )

    it('offers the provider on the sign-in page', async () => {
      const { page } = await open(new HttpBrowser(), `${appUrl}/sign-in?next=/account`)
      expect(page.links()).toContainEqual({
        text: `Sign in with ${providerName}`,
        href: `/sign-in/oidc/${providerId}?next=%2Faccount`,
      })
    })

    it('sends the person to the provider with PKCE (S256), state and nonce', async () => {
      const browser = new HttpBrowser()
      const started = await browser.request(`${appUrl}/sign-in/oidc/${providerId}`)
      expect(started.status).toBe(303)
      const authorization = new URL(started.headers.get('location')!)
      expect(authorization.origin).toBe(provider.issuer)
      // What the provider itself received.
      await browser.navigate(authorization)
      const received = provider.authorizationRequests.at(-1)!
      expect(received.searchParams.get('code_challenge_method')).toBe('S256')
      expect(received.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(received.searchParams.get('response_type')).toBe('code')
      expect(received.searchParams.get('scope')).toBe('openid email profile')
      expect(received.searchParams.get('redirect_uri')).toBe(`${appUrl}/sign-in/oidc/${providerId}/callback`)
      expect(received.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(received.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      // The verifier is nowhere in the browser: the flow cookie is a random value, nothing more.
      expect(browser.cookie('127.0.0.1', 'trellis_oidc')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      const [row] = await db().query<{ code_verifier_sealed: string; id: string }>(
        'SELECT id, code_verifier_sealed FROM oidc_sign_in_attempts ORDER BY created_at DESC LIMIT 1',
      )
      expect(row!.id).not.toBe(received.searchParams.get('state'))
      expect(row!.code_verifier_sealed.split('.')).toHaveLength(3)
    })

    it('answers an unknown provider with "Page not found"', async () => {
      const { status, page } = await open(new HttpBrowser(), `${appUrl}/sign-in/oidc/nobody`)
      expect(status).toBe(404)
      expect(page.h1).toBe('Page not found')
    })

    it('says when the provider cannot be reached, and discovers it again once it can', async () => {
      const browser = new HttpBrowser()
      const down = await open(browser, `${appUrl}/sign-in/oidc/later`)
      expect(down.status).toBe(503)
      expect(down.page.h1).toBe('Sign-in with your organisation is not available at the moment')
      expect(down.page.links()).toContainEqual({ text: 'Try again', href: '/sign-in/oidc/later' })

      const later = await startOidcTestProvider({
        port: laterPort,
        clientSecret: laterSecret,
        redirectUris: [`${appUrl}/sign-in/oidc/later/callback`],
      })
      try {
        const started = await browser.request(`${appUrl}/sign-in/oidc/later`)
        expect(started.status).toBe(303)
        expect(new URL(started.headers.get('location')!).origin).toBe(later.issuer)
      } finally {
        await later.close()
      }
    })

    it('creates an account at the first sign-in and asks for the profile before anything else', async () => {
      addAccount('alice', { email: 'Alice.Example@nhs.net', email_verified: true, name: 'Alice Example' })
      const browser = new HttpBrowser()
      const callback = await throughProvider(browser, 'alice', `/sign-in/oidc/${providerId}?next=/pathways`)
      const landed = await open(browser, callback)
      expect(landed.url.pathname).toBe('/account/complete-profile')
      expect(landed.url.searchParams.get('next')).toBe('/pathways')
      expect(landed.status).toBe(200)
      expect(landed.page.h1).toBe('Complete your profile')
      expect(landed.page.root.querySelector('#fullName')?.getAttribute('value')).toBe('Alice Example')

      const user = await userByEmail('alice.example@nhs.net')
      expect(user).toMatchObject({
        full_name: 'Alice Example',
        is_nhs_email: true,
        password_hash: null,
        profession_id: null,
        registration_number: null,
      })
      expect(user!.email_verified_at).not.toBeNull()
      expect(await identitiesOf(user!.id)).toEqual([
        { issuer: provider.issuer, subject: 'alice', provider_id: providerId },
      ])
      expect(await sessionMethods(user!.id)).toEqual([{ auth_method: 'oidc' }])
      const audit = await auditOf(user!.id)
      expect(audit.map((entry) => entry.action)).toEqual([
        'account.created',
        'oidc.linked',
        'session.signed-in',
      ])
      expect(audit[0]!.details).toMatchObject({ method: 'oidc', provider: providerId })
      expect(audit[2]!.details).toMatchObject({ method: 'oidc' })

      // A bad registration number is shown in the error summary and at the field.
      const answer = {
        next: '/pathways',
        fullName: 'Alice Example',
        profession: 'nurse',
        registrationNumber: '12345',
      }
      const wrong = await submit(browser, '/account/complete-profile', {
        _csrf: csrfOf(landed.body),
        ...answer,
      })
      expect(wrong.status).toBe(400)
      expect(wrong.page.title).toMatch(/^Error: Complete your profile/)
      expect(wrong.page.errorSummary()).toEqual([
        expect.stringMatching(/^Enter a registration number in the right format/),
      ])
      expect(wrong.page.root.querySelector('#registrationNumber-error')).not.toBeNull()

      const done = await submit(browser, '/account/complete-profile', {
        _csrf: csrfOf(wrong.body),
        ...answer,
        registrationNumber: '71a 2998e',
      })
      expect(done.status).toBe(303)
      expect(done.location).toBe('/pathways')
      expect(await userByEmail('alice.example@nhs.net')).toMatchObject({
        profession_id: 'nurse',
        registration_number: '71A2998E',
      })
      // Once complete, the page sends the person on.
      const again = await browser.navigate(`${appUrl}/account/complete-profile`)
      expect(again.url.pathname).toBe('/account')
    })

    it('finds the linked account at the next sign-in, and goes where the person was going', async () => {
      addAccount('bea', {
        email: 'bea@nhs.net',
        email_verified: true,
        given_name: 'Bea',
        family_name: 'Ward',
      })
      const first = new HttpBrowser()
      await open(first, await throughProvider(first, 'bea'))
      const bea = await userByEmail('bea@nhs.net')
      expect(bea!.full_name).toBe('Bea Ward')
      await testApp.services.accounts.updateDetails(
        bea!.id,
        { fullName: 'Bea Ward', profession: 'nurse', registrationNumber: '71A2998E' },
        { requestId: 'test', ip: '127.0.0.1', userAgent: null },
      )

      const second = new HttpBrowser()
      const landed = await open(
        second,
        await throughProvider(second, 'bea', `/sign-in/oidc/${providerId}?next=/account/sign-in-methods`),
      )
      expect(landed.url.pathname).toBe('/account/sign-in-methods')
      expect(landed.page.h1).toBe('How you sign in')
      expect(landed.page.mainText).toContain(`${providerName} Added on`)
      expect((await db().query('SELECT id FROM users WHERE email = $1', ['bea@nhs.net'])).length).toBe(1)
      expect(await sessionMethods(bea!.id)).toEqual([{ auth_method: 'oidc' }, { auth_method: 'oidc' }])
    })

    it('does not link silently to an account that has the same address', async () => {
      const existing = await createPasswordAccount('carl@example.org')
      addAccount('carl', { email: 'carl@example.org', email_verified: true, name: 'Carl Impostor' })
      const browser = new HttpBrowser()
      const landed = await open(browser, await throughProvider(browser, 'carl'))
      expect(landed.status).toBe(409)
      expect(landed.page.h1).toBe('You already have a Trellis account')
      expect(landed.page.mainText).toContain('carl@example.org')
      expect(landed.page.links()).toContainEqual({
        text: 'how you sign in',
        href: '/account/sign-in-methods',
      })
      expect(browser.cookie('127.0.0.1', 'trellis_session')).toBeUndefined()
      expect(await identitiesOf(existing)).toEqual([])
      expect(await sessionMethods(existing)).toEqual([])
      expect((await auditOf(existing)).map((entry) => entry.action)).toEqual(['sign-in.failed'])
    })

    it('refuses an address the provider has not verified, and a missing one', async () => {
      addAccount('dan', { email: 'dan@nhs.net', email_verified: false, name: 'Dan' })
      const browser = new HttpBrowser()
      const unverified = await open(browser, await throughProvider(browser, 'dan'))
      expect(unverified.status).toBe(403)
      expect(unverified.page.h1).toBe('Your organisation has not confirmed your email address')
      expect(await userByEmail('dan@nhs.net')).toBeUndefined()

      addAccount('eve', { name: 'Eve Without Email' })
      const other = new HttpBrowser()
      const missing = await open(other, await throughProvider(other, 'eve'))
      expect(missing.status).toBe(403)
      expect(missing.page.h1).toBe('Your organisation did not share your email address')
      expect(
        await db().query('SELECT subject FROM user_identities WHERE subject IN ($1, $2)', ['dan', 'eve']),
      ).toEqual([])
    })

    it('refuses a tampered state, and the untampered callback still works after it', async () => {
      addAccount('fay', { email: 'fay@nhs.net', email_verified: true, name: 'Fay' })
      const browser = new HttpBrowser()
      const callback = await throughProvider(browser, 'fay')
      const tampered = new URL(callback)
      tampered.searchParams.set('state', `${callback.searchParams.get('state')!.slice(0, -2)}xx`)
      const refused = await open(browser, tampered)
      expect(refused.status).toBe(400)
      expect(refused.page.h1).toBe('Sign-in did not work')
      expect(refused.page.links()).toContainEqual({ text: 'Try again', href: `/sign-in/oidc/${providerId}` })
      const noState = new URL(callback)
      noState.searchParams.delete('state')
      expect((await open(browser, noState)).status).toBe(400)

      const landed = await open(browser, callback)
      expect(landed.url.pathname).toBe('/account/complete-profile')
    })

    it('refuses a replayed callback', async () => {
      addAccount('gus', { email: 'gus@nhs.net', email_verified: true, name: 'Gus' })
      const browser = new HttpBrowser()
      const callback = await throughProvider(browser, 'gus')
      expect((await open(browser, callback)).url.pathname).toBe('/account/complete-profile')
      const replayed = await open(browser, callback)
      expect(replayed.status).toBe(410)
      expect(replayed.page.h1).toBe('This sign-in has already been used')
      const gus = await userByEmail('gus@nhs.net')
      expect(await sessionMethods(gus!.id)).toHaveLength(1)
    })

    it('refuses a callback opened in another browser, without spoiling it for the one that started', async () => {
      addAccount('hal', { email: 'hal@nhs.net', email_verified: true, name: 'Hal' })
      const browser = new HttpBrowser()
      const callback = await throughProvider(browser, 'hal')
      const stranger = await open(new HttpBrowser(), callback)
      expect(stranger.status).toBe(403)
      expect(stranger.page.h1).toBe('Sign-in started in a different browser')
      expect(await userByEmail('hal@nhs.net')).toBeUndefined()
      expect((await open(browser, callback)).url.pathname).toBe('/account/complete-profile')
    })

    it('refuses a callback after the flow has expired', async () => {
      addAccount('ida', { email: 'ida@nhs.net', email_verified: true, name: 'Ida' })
      const browser = new HttpBrowser()
      const callback = await throughProvider(browser, 'ida')
      await db().query(
        `UPDATE oidc_sign_in_attempts SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`,
      )
      const expired = await open(browser, callback)
      expect(expired.status).toBe(410)
      expect(expired.page.h1).toBe('Sign-in took too long')
      expect(await userByEmail('ida@nhs.net')).toBeUndefined()
    })

    it('says so clearly when the person cancels at the provider', async () => {
      const browser = new HttpBrowser()
      const atProvider = await browser.navigate(`${appUrl}/sign-in/oidc/${providerId}`, {
        stopBefore: isCallback,
      })
      const back = await browser.navigate(`${atProvider.url.href}/abort`, {
        form: {},
        stopBefore: isCallback,
      })
      expect(back.url.searchParams.get('error')).toBe('access_denied')
      const cancelled = await open(browser, back.url)
      expect(cancelled.status).toBe(403)
      expect(cancelled.page.h1).toBe('You did not sign in with your organisation')
      expect(cancelled.page.links()).toContainEqual({
        text: 'Try again',
        href: `/sign-in/oidc/${providerId}`,
      })
    })

    it('keeps where the person was going when they cancel, so that trying again or another way goes there', async () => {
      const browser = new HttpBrowser()
      const atProvider = await browser.navigate(
        `${appUrl}/sign-in/oidc/${providerId}?next=${encodeURIComponent('/account/details')}`,
        { stopBefore: isCallback },
      )
      const back = await browser.navigate(`${atProvider.url.href}/abort`, {
        form: {},
        stopBefore: isCallback,
      })
      const cancelled = await open(browser, back.url)
      expect(cancelled.status).toBe(403)
      expect(cancelled.page.links()).toEqual(
        expect.arrayContaining([
          { text: 'Try again', href: `/sign-in/oidc/${providerId}?next=%2Faccount%2Fdetails` },
          { text: 'Sign in another way', href: '/sign-in?next=%2Faccount%2Fdetails' },
        ]),
      )
    })

    it('links the provider to a signed-in account on request, and signs in with it afterwards', async () => {
      const jo = await createPasswordAccount('jo@example.org')
      addAccount('jo-at-work', { email: 'jo.work@nhs.net', email_verified: true, name: 'Jo At Work' })
      const browser = new HttpBrowser()
      await signInWithPassword(browser, 'jo@example.org')
      const account = await open(browser, `${appUrl}/account`)
      expect(account.page.links()).toContainEqual({
        text: 'How you sign in',
        href: '/account/sign-in-methods',
      })
      const methods = await open(browser, `${appUrl}/account/sign-in-methods`)
      const linkForm = methods.page.root.querySelector(
        `form[action="/account/identities/${providerId}/link"]`,
      )
      expect(linkForm?.text).toContain(`Add ${providerName}`)

      // Without the form's token, nothing starts.
      const forged = await browser.request(`${appUrl}/account/identities/${providerId}/link`, {
        method: 'POST',
        form: {},
      })
      expect(forged.status).toBe(403)

      const callback = await throughProvider(
        browser,
        'jo-at-work',
        `/account/identities/${providerId}/link`,
        {
          _csrf: csrfOf(methods.body),
        },
      )
      const linked = await open(browser, callback)
      expect(linked.url.pathname).toBe('/account/sign-in-methods')
      expect(linked.page.mainText).toContain(`You can now sign in to Trellis with ${providerName}.`)
      expect(await identitiesOf(jo)).toEqual([
        { issuer: provider.issuer, subject: 'jo-at-work', provider_id: providerId },
      ])
      const linkedAudit = (await auditOf(jo)).filter((entry) => entry.action === 'oidc.linked')
      expect(linkedAudit).toEqual([
        {
          action: 'oidc.linked',
          actor_user_id: jo,
          details: { provider: providerId, issuer: provider.issuer },
        },
      ])
      expect(await userByEmail('jo.work@nhs.net')).toBeUndefined()

      const elsewhere = new HttpBrowser()
      const signedIn = await open(elsewhere, await throughProvider(elsewhere, 'jo-at-work'))
      expect(signedIn.url.pathname).toBe('/account')
      expect(signedIn.page.mainText).toContain('jo@example.org')
      expect((await sessionMethods(jo)).map((s) => s.auth_method)).toEqual(['password', 'oidc'])
    })

    it('will not link a provider account that already signs in to someone else', async () => {
      const kim = await createPasswordAccount('kim@example.org')
      addAccount('lee', { email: 'lee@nhs.net', email_verified: true, name: 'Lee' })
      const lees = new HttpBrowser()
      await open(lees, await throughProvider(lees, 'lee'))
      const lee = await userByEmail('lee@nhs.net')

      const browser = new HttpBrowser()
      await signInWithPassword(browser, 'kim@example.org')
      const methods = await open(browser, `${appUrl}/account/sign-in-methods`)
      const refused = await open(
        browser,
        await throughProvider(browser, 'lee', `/account/identities/${providerId}/link`, {
          _csrf: csrfOf(methods.body),
        }),
      )
      expect(refused.status).toBe(403)
      expect(refused.page.h1).toBe('This account is already used by someone else on Trellis')
      expect(await identitiesOf(kim)).toEqual([])
      expect(await identitiesOf(lee!.id)).toHaveLength(1)
    })

    it('lets another app instance finish a flow this one started', async () => {
      // A second instance of the same deployment: the same database and public address, behind a balancer.
      const other = await createTestApp(engine, {
        database: db(),
        sessionSecret: testApp.sessionSecret,
        settings: { publicUrl: appUrl },
        oidcProviders: [
          {
            id: providerId,
            name: providerName,
            issuer: provider.issuer,
            clientId: provider.clientId,
            clientSecret: provider.clientSecret,
          },
        ],
      })
      try {
        addAccount('max', { email: 'max@nhs.net', email_verified: true, name: 'Max' })
        const browser = new HttpBrowser()
        const callback = await throughProvider(browser, 'max')
        const answer = await other.app.inject({
          method: 'GET',
          url: `${callback.pathname}${callback.search}`,
          headers: { cookie: `trellis_oidc=${browser.cookie('127.0.0.1', 'trellis_oidc')}` },
        })
        expect(answer.statusCode).toBe(303)
        expect(answer.headers.location).toBe('/account/complete-profile')
        expect(await userByEmail('max@nhs.net')).toBeDefined()
      } finally {
        await other.close()
      }
    })
  })
}
