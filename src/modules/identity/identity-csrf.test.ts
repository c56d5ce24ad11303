import { beforeAll, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  fillPath,
  Mailbox,
  signUpFields,
  testPassword,
  tokenOfLink,
  uniqueEmail,
  type FormFields,
  type Person,
  type TestBrowser,
} from '../../../test/support/identity.ts'

const trust = 'RTD'
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

describeEachIdentityApp('protection against cross-site request forgery', ({ app }) => {
  let admin: Person
  let member: Person
  let adminBrowser: TestBrowser
  let pathValues: Record<string, string>
  let bodies: Record<string, FormFields>

  /** Everything a forged request could change, as text: equal before and after means nothing changed. */
  async function snapshot(): Promise<string> {
    const tables = [
      'SELECT id, full_name, email, email_verified_at, is_nhs_email, profession_id, registration_number, password_hash, closed_at FROM users',
      'SELECT id, user_id, expires_at FROM sessions',
      'SELECT user_id, organisation_id, roles FROM memberships',
      'SELECT id, accepted_at, accepted_by, revoked_at FROM invitations',
      'SELECT id, used_at, expires_at FROM one_time_tokens',
      'SELECT id FROM audit_events',
      'SELECT bucket, window_start, hits FROM rate_limit_hits',
    ]
    const parts = await Promise.all(
      tables.map(async (sql) => {
        const rows = await app().db.database.query(sql)
        return rows
          .map((row) => JSON.stringify(row))
          .sort()
          .join('\n')
      }),
    )
    return [...parts, `email: ${app().mail.server.messages.length}`].join('\n--\n')
  }

  beforeAll(async () => {
    admin = await app().person({
      memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
    })
    member = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
    adminBrowser = await app().signIn(admin)

    // Real links and invitations, so that a forged request would have something to use up.
    const invited = await adminBrowser.api('POST', `/api/v1/organisations/${trust}/invitations`, {
      email: admin.email,
      roles: ['mentor'],
    })
    expect(invited.statusCode).toBe(201)
    const invitationToken = tokenOfLink(
      Mailbox.linkIn(await app().mail.next(admin.email), '/invitations/accept'),
    )
    await adminBrowser.api('POST', `/api/v1/organisations/${trust}/invitations`, {
      email: uniqueEmail('someone'),
      roles: ['learner'],
    })
    const [pending] = await app().db.database.query<{ id: string }>(
      'SELECT id FROM invitations WHERE organisation_id = $1 AND email <> $2 AND accepted_at IS NULL',
      [trust, admin.email],
    )
    await app().browser().post('/sign-in/email', { email: member.email })
    const signInToken = tokenOfLink(Mailbox.linkIn(await app().mail.next(member.email), '/sign-in/link'))
    await app().browser().post('/password-reset', { email: member.email })
    const resetToken = tokenOfLink(Mailbox.linkIn(await app().mail.next(member.email), '/password-reset/new'))
    const unconfirmed = uniqueEmail('unconfirmed')
    await app().browser().post('/sign-up', {
      fullName: 'Una Confirmed',
      email: unconfirmed,
      profession: 'nurse',
      registrationNumber: '71A2998E',
      password: 'plum tractor velvet ocean',
      confirmPassword: 'plum tractor velvet ocean',
    })
    const verifyToken = tokenOfLink(Mailbox.linkIn(await app().mail.next(unconfirmed), '/verify-email'))

    pathValues = { organisationId: trust, userId: member.id, invitationId: pending!.id }
    const newPassword = 'an entirely new passphrase'
    bodies = {
      '/sign-up': signUpFields(uniqueEmail('forged')),
      '/sign-up/resend': { email: unconfirmed },
      '/verify-email': { token: verifyToken },
      '/sign-in': { email: admin.email, password: testPassword },
      '/sign-in/email': { email: admin.email },
      '/sign-in/link': { token: signInToken },
      '/password-reset': { email: admin.email },
      '/password-reset/new': { token: resetToken, password: newPassword, confirmPassword: newPassword },
      '/account/details': { fullName: 'Forged Name', profession: 'nurse', registrationNumber: '71A2998E' },
      '/account/password': {
        currentPassword: testPassword,
        password: newPassword,
        confirmPassword: newPassword,
      },
      '/account/email': { email: uniqueEmail('forged'), currentPassword: testPassword },
      '/account/close': { confirm: 'close', currentPassword: testPassword },
      '/organisations/:organisationId/invitations': { email: uniqueEmail('forged'), roles: ['learner'] },
      '/organisations/:organisationId/members/:userId/roles': { roles: ['mentor'] },
      '/invitations/accept': { token: invitationToken },
      '/api/v1/organisations/:organisationId/invitations': {
        email: uniqueEmail('forged'),
        roles: ['learner'],
      },
    }
  })

  /** Every state-changing route except the public calculations that declare they need no token. */
  function unsafeRoutes() {
    return app().app.routeTable.filter(
      (route) => unsafeMethods.has(route.method) && route.csrf !== 'not-needed',
    )
  }

  async function send(browser: TestBrowser, route: { method: string; url: string }, csrf: string | null) {
    const { url } = fillPath(route.url, pathValues)
    const body = bodies[route.url] ?? {}
    if (url.startsWith('/api/')) return browser.api('POST', url, body, { csrf })
    return browser.post(url, body, { csrf })
  }

  function expectRefused(response: Awaited<ReturnType<TestBrowser['post']>>, label: string) {
    expect(response.statusCode, label).toBe(403)
    if (response.headers['content-type']?.toString().startsWith('application/problem+json')) {
      expect(response.json().title, label).toBe('This form has expired')
    } else {
      expect(parsePage(response.body).h1, label).toBe('This form has expired')
    }
  }

  it('has forms that post to check', () => {
    expect(unsafeRoutes().length).toBeGreaterThanOrEqual(20)
  })

  it('exempts only public calculations that change nothing', () => {
    const exempt = app().app.routeTable.filter((route) => route.csrf === 'not-needed')
    expect(exempt.map((route) => `${route.method} ${route.url}`).sort()).toEqual([
      'POST /api/v1/credentials/verify',
      'POST /api/v1/framework/check-programme',
      'POST /api/v1/framework/evaluate',
    ])
    expect(exempt.every((route) => route.policy?.access === 'public')).toBe(true)
  })

  it('refuses every state-changing request from a signed-in person without a token, changing nothing', async () => {
    const before = await snapshot()
    for (const route of unsafeRoutes()) {
      expectRefused(await send(adminBrowser, route, null), `${route.method} ${route.url}`)
    }
    expect(await snapshot()).toBe(before)
  })

  it('refuses a token that belongs to another person’s session, changing nothing', async () => {
    const someoneElse = await app().signIn(member)
    const theirToken = await someoneElse.apiCsrfToken()
    const before = await snapshot()
    for (const route of unsafeRoutes()) {
      expectRefused(await send(adminBrowser, route, theirToken), `${route.method} ${route.url}`)
    }
    expect(await snapshot()).toBe(before)
  })

  it('refuses requests from someone not signed in without a token or with another browser’s, changing nothing', async () => {
    const stranger = app().browser()
    const otherBrowserToken = await app().browser().csrfToken()
    await stranger.get('/sign-up')
    const before = await snapshot()
    for (const route of unsafeRoutes()) {
      const label = `${route.method} ${route.url}`
      expectRefused(await send(stranger, route, null), label)
      expectRefused(await send(stranger, route, otherBrowserToken), label)
      expectRefused(await send(stranger, route, 'x'.repeat(43)), label)
    }
    expect(await snapshot()).toBe(before)
  })

  it('refuses a token sent to the API without the session it was given for', async () => {
    const token = await adminBrowser.apiCsrfToken()
    const response = await app().app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${trust}/invitations`,
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      payload: JSON.stringify({ email: uniqueEmail(), roles: ['learner'] }),
    })
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toContain('application/problem+json')
  })

  it('accepts the token GET /api/v1/me gives, in the x-csrf-token header', async () => {
    const me = await adminBrowser.get('/api/v1/me')
    expect(me.headers['cache-control']).toBe('no-store')
    const { csrfToken } = me.json() as { csrfToken: string }
    const email = uniqueEmail('api.invited')
    const response = await adminBrowser.api(
      'POST',
      `/api/v1/organisations/${trust}/invitations`,
      { email, roles: ['learner'] },
      { csrf: csrfToken },
    )
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ organisation: trust, email, roles: ['learner'] })
  })
})
