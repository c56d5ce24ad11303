import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, Mailbox, signedInBrowser, uniqueEmail } from '../../../test/support/identity.ts'
import { startSmtpTestServer, type SmtpTestServer } from '../../../test/support/smtp-test-server.ts'
import { createTestApp } from '../../../test/support/test-app.ts'
import { runCli } from '../../cli.ts'
import { openComposition, type Composition } from '../../composition.ts'
import { readConfig, type Config } from '../../config.ts'

/**
 * `trellis admin create EMAIL`, run as an operator runs it: the command on the embedded database under a
 * DATA_DIR of its own, sending its invitation through a real SMTP server.
 */
describe('trellis admin create', () => {
  let workspace: string
  let smtp: SmtpTestServer
  let mailbox: Mailbox
  let config: Config

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'trellis-admin-'))
    smtp = await startSmtpTestServer()
    mailbox = new Mailbox(smtp)
    config = readConfig({ DATA_DIR: join(workspace, 'data'), SMTP_URL: smtp.url, LOG_LEVEL: 'silent' })
  })
  afterAll(async () => {
    await smtp.close()
    await rm(workspace, { recursive: true, force: true })
  })

  async function run(...args: string[]) {
    const out: string[] = []
    const error: string[] = []
    const code = await runCli(args, config, {
      out: (line) => out.push(line),
      error: (line) => error.push(line),
    })
    return { code, out: out.join('\n'), error: error.join('\n') }
  }

  async function withComposition<T>(work: (composition: Composition) => Promise<T>): Promise<T> {
    const composition = await openComposition(config)
    try {
      return await work(composition)
    } finally {
      await composition.close()
    }
  }

  it('wants exactly one email address', async () => {
    for (const args of [[], ['not-an-address'], ['a@nhs.net', 'b@nhs.net']]) {
      const result = await run('admin', 'create', ...args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.error).toContain('trellis admin create: give one email address, such as name@nhs.net')
    }
  })

  it('makes a confirmed account a framework admin at once and ends its sessions', async () => {
    const email = uniqueEmail('admin', 'nhs.net')
    const person = await withComposition(async ({ database, services }) => {
      const created = await createPerson(database, { email, professionId: null, registrationNumber: null })
      await database.transaction((tx) =>
        services.sessions.start(tx, created.id, 'password', { userAgent: null, ip: null }),
      )
      return created
    })

    const result = await run('admin', 'create', email.toUpperCase())
    expect(result).toEqual({
      code: 0,
      out: `${email.toUpperCase()} is now a framework admin. Their sessions have ended: they sign in again to use the role.`,
      error: '',
    })

    await withComposition(async ({ database, services }) => {
      expect(await services.memberships.listForUser(person.id)).toEqual([
        {
          organisation: {
            id: 'framework-team',
            name: 'Clinician Researcher Credentials Framework team',
            kind: 'framework',
          },
          roles: ['framework-admin'],
        },
      ])
      expect(await database.query('SELECT id FROM sessions WHERE user_id = $1', [person.id])).toEqual([])
      const [audit] = await database.query<{ actor_label: string; actor_user_id: string | null }>(
        "SELECT actor_label, actor_user_id FROM audit_events WHERE action = 'membership.roles-changed' AND details->>'member' = $1",
        [person.id],
      )
      expect(audit).toEqual({ actor_label: 'command line', actor_user_id: null })
    })
    // No email: they were told by whoever ran the command.
    expect(mailbox.allTo(email)).toEqual([])
  })

  it('invites an address without a confirmed account by email, and accepting makes them a framework admin', async () => {
    const email = uniqueEmail('future.admin', 'nhs.net')
    const result = await run('admin', 'create', email)
    expect(result.code).toBe(0)
    const lines = result.out.split('\n')
    expect(lines[0]).toBe(
      `${email} has no confirmed Trellis account yet, so we invited them to be a framework admin.`,
    )
    expect(lines[1]).toBe('The invitation was emailed (by SMTP) and expires in 7 days. Its link:')
    const printed = lines[2]!
    expect(printed).toMatch(/^http:\/\/localhost:3000\/invitations\/accept\?token=[\w-]{43}$/)

    const message = await mailbox.next(
      email,
      'You have been invited to join Clinician Researcher Credentials Framework team on Trellis',
    )
    expect(message.text).toContain('as: Framework admin')
    const link = Mailbox.linkIn(message, '/invitations/accept')
    expect(printed).toBe(`http://localhost:3000${link}`)

    // The invitee creates an account with that address and accepts, on an app over the same database.
    const composition = await openComposition(config)
    const testApp = await createTestApp('pglite', { database: composition.database })
    try {
      const person = await createPerson(composition.database, {
        email,
        professionId: null,
        registrationNumber: null,
      })
      const browser = await signedInBrowser(testApp, person)
      const token = new URL(printed).searchParams.get('token')!
      expect((await browser.post('/invitations/accept', { token })).statusCode).toBe(303)
      const me = (await browser.get('/api/v1/me')).json()
      expect(me.memberships).toEqual([
        { organisation: expect.objectContaining({ id: 'framework-team' }), roles: ['framework-admin'] },
      ])
      expect((await browser.get('/organisations/framework-team/members')).statusCode).toBe(200)
    } finally {
      await testApp.close()
      await composition.close()
    }
  })

  it('invites rather than grants when the account’s address is not confirmed', async () => {
    const email = uniqueEmail('unconfirmed')
    const person = await withComposition(({ database }) =>
      createPerson(database, { email, verified: false, professionId: null, registrationNumber: null }),
    )
    const result = await run('admin', 'create', email)
    expect(result.code).toBe(0)
    expect(result.out).toContain('has no confirmed Trellis account yet, so we invited them')
    await mailbox.next(email)
    await withComposition(async ({ services }) => {
      expect(await services.memberships.listForUser(person.id)).toEqual([])
    })
  })
})
