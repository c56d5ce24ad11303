import { beforeAll, describe, expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  Mailbox,
  signUpThroughEmail,
  tokenOfLink,
  uniqueEmail,
  type Person,
  type TestBrowser,
} from '../../../test/support/identity.ts'

const trust = 'RTD'

describeEachIdentityApp('memberships', ({ app }) => {
  let university: { id: string; name: string }
  let trustName: string
  let lead: Person
  let leadBrowser: TestBrowser

  beforeAll(async () => {
    const [row] = await app().db.database.query<{ id: string; name: string }>(
      "SELECT id, name FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
    )
    university = row!
    const [trustRow] = await app().db.database.query<{ name: string }>(
      'SELECT name FROM organisations WHERE id = $1',
      [trust],
    )
    trustName = trustRow!.name
    lead = await app().person({
      fullName: 'Lee Lead',
      memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
    })
    leadBrowser = await app().signIn(lead)
  })

  /** Invites through the members page; returns the path of the link in the email that arrived. */
  async function invite(email: string, roles: readonly string[], organisationId = trust): Promise<string> {
    const response = await leadBrowser.post(`/organisations/${organisationId}/invitations`, { email, roles })
    expect(response.statusCode, response.body).toBe(303)
    expect(response.headers.location).toBe(`/organisations/${organisationId}/members?invited=1`)
    const message = await app().mail.next(email, `You have been invited to join ${trustName} on Trellis`)
    return Mailbox.linkIn(message, '/invitations/accept')
  }

  describe('inviting by email', () => {
    it('lets a lead invite someone who then creates an account, accepts, and holds the roles', async () => {
      const members = await leadBrowser.page(`/organisations/${trust}/members`)
      expect(members.status).toBe(200)
      expect(members.h1).toBe('Members')
      const roleChoices = members.root
        .querySelectorAll('form[action$="/invitations"] input[name="roles"]')
        .map((input) => input.getAttribute('value'))
      expect(roleChoices).toEqual(['learner', 'mentor', 'employer-research-lead'])

      const email = uniqueEmail('ivy', 'nhs.net')
      const link = await invite(email.toUpperCase(), ['learner', 'mentor'])
      const listed = await leadBrowser.page(`/organisations/${trust}/members?invited=1`)
      expect(listed.mainText).toContain('Invitation sent.')
      expect(listed.mainText).toContain(`${email} · Learner, Mentor`)

      // Opened before having an account: it says what the invitation is and how to accept it.
      const anonymous = await app().browser().page(link)
      expect(anonymous.status).toBe(200)
      expect(anonymous.h1).toBe(`Join ${trustName}`)
      expect(anonymous.mainText).toContain('as: Learner, Mentor')
      expect(anonymous.links().map((l) => l.href)).toContain(`/sign-in?next=${encodeURIComponent(link)}`)

      const { browser } = await signUpThroughEmail(app(), email)
      const before = browser.sessionToken!
      const methodsOf = async () =>
        (
          await app().db.database.query<{ auth_method: string }>(
            'SELECT s.auth_method FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1',
            [email],
          )
        ).map((row) => row.auth_method)
      const methodBefore = await methodsOf()
      expect(methodBefore).toHaveLength(1)
      const page = await browser.page(link)
      expect(page.root.querySelector('#accept button')?.text.trim()).toBe(`Accept and join ${trustName}`)
      const accepted = await browser.post('/invitations/accept', { token: tokenOfLink(link) })
      expect(accepted.statusCode).toBe(303)
      expect(accepted.headers.location).toBe(`/account?joined=${trust}`)

      // What the person may do has changed: their session was replaced, and the old one no longer works.
      expect(browser.sessionToken).toMatch(/^[\w-]{43}$/)
      expect(browser.sessionToken).not.toBe(before)
      const old = await app().app.inject({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { trellis_session: before },
      })
      expect(old.statusCode).toBe(401)
      // The new session carries on the way the person signed in.
      expect(await methodsOf()).toEqual(methodBefore)

      const account = await browser.page(accepted.headers.location!)
      expect(account.mainText).toContain(`You have joined ${trustName}.`)
      // Only an organisation the person belongs to is named.
      expect((await browser.page('/account?joined=R0A')).mainText).not.toContain('You have joined')
      expect(account.mainText).toContain(`${trustName} Learner, Mentor`)
      const me = (await browser.get('/api/v1/me')).json()
      expect(me.memberships).toEqual([
        { organisation: { id: trust, name: trustName, kind: 'nhs-trust' }, roles: ['learner', 'mentor'] },
      ])

      // Used once: the link now says so.
      const again = await browser.page(link)
      expect(again.status).toBe(410)
      expect(again.mainText).toContain('This invitation has already been accepted.')
      const reused = await browser.post('/invitations/accept', { token: tokenOfLink(link) })
      expect(reused.statusCode).toBe(410)
    })

    it('adds the roles of an invitation to the ones a member already holds', async () => {
      const email = uniqueEmail('existing')
      const person = await app().person({
        email,
        memberships: [{ organisationId: trust, roles: ['mentor'] }],
      })
      const link = await invite(email, ['learner'])
      const browser = await app().signIn(person)
      expect((await browser.post('/invitations/accept', { token: tokenOfLink(link) })).statusCode).toBe(303)
      expect((await browser.get('/api/v1/me')).json().memberships[0].roles).toEqual(['learner', 'mentor'])
    })

    it('does not let another account accept someone else’s invitation', async () => {
      const email = uniqueEmail('intended')
      const link = await invite(email, ['learner'])
      const intruder = await app().person({ email: uniqueEmail('intruder') })
      const browser = await app().signIn(intruder)
      const response = await browser.post('/invitations/accept', { token: tokenOfLink(link) })
      expect(response.statusCode).toBe(400)
      const page = parsePage(response.body)
      expect(page.title).toMatch(/^Error: /)
      expect(page.errorSummary()).toEqual([
        `This invitation was sent to ${email}. Sign in with the account for that address to accept it.`,
      ])
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [intruder.id])).toBe(0)
      // The invitation is still open for the person it was sent to.
      expect((await app().browser().page(link)).status).toBe(200)
    })

    it('needs the person to be signed in to accept', async () => {
      const link = await invite(uniqueEmail('later'), ['learner'])
      const browser = app().browser()
      const response = await browser.post('/invitations/accept', { token: tokenOfLink(link) })
      expect(response.statusCode).toBe(401)
    })

    it('says when an invitation has been withdrawn, has expired or does not exist', async () => {
      const withdrawnEmail = uniqueEmail('withdrawn')
      const withdrawnLink = await invite(withdrawnEmail, ['learner'])
      const [invitation] = await app().db.database.query<{ id: string }>(
        'SELECT id FROM invitations WHERE email = $1',
        [withdrawnEmail],
      )
      const revoked = await leadBrowser.post(`/organisations/${trust}/invitations/${invitation!.id}/revoke`)
      expect(revoked.statusCode).toBe(303)
      expect((await leadBrowser.page(revoked.headers.location!)).mainText).toContain('Invitation withdrawn.')
      const withdrawn = await app().browser().page(withdrawnLink)
      expect(withdrawn.status).toBe(410)
      expect(withdrawn.h1).toBe('This invitation cannot be used')
      expect(withdrawn.mainText).toContain('This invitation has been withdrawn.')
      const invitee = await app().person({ email: withdrawnEmail })
      const refused = await (
        await app().signIn(invitee)
      ).post('/invitations/accept', {
        token: tokenOfLink(withdrawnLink),
      })
      expect(refused.statusCode).toBe(410)
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [invitee.id])).toBe(0)

      const lateEmail = uniqueEmail('late')
      const lateLink = await invite(lateEmail, ['learner'])
      app().clock.advanceMinutes(7 * 24 * 60 + 1)
      // The lead signs in again: a week has passed.
      leadBrowser = await app().signIn(lead)
      const expired = await app().browser().page(lateLink)
      expect(expired.status).toBe(410)
      expect(expired.mainText).toContain('This invitation has expired.')
      const lateInvitee = await app().person({ email: lateEmail })
      const lateAccept = await (
        await app().signIn(lateInvitee)
      ).post('/invitations/accept', {
        token: tokenOfLink(lateLink),
      })
      expect(lateAccept.statusCode).toBe(410)
      expect((await leadBrowser.page(`/organisations/${trust}/members`)).mainText).not.toContain(lateEmail)

      const unknown = await app()
        .browser()
        .page(`/invitations/accept?token=${'A'.repeat(43)}`)
      expect(unknown.status).toBe(404)
      expect(unknown.mainText).toContain('The link may be incomplete or copied wrongly.')
    })
  })

  describe('managing members', () => {
    it('lets a lead change a member’s roles, which ends the member’s sessions', async () => {
      const member = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
      const memberBrowser = await app().signIn(member)
      const response = await leadBrowser.post(`/organisations/${trust}/members/${member.id}/roles`, {
        roles: ['learner', 'mentor'],
      })
      expect(response.statusCode).toBe(303)
      expect((await leadBrowser.page(response.headers.location!)).mainText).toContain('Roles changed.')
      const [row] = await app().db.database.query<{ roles: string[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2',
        [member.id, trust],
      )
      expect(row?.roles).toEqual(['learner', 'mentor'])
      expect((await memberBrowser.get('/api/v1/me')).statusCode).toBe(401)
    })

    it('refuses a role the organisation’s kind does not have, naming the roles it has', async () => {
      const member = await app().person({ memberships: [{ organisationId: trust, roles: ['learner'] }] })
      const response = await leadBrowser.post(`/organisations/${trust}/members/${member.id}/roles`, {
        roles: ['programme-lead'],
      })
      expect(response.statusCode).toBe(400)
      expect(parsePage(response.body).errorSummary()).toEqual([
        'You cannot give the role Programme lead here',
      ])

      const invited = await leadBrowser.post(`/organisations/${trust}/invitations`, {
        email: uniqueEmail('nope'),
        roles: ['learner', 'programme-lead'],
      })
      expect(invited.statusCode).toBe(400)
      const page = parsePage(invited.body)
      expect(page.title).toMatch(/^Error: Members of /)
      expect(page.errorSummary()).toEqual([
        `You cannot give the role Programme lead here. ${trustName} has these roles: Learner, Mentor, Employer research lead`,
      ])
      const [row] = await app().db.database.query<{ roles: string[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2',
        [member.id, trust],
      )
      expect(row?.roles).toEqual(['learner'])
    })

    it('lets a lead remove a member, whose sessions end', async () => {
      const member = await app().person({ memberships: [{ organisationId: trust, roles: ['mentor'] }] })
      const memberBrowser = await app().signIn(member)
      const response = await leadBrowser.post(`/organisations/${trust}/members/${member.id}/remove`)
      expect(response.statusCode).toBe(303)
      expect((await leadBrowser.page(response.headers.location!)).mainText).toContain('Member removed.')
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [member.id])).toBe(0)
      expect((await memberBrowser.get('/api/v1/me')).statusCode).toBe(401)
      const again = await leadBrowser.post(`/organisations/${trust}/members/${member.id}/remove`)
      expect(again.statusCode).toBe(404)
    })

    it('does not let a lead change their own roles or remove themselves, so the trust keeps its lead', async () => {
      const members = parsePage((await leadBrowser.get(`/organisations/${trust}/members`)).body)
      expect(members.mainText).toContain('This is you. Another lead of the organisation')
      expect(
        members.root.querySelector(`form[action="/organisations/${trust}/members/${lead.id}/remove"]`),
      ).toBeNull()

      const demoted = await leadBrowser.post(`/organisations/${trust}/members/${lead.id}/roles`, {
        roles: ['learner'],
      })
      expect(demoted.statusCode).toBe(400)
      expect(parsePage(demoted.body).errorSummary()).toEqual([
        'You cannot change your own roles or remove yourself. Ask another lead of this organisation, or the Trellis framework team.',
      ])
      const removed = await leadBrowser.post(`/organisations/${trust}/members/${lead.id}/remove`)
      expect(removed.statusCode).toBe(400)
      expect(parsePage(removed.body).errorSummary()).toHaveLength(1)
      const [row] = await app().db.database.query<{ roles: string[] }>(
        'SELECT roles FROM memberships WHERE user_id = $1 AND organisation_id = $2',
        [lead.id, trust],
      )
      expect(row?.roles).toEqual(['employer-research-lead'])
      expect((await leadBrowser.get('/api/v1/me')).statusCode).toBe(200)
    })

    it('does not let a lead of one organisation manage another', async () => {
      const elsewhere = await leadBrowser.get(`/organisations/${university.id}/members`)
      expect(elsewhere.statusCode).toBe(403)
      const member = await app().person({
        memberships: [{ organisationId: university.id, roles: ['learner'] }],
      })
      const removed = await leadBrowser.post(`/organisations/${university.id}/members/${member.id}/remove`)
      expect(removed.statusCode).toBe(403)
      expect(await app().count('SELECT count(*) FROM memberships WHERE user_id = $1', [member.id])).toBe(1)
    })

    it('lets a framework admin give any role an organisation has, anywhere', async () => {
      const admin = await app().person({
        memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
      })
      const browser = await app().signIn(admin)
      const member = await app().person({
        memberships: [{ organisationId: university.id, roles: ['learner'] }],
      })
      const response = await browser.post(`/organisations/${university.id}/members/${member.id}/roles`, {
        roles: ['programme-lead'],
      })
      expect(response.statusCode).toBe(303)
      const refused = await browser.post(`/organisations/${university.id}/members/${member.id}/roles`, {
        roles: ['employer-research-lead'],
      })
      expect(refused.statusCode).toBe(400)
    })
  })

  describe('the API', () => {
    it('creates an invitation: 201 with what it made, and the email goes out', async () => {
      const email = uniqueEmail('api')
      const response = await leadBrowser.api('POST', `/api/v1/organisations/${trust}/invitations`, {
        email,
        roles: ['mentor'],
      })
      expect(response.statusCode).toBe(201)
      const body = response.json()
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        organisation: trust,
        email,
        roles: ['mentor'],
        expiresAt: expect.any(String),
      })
      const days = (Date.parse(body.expiresAt) - app().clock.now().getTime()) / 86_400_000
      expect(days).toBeGreaterThan(6.99)
      expect(days).toBeLessThanOrEqual(7)
      await app().mail.next(email, `You have been invited to join ${trustName} on Trellis`)
      const listed = await leadBrowser.api('GET', `/api/v1/organisations/${trust}/members`)
      expect(listed.json().invitations.map((i: { id: string }) => i.id)).toContain(body.id)
    })

    it('answers a bad body with 400 problem+json naming each field', async () => {
      const cases: [unknown, string[]][] = [
        [{}, ['email', 'roles']],
        [{ email: 'not an address', roles: [] }, ['email', 'roles']],
        [{ email: uniqueEmail(), roles: ['astronaut'] }, ['roles[0]']],
        [{ email: uniqueEmail(), roles: ['programme-lead'] }, ['roles']],
      ]
      for (const [body, names] of cases) {
        const response = await leadBrowser.api('POST', `/api/v1/organisations/${trust}/invitations`, body)
        expect(response.statusCode, JSON.stringify(body)).toBe(400)
        expect(response.headers['content-type']).toContain('application/problem+json')
        const problem = response.json()
        expect(problem.status).toBe(400)
        expect(problem['invalid-params'].map((p: { name: string }) => p.name)).toEqual(names)
      }
      const notJson = await leadBrowser.api('POST', `/api/v1/organisations/${trust}/invitations`, ['x'])
      expect(notJson.statusCode).toBe(400)
      expect(notJson.json()['invalid-params']).toEqual([{ name: 'body', reason: 'must be a JSON object' }])
    })
  })
})
